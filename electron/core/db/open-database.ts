/**
 * Opening the database at start, with the checks that make a bad one stop Stockfeed with one
 * sentence (which file, what to do) instead of a server that answers /health while every request
 * fails. Every host prints a StartupError's message as it is and exits non-zero.
 */
import fs from 'node:fs';
import type { Knex } from 'knex';
import { createKnex, type DbConfig } from './connection';
import type { Logger } from '../logger';
import { migrateToLatest } from './migrate';
import { describePgFailure } from './pg-startup';
import { checkSqliteFile, checkSqliteIntegrity, describeSqliteFailure } from './sqlite-startup';
import { StartupError } from './startup-error';

export { StartupError };

/** Creates the data folder; a folder that cannot be created is a startup failure, not a crash. */
export function ensureDataDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(
      `The data folder ${dir} cannot be created (${code}): fix the permissions of the folder it goes in, or choose another data folder.`,
      { cause: error },
    );
  }
}

/**
 * Opens, checks and migrates the database. SQLite: the file must be a SQLite database, readable
 * and writable (with its folder: WAL keeps two files beside it), and pass `PRAGMA quick_check`
 * before anything is migrated or written. PostgreSQL: the server must be reachable and let us in.
 */
export async function openDatabase(config: DbConfig, log: Logger): Promise<Knex> {
  if (config.kind === 'sqlite') checkSqliteFile(config.file);
  const db = createKnex(config);
  try {
    if (config.kind === 'sqlite') await checkSqliteIntegrity(db, config.file);
    await migrateToLatest(db, log);
    return db;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof StartupError) throw error;
    const described = config.kind === 'sqlite' ? describeSqliteFailure(error, config.file) : describePgFailure(error, config.url);
    throw described ?? error;
  }
}
