/**
 * A full disk, whichever layer notices it: SQLite (SQLITE_FULL), PostgreSQL (disk_full, 53100) or
 * Node's file system (ENOSPC, or EDQUOT for a full quota). Every host answers it the same way: 507
 * `insufficient_storage`, saying which disk to free.
 */
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import type { DbConfig } from './connection';

const DISK_FULL_CODES = new Set(['SQLITE_FULL', '53100', 'ENOSPC', 'EDQUOT']);

/** True when the error (or one it wraps) says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof AppError) return e.code === 'insufficient_storage';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
  }
  return false;
}

/** "The disk holding <folder> is full; …", the one sentence every full-disk answer starts with. */
export function diskFullSentence(folder: string): string {
  return `The disk holding ${folder} is full; free some space on it`;
}

/** The answer to a write the database could not store for lack of space; nothing of it was saved. */
export function diskFullError(config: DbConfig, cause?: unknown): AppError {
  const message =
    config.kind === 'pg'
      ? "The database server's disk is full (PostgreSQL could not store the change); free some space on the database server and try again. Nothing was saved."
      : `${diskFullSentence(path.dirname(config.file))} and try again. Nothing was saved.`;
  const error = new AppError('insufficient_storage', message);
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}
