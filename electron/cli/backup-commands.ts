/**
 * `backup [--to FILE]`, `backups` and `restore FILE`: the SQLite database's copies from the
 * command line, through the same core service as the app and the API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BACKUP_ID_PATTERN, type Backup } from '../../shared/schemas/backups';
import { backupFile } from '../core/backups/backup-files';
import { usePgDump } from '../core/backups/backup-handlers';
import { restoreOverUnopenable } from '../core/backups/backup-service';
import { resolveBackupFolder } from '../core/backups/start-backups';
import { resolveDbConfig } from '../core/db/connection';
import { StartupError } from '../core/db/startup-error';
import { CommandFailed, withCore, type CliEnv, type CliIo } from './commands';

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function describeBackup(b: Backup): string {
  const seq = b.seq >= 0 ? `change-log sequence ${b.seq}` : 'not yet checked';
  return `${b.id}  ${b.createdAt}  ${size(b.sizeBytes)}  ${seq}  schema ${b.schemaVersion || '?'}`;
}

function requireSqlite(env: CliEnv): string {
  const config = resolveDbConfig(env);
  if (config.kind !== 'sqlite') throw usePgDump();
  return config.file;
}

export async function backupCommand(env: CliEnv, io: CliIo, to: string | undefined): Promise<number> {
  requireSqlite(env);
  return withCore(env, io, true, async (core) => {
    const backups = core.backups;
    if (!backups) throw usePgDump();
    if (to !== undefined) {
      const made = await backups.createTo(to);
      io.out(`Backed up to ${made.path} (${size(made.sizeBytes)}, change-log sequence ${made.seq}, schema ${made.schemaVersion}); integrity check: ok.`);
      return 0;
    }
    const made = await backups.create('manual');
    io.out(`Backed up to ${backupFile(backups.folder(), made.id)} (${size(made.sizeBytes)}, change-log sequence ${made.seq}, schema ${made.schemaVersion}); integrity check: ok.`);
    return 0;
  });
}

export async function backupsCommand(env: CliEnv, io: CliIo): Promise<number> {
  requireSqlite(env);
  return withCore(env, io, true, async (core) => {
    const backups = core.backups;
    if (!backups) throw usePgDump();
    const list = backups.list();
    io.out(`Backups in ${backups.folder()}: ${list.length === 0 ? 'none yet' : list.length}`);
    for (const b of list) io.out(`  ${describeBackup(b)}`);
    return 0;
  });
}

/** A path, or the id of a copy in the backups folder (as `backups` lists it). */
function resolveSource(arg: string, folder: string): { file: string; label: string } {
  if (!fs.existsSync(arg) && BACKUP_ID_PATTERN.test(arg)) return { file: backupFile(folder, arg), label: arg };
  return { file: path.resolve(arg), label: path.basename(arg) };
}

export async function restoreCommand(env: CliEnv, io: CliIo, arg: string): Promise<number> {
  const dbFile = requireSqlite(env);
  try {
    return await withCore(env, io, false, async (core) => {
      const backups = core.backups;
      if (!backups) throw usePgDump();
      const source = resolveSource(arg, backups.folder());
      const result = await backups.restoreFile(source.file, source.label);
      io.out(`Restored ${source.file} (change-log sequence ${result.restored.seq}, schema ${result.restored.schemaVersion}).`);
      io.out(`The database as it was before is backed up as ${result.previous.id}: restore that to undo.`);
      io.out(`Publishing was rebuilt from the restored data; the change log records the restore as entry ${result.seq}.`);
      return 0;
    });
  } catch (error) {
    if (!(error instanceof StartupError) || error.unusable === null) throw error;
    // The database in use cannot be opened: the restore is the way back, so it must not need it.
    const source = resolveSource(arg, resolveBackupFolder(env.dataDir, null));
    if (!fs.existsSync(source.file)) throw new CommandFailed(`Cannot restore ${arg}: there is no such file.`);
    const { facts, keptAs } = await restoreOverUnopenable(dbFile, source.file, { info() {}, warn: (m) => io.err(`warning: ${m}`), error: (m) => io.err(`error: ${m}`) });
    return withCore(env, io, true, async (core) => {
      const seq = (await core.backups?.recordRestore(source.label, facts, null, 0)) ?? 0;
      await core.publisher.rebuild();
      io.out(`The database could not be opened (${error.message.split('. ')[0]}); it was replaced by ${source.file} (change-log sequence ${facts.seq}).`);
      if (keptAs) io.out(`The unusable file is kept as ${keptAs}.`);
      // A restore otherwise keeps who may sign in as it is; here there was nothing left to read it from.
      io.out('Accounts, browser sessions and storefront tokens are the backup\'s (the unusable database\'s could not be read): check Settings → People and the storefront tokens.');
      io.out(`Publishing was rebuilt from the restored data; the change log records the restore as entry ${seq}.`);
      return 0;
    });
  }
}
