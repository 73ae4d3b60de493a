/**
 * What can be wrong with the SQLite file at start, found before knex opens it (the file system
 * tells us more precisely than SQLite's SQLITE_CANTOPEN), and SQLite's own errors mapped to the
 * same sentences when it finds a problem the file system did not show.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { diskFullSentence } from './storage-errors';
import { StartupError } from './startup-error';

/** Every SQLite 3 database starts with these 16 bytes. */
export const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

const BACKUP_HINT = 'npm run cli -- backups lists the copies Stockfeed made, npm run cli -- restore FILE puts one back';

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'the user running Stockfeed';
  }
}

function fixPermissions(file: string): string {
  return `Fix the permissions: the user running Stockfeed (${currentUser()}) must be able to read and write ${file} and its folder ${path.dirname(file)}.`;
}

const notADatabase = (file: string) =>
  new StartupError(
    `${file} is not a SQLite database, so Stockfeed cannot use it. Restore a backup of the database in its place (${BACKUP_HINT}), or move the file away to start with an empty database.`,
    { unusable: 'not-a-database' },
  );

const damaged = (file: string, finding: string) =>
  new StartupError(
    `The database ${file} is damaged (SQLite's check found: ${finding}). Stockfeed will not open it, so nothing more is lost: stop every Stockfeed using it and restore a backup (${BACKUP_HINT}).`,
    { unusable: 'damaged' },
  );

const readOnlyDisk = (file: string) =>
  new StartupError(`The database ${file} is on a read-only disk. Remount that disk read-write, or move the data folder to a writable disk.`);

const permissionDenied = (file: string) => new StartupError(`The database ${file} cannot be opened: permission denied. ${fixPermissions(file)}`);

const readOnlyFile = (file: string) => new StartupError(`The database ${file} is read-only. ${fixPermissions(file)}`);

const readOnlyFolder = (file: string) =>
  new StartupError(
    `The database ${file} cannot be written: its folder ${path.dirname(file)} is read-only (SQLite keeps its journal files beside the database). ${fixPermissions(file)}`,
  );

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? '';
}

/** Null when `access(mode)` passes, else the errno code (EACCES, EPERM, EROFS, …). */
function accessProblem(target: string, mode: number): string | null {
  try {
    fs.accessSync(target, mode);
    return null;
  } catch (error) {
    return errnoOf(error) || 'EACCES';
  }
}

/** The first bytes of a file, as many as the SQLite header has (fewer when the file is shorter). */
export function readHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Checks the file and its folder before SQLite opens them. A missing file is fine (a new database
 * is created) as long as its folder is writable. Throws a StartupError naming the problem.
 */
export function checkSqliteFile(file: string): void {
  const dir = path.dirname(file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    throw permissionDenied(file);
  }
  if (stat?.isDirectory()) {
    throw new StartupError(`The database ${file} cannot be opened: it is a folder, not a file. Move that folder away, or restore a backup of the database file there (${BACKUP_HINT}).`);
  }
  if (stat && !stat.isFile()) throw new StartupError(`The database ${file} cannot be opened: it is not a regular file. Move it away, or restore a backup of the database file there.`);
  if (stat && stat.size > 0) {
    let header: Buffer;
    try {
      header = readHeader(file);
    } catch (error) {
      throw errnoOf(error) === 'EROFS' ? readOnlyDisk(file) : permissionDenied(file);
    }
    if (!header.equals(SQLITE_HEADER)) throw notADatabase(file);
  }
  const fileProblem = stat ? accessProblem(file, fs.constants.W_OK) : null;
  const dirProblem = accessProblem(dir, fs.constants.W_OK);
  if (fileProblem === 'EROFS' || dirProblem === 'EROFS') throw readOnlyDisk(file);
  if (fileProblem) throw readOnlyFile(file);
  if (dirProblem) throw readOnlyFolder(file);
  // WAL's two files, left by a run as another user (say, once as root), block opening just the same.
  for (const journal of [`${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(journal) && accessProblem(journal, fs.constants.R_OK | fs.constants.W_OK)) {
      throw new StartupError(`The database journal ${journal} is read-only. ${fixPermissions(file)}`);
    }
  }
}

/**
 * `PRAGMA quick_check`: every page and b-tree checked, without the slower index-content pass of
 * integrity_check. Measured on a 100,000-product database (207 MB, 2 cores): ~0.2 s with the file
 * in the OS cache (a restart) and ~2.1 s from a cold cache (the first start after a reboot), against
 * ~0.04 s for the rest of opening. Kept at every start anyway: damage found before anything runs
 * loses nothing, while damage found by a write later fails that write and every one after it, and
 * a shop that size restarts rarely (smaller shops pay proportionally less: ~2 ms per 1,000 products warm).
 */
export async function checkSqliteIntegrity(db: Knex, file: string): Promise<void> {
  const rows = (await db.raw('PRAGMA quick_check(3)')) as Array<{ quick_check: string }>;
  const findings = rows.map((r) => r.quick_check);
  if (findings.length === 1 && findings[0] === 'ok') return;
  // One line for the message: SQLite's findings come as "*** in database main ***\nPage 5: …".
  const finding = findings.join('; ').replace(/\*\*\* in database \w+ \*\*\*/g, '').replace(/\s+/g, ' ').trim();
  throw damaged(file, finding.slice(0, 300));
}

/** SQLite's own errors at open or migration, as the sentences above; null for anything else. */
export function describeSqliteFailure(error: unknown, file: string): StartupError | null {
  const code = errnoOf(error);
  switch (code) {
    case 'SQLITE_NOTADB':
      return notADatabase(file);
    case 'SQLITE_CORRUPT':
      return damaged(file, 'database disk image is malformed');
    case 'SQLITE_FULL':
      return new StartupError(`${diskFullSentence(path.dirname(file))}, then start Stockfeed again.`);
    case 'SQLITE_BUSY':
      return new StartupError(`The database ${file} is locked by another program (it held the lock for over 5 seconds). Close that program, then start Stockfeed again.`);
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_IOERR':
    case 'EACCES':
    case 'EPERM':
    case 'EROFS': {
      // The file system usually says which it is; when it does not, say what SQLite said.
      try {
        checkSqliteFile(file);
      } catch (found) {
        if (found instanceof StartupError) return found;
      }
      if (code === 'SQLITE_READONLY') return readOnlyFile(file);
      return new StartupError(`The database ${file} cannot be opened (${code}). ${fixPermissions(file)}`);
    }
    default:
      return null;
  }
}
