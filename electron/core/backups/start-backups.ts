/**
 * The copies made as Stockfeed starts, before anything can change the database: one before
 * migrations change its shape, and one at the first start of a new version (an update that went
 * wrong is undone by restoring it). Both read the backups folder from the stored settings, since
 * the settings service does not exist yet.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Backup, BackupKind } from '../../../shared/schemas/backups';
import { BACKUP_DIR } from '../data-files';
import type { Logger } from '../logger';
import { takeBackup } from './backup-writer';

/** Key of the settings row holding the version that last opened the database. */
const VERSION_KEY = 'app_version';

export function resolveBackupFolder(dataDir: string, folder: string | null | undefined): string {
  return folder && path.isAbsolute(folder) ? folder : path.join(dataDir, BACKUP_DIR);
}

/** The backups folder named in the stored settings (null when none is chosen or it cannot be read). */
export async function storedBackupFolder(db: Knex): Promise<string | null> {
  try {
    const row = (await db('settings').where({ key: 'shop' }).first()) as { value: string } | undefined;
    const folder = row ? (JSON.parse(row.value) as { backups?: { folder?: unknown } }).backups?.folder : null;
    return typeof folder === 'string' ? folder : null;
  } catch {
    return null;
  }
}

export async function lastOpenedVersion(db: Knex): Promise<string | null> {
  const row = (await db('settings').where({ key: VERSION_KEY }).first()) as { value: string } | undefined;
  return row ? String(JSON.parse(row.value)) : null;
}

export async function recordOpenedVersion(db: Knex, version: string): Promise<void> {
  const value = JSON.stringify(version);
  const now = new Date().toISOString();
  await db('settings').insert({ key: VERSION_KEY, value, updated_at: now }).onConflict('key').merge({ value, updated_at: now });
}

export type StartBackupOptions = { file: string; dataDir: string; version: string; log: Logger; beforeVerify?: ((copy: string) => void) | undefined };

/**
 * Backs up into the chosen folder, or into DATA/backups when that one fails (an external disk not
 * plugged in): a start must not depend on a disk that comes and goes. Throws when both fail.
 */
export async function startBackup(db: Knex, kind: BackupKind, options: StartBackupOptions): Promise<Backup> {
  const chosen = await storedBackupFolder(db);
  const fallback = resolveBackupFolder(options.dataDir, null);
  const folder = resolveBackupFolder(options.dataDir, chosen);
  try {
    return await takeBackup({ ...options, folder, kind });
  } catch (error) {
    if (folder === fallback) throw error;
    options.log.warn(`could not back up into ${folder} (${(error as Error).message}); backing up into ${fallback} instead`);
    return takeBackup({ ...options, folder: fallback, kind });
  }
}

/** Whether a SQLite database file has content (a new database gets no copies). */
export function hasDatabase(file: string): boolean {
  return (fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 0;
}
