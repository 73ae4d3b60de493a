/**
 * The backups folder: one `stockfeed-<id>.sqlite` per copy and a small `stockfeed-<id>.json`
 * beside it with what the listing shows (time, size, change-log sequence, schema version), so the
 * list needs no database opened. Only files of exactly this shape are Stockfeed's: in a folder the
 * owner shares with other things (a synced cloud folder), nothing else is ever touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BACKUP_ID_PATTERN, BACKUP_KINDS, backupSchema, type Backup, type BackupKind } from '../../../shared/schemas/backups';
import { makePrivate } from '../data-files';
import { fsyncDir, fsyncFile } from './sqlite-copy';

const PREFIX = 'stockfeed-';

export function backupFile(folder: string, id: string): string {
  return path.join(folder, `${PREFIX}${id}.sqlite`);
}

function sidecarFile(folder: string, id: string): string {
  return path.join(folder, `${PREFIX}${id}.json`);
}

/** `20261204T223739123Z-daily`: sortable, unique to the millisecond, safe in every file system. */
export function backupId(kind: BackupKind, at: Date): string {
  return `${at.toISOString().replace(/[-:.]/g, '')}-${kind}`;
}

/** The time an id was taken at, as ISO 8601. */
export function idTime(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(id);
  if (!m) throw new Error(`not a backup id: ${id}`);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`;
}

export function idKind(id: string): BackupKind {
  const kind = id.slice(id.indexOf('Z-') + 2);
  const found = BACKUP_KINDS.find((k) => k === kind);
  if (!found) throw new Error(`not a backup id: ${id}`);
  return found;
}

/** Writes the listing's facts beside a copy (temporary file, fsync, rename: never half a file). */
export function writeSidecar(folder: string, backup: Backup): void {
  const target = sidecarFile(folder, backup.id);
  const temp = path.join(folder, `.${path.basename(target)}.tmp`);
  fs.writeFileSync(temp, `${JSON.stringify(backup, null, 2)}\n`, { mode: 0o600 });
  makePrivate(temp);
  fsyncFile(temp);
  fs.renameSync(temp, target);
  fsyncDir(folder);
}

/**
 * Every complete backup in the folder, newest first. A copy without a readable sidecar (an older
 * one, or one a sync client brought back alone) is listed from its file name and size, with
 * `seq` -1 until it is checked; a sidecar without its copy is ignored.
 */
export function listBackupFiles(folder: string): Backup[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: Backup[] = [];
  for (const name of names) {
    if (!name.startsWith(PREFIX) || !name.endsWith('.sqlite')) continue;
    const id = name.slice(PREFIX.length, -'.sqlite'.length);
    if (!BACKUP_ID_PATTERN.test(id)) continue;
    const stat = fs.statSync(path.join(folder, name), { throwIfNoEntry: false });
    if (!stat?.isFile()) continue;
    out.push(readSidecar(folder, id) ?? {
      id,
      kind: idKind(id),
      createdAt: idTime(id),
      file: name,
      sizeBytes: stat.size,
      seq: -1,
      schemaVersion: '',
      stockfeedVersion: '',
      integrity: 'ok',
    });
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

function readSidecar(folder: string, id: string): Backup | null {
  try {
    const parsed = backupSchema.safeParse(JSON.parse(fs.readFileSync(sidecarFile(folder, id), 'utf8')));
    return parsed.success && parsed.data.id === id ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Deletes a copy and its sidecar. */
export function deleteBackup(folder: string, id: string): void {
  fs.rmSync(backupFile(folder, id), { force: true });
  fs.rmSync(sidecarFile(folder, id), { force: true });
}
