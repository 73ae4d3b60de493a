import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import { fsyncDir, openSqlite } from './sqlite-copy';

const JOURNALS = ['-wal', '-shm', '-journal'];

/**
 * Refuses when another program has the database open (a Stockfeed server, the app, the command
 * line): leaving WAL mode needs every other connection closed, so SQLite answers SQLITE_BUSY then.
 * When it succeeds the WAL has been folded into the file and removed.
 */
async function assertSoleUser(dbFile: string): Promise<void> {
  const check = openSqlite(dbFile, { readOnly: false, busyTimeoutMs: 500 });
  try {
    await check.raw('PRAGMA journal_mode = DELETE');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'SQLITE_BUSY') {
      throw new AppError(
        'database_in_use',
        `Another program has the database ${dbFile} open (a Stockfeed server, the desktop app or a command still running): restore from that program, or stop it and restore again. Nothing was changed.`,
      );
    }
    throw error;
  } finally {
    await check.destroy();
  }
}

/**
 * Puts a prepared database file in place of the one in use, atomically: the prepared file is
 * complete and flushed beside it, and a rename replaces the old one in a single step, so a crash
 * leaves either the old database or the new one, never a mix. The caller has closed its own
 * connections; a stale WAL is removed first, since SQLite would replay it into the new file.
 */
export async function replaceDatabaseFile(prepared: string, dbFile: string): Promise<void> {
  if (fs.existsSync(dbFile)) await assertSoleUser(dbFile);
  for (const suffix of JOURNALS) fs.rmSync(`${dbFile}${suffix}`, { force: true });
  fs.renameSync(prepared, dbFile);
  fsyncDir(path.dirname(dbFile));
}
