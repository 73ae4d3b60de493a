/**
 * The data folder holds the shop's secrets: channel webhook secrets, the SFTP password and key and
 * webhook signing secrets sit in the database, the API token in its own file. On Linux and macOS
 * they are the owner's alone: the folder 0700, those files 0600, set with chmod so the umask of
 * whoever started Stockfeed does not decide it. Windows has no such modes (chmod only toggles the
 * read-only flag); its per-user profile folders are private through their ACLs already.
 *
 * One rule, here, for every private file: the database and SQLite's files beside it (`-wal`,
 * `-shm`, `-journal`, and any `*.sqlite*` copy), the token and its temporary file, the backups in
 * `backups/` and the log files in `logs/`.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The folder backups go into (unless the owner chose another one). */
export const BACKUP_DIR = 'backups';

/** The folder of the rotating log files. */
export const LOG_DIR = 'logs';

const POSIX = process.platform !== 'win32';

/** Whether a file directly in the data folder holds secrets: the database and its companions, the token. */
export function isPrivateDataFile(name: string): boolean {
  return name.includes('.sqlite') || name === 'api-token' || name.startsWith('.api-token.');
}

/** Reports a mode that could not be set (a FAT drive, a network share, another owner's file). */
export type ModeWarning = (message: string) => void;

/**
 * Takes away every permission outside `mask` (group and others), never adding one: a database the
 * owner made read-only stays read-only (and is then reported at start as read-only, with the fix),
 * where a plain chmod to 0600 would quietly make it writable again.
 */
function tighten(target: string, mask: number, warn: ModeWarning | undefined): void {
  try {
    const mode = fs.statSync(target).mode & 0o777;
    if ((mode & ~mask) === 0) return;
    fs.chmodSync(target, mode & mask);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // Refusing to start over a file system without modes would lock the owner out of their data.
    if (warn && (code === 'EPERM' || code === 'ENOTSUP' || code === 'EROFS' || code === 'EACCES')) {
      warn(`could not make ${target} readable by its owner only (${code}); check its permissions`);
      return;
    }
    throw error;
  }
}

/** Makes a file owner-only (at most 0600); a file that is not there is skipped. Call it for each backup written. */
export function makePrivate(file: string, warn?: ModeWarning): void {
  if (POSIX) tighten(file, PRIVATE_FILE_MODE, warn);
}

/** Creates a folder (and its parents) owner-only (0700), and tightens one that was there already. */
export function ensurePrivateDir(dir: string, warn?: ModeWarning): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX) tighten(dir, PRIVATE_DIR_MODE, warn);
}

/**
 * Creates a folder the owner named (and its missing parents) owner-only (0700), and leaves one that
 * is there already as it is: it may be shared with other things (a synced folder, a web root, or
 * `/`), and making it 0700 would lock every other user and service out. What Stockfeed writes into
 * it is made private file by file (makePrivate).
 */
export function createPrivateDir(dir: string): void {
  // The mode applies to every folder this creates; the umask can only take bits away from it.
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates an empty private file if it is missing (SQLite's database before SQLite opens it: SQLite
 * gives its WAL, SHM and journal files the mode of the database file) and makes it 0600.
 */
export function ensurePrivateFile(file: string, warn?: ModeWarning): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  makePrivate(file, warn);
}

/**
 * Creates the data folder 0700, or tightens one made by an earlier version: the folder, its
 * database files and token, and the backups and logs folders with everything in them. Runs at every start.
 * A mode the file system refuses is reported through `warn` (when given) instead of failing.
 */
export function secureDataDir(dataDir: string, warn?: ModeWarning): void {
  ensurePrivateDir(dataDir, warn);
  if (!POSIX) return;
  for (const entry of fs.readdirSync(dataDir, { withFileTypes: true })) {
    const full = path.join(dataDir, entry.name);
    if (entry.isFile() && isPrivateDataFile(entry.name)) makePrivate(full, warn);
    else if (entry.isDirectory() && (entry.name === BACKUP_DIR || entry.name === LOG_DIR)) {
      tighten(full, PRIVATE_DIR_MODE, warn);
      for (const inner of fs.readdirSync(full, { withFileTypes: true })) if (inner.isFile()) makePrivate(path.join(full, inner.name), warn);
    }
  }
}
