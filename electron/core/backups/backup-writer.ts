import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Backup, BackupKind } from '../../../shared/schemas/backups';
import { createPrivateDir } from '../data-files';
import type { Logger } from '../logger';
import { backupFile, backupId, writeSidecar } from './backup-files';
import { databaseFacts, fsyncDir, integrityFindings, openSqlite, vacuumInto } from './sqlite-copy';

export type BackupTarget = {
  /** The live database file. */
  file: string;
  folder: string;
  kind: BackupKind;
  version: string;
  log: Logger;
  /** Tests only: damages the copy between writing and checking it. */
  beforeVerify?: ((copy: string) => void) | undefined;
};

/**
 * Writes one online backup of the database into the backups folder: `VACUUM INTO` a hidden
 * temporary file through a connection of its own (writers go on), `PRAGMA integrity_check` on
 * that copy, then a rename to its listed name and the sidecar. A copy that fails the check is
 * deleted and reported; it never appears in the list.
 */
export async function takeBackup(target: BackupTarget): Promise<Backup> {
  // DATA/backups is tightened with the data folder at every start (secureDataDir); a folder the
  // owner chose is created private but never re-moded.
  createPrivateDir(target.folder);
  let at = new Date();
  // Two copies in the same millisecond (a test, a script) get consecutive ids, never one file.
  while (fs.existsSync(backupFile(target.folder, backupId(target.kind, at)))) at = new Date(at.getTime() + 1);
  const id = backupId(target.kind, at);
  const final = backupFile(target.folder, id);
  const temp = path.join(target.folder, `.${path.basename(final)}.tmp`);
  fs.rmSync(temp, { force: true });
  try {
    const facts = await writeCheckedCopy(target.file, temp, target.beforeVerify);
    fs.renameSync(temp, final);
    fsyncDir(target.folder);
    const backup: Backup = {
      id,
      kind: target.kind,
      createdAt: at.toISOString(),
      file: path.basename(final),
      sizeBytes: fs.statSync(final).size,
      seq: facts.seq,
      schemaVersion: facts.schemaVersion,
      stockfeedVersion: target.version,
      integrity: 'ok',
    };
    writeSidecar(target.folder, backup);
    target.log.info('backup written', { backup: id, kind: target.kind, sizeBytes: backup.sizeBytes, seq: backup.seq, folder: target.folder });
    return backup;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Copies the database at `source` into `target` and checks the copy; returns what the copy holds.
 * Throws (and leaves `target` for the caller to delete) when the check finds damage.
 */
export async function writeCheckedCopy(source: string, target: string, beforeVerify?: (copy: string) => void): Promise<{ seq: number; schemaVersion: string }> {
  const conn = openSqlite(source, { readOnly: false });
  try {
    await vacuumInto(conn, target);
  } finally {
    await conn.destroy();
  }
  beforeVerify?.(target);
  let findings: string[];
  try {
    findings = await integrityFindings(target);
  } catch (error) {
    findings = [(error as NodeJS.ErrnoException).code ?? (error as Error).message];
  }
  if (findings.length > 0) {
    throw new AppError(
      'internal',
      `The backup copy failed SQLite's integrity check (${findings.join('; ').slice(0, 300)}), so it was deleted; earlier backups are kept. Check the disk that holds ${path.dirname(target)}.`,
      { findings },
    );
  }
  const copy = openSqlite(target, { readOnly: true });
  try {
    return await databaseFacts(copy);
  } finally {
    await copy.destroy();
  }
}
