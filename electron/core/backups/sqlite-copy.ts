/**
 * Copies of a SQLite database and what can be read from one. A copy is always made by SQLite
 * itself (`VACUUM INTO`: one consistent snapshot, written as a single file with no WAL beside it),
 * never by copying the file, which would catch a WAL database halfway through a checkpoint.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { AppError } from '../../../shared/errors';
import { makePrivate } from '../data-files';
import { MIGRATIONS } from '../db/migrations/index';
import { readHeader, SQLITE_HEADER } from '../db/sqlite-startup';
import { num } from '../util/db-helpers';

/** The first migration every Stockfeed database has: the mark of one of ours. */
const FIRST_MIGRATION = MIGRATIONS[0]?.[0] ?? '';

/**
 * A separate connection to a SQLite file, outside the app's pool (which has one connection, busy
 * with writes). `readOnly` opens it through a `mode=ro` URI: nothing can be written by mistake.
 */
export function openSqlite(file: string, options: { readOnly: boolean; busyTimeoutMs?: number }): Knex {
  const filename = options.readOnly ? `${pathToFileURL(file).href}?mode=ro` : file;
  return knexFactory({
    client: 'sqlite3',
    connection: { filename, flags: options.readOnly ? ['OPEN_URI'] : [] },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000};`, (err) => done(err, conn));
      },
    },
  });
}

function fsyncPath(target: string, flags: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, flags);
    fs.fsyncSync(fd);
  } catch (error) {
    // Windows cannot open a folder to fsync it; its rename is durable enough once it returns.
    const code = (error as NodeJS.ErrnoException).code;
    if (!(flags === 'r' && (code === 'EISDIR' || code === 'EPERM' || code === 'EACCES'))) throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Flushes a file's content to the disk. */
export function fsyncFile(file: string): void {
  fsyncPath(file, 'r+');
}

/** Flushes a folder's entries (a rename or a new file in it) to the disk. */
export function fsyncDir(dir: string): void {
  fsyncPath(dir, 'r');
}

/**
 * Writes a consistent copy of the database that `db` (or a connection of its own to `file`) reads
 * into `target` (which must not exist), owner-only, flushed to disk. Writers go on meanwhile: in
 * WAL mode the copy is one read transaction and blocks nobody.
 */
export async function vacuumInto(source: Knex, target: string): Promise<void> {
  await source.raw('VACUUM INTO ?', [target]);
  makePrivate(target);
  fsyncFile(target);
}

/** `PRAGMA integrity_check` on a file: [] when intact, else SQLite's findings (at most 10). */
export async function integrityFindings(file: string): Promise<string[]> {
  const db = openSqlite(file, { readOnly: true });
  try {
    const rows = (await db.raw('PRAGMA integrity_check(10)')) as Array<{ integrity_check: string }>;
    const findings = rows.map((r) => r.integrity_check);
    return findings.length === 1 && findings[0] === 'ok' ? [] : findings;
  } finally {
    await db.destroy();
  }
}

/** What a Stockfeed database says about itself. */
export type DatabaseFacts = {
  /** The newest change-log sequence number. */
  seq: number;
  /** The newest migration applied: the schema version. */
  schemaVersion: string;
  /** Migrations it has that this build does not ship (written by a newer Stockfeed). */
  unknownMigrations: string[];
};

/** Reads the change-log head and the schema version of an open Stockfeed database. */
export async function databaseFacts(db: Knex): Promise<DatabaseFacts> {
  const applied = ((await db('knex_migrations').select('name').orderBy('id')) as Array<{ name: string }>).map((r) => r.name);
  const known = new Set(MIGRATIONS.map(([name]) => name));
  const seqRow = (await db('changes').max({ seq: 'seq' }).first()) as { seq: number | string | null } | undefined;
  return {
    seq: num(seqRow?.seq ?? 0),
    schemaVersion: applied[applied.length - 1] ?? '',
    unknownMigrations: applied.filter((name) => !known.has(name)),
  };
}

function refuse(file: string, why: string): AppError {
  return new AppError('backup_invalid', `${file} cannot be restored: ${why}`, { file, reason: why });
}

/**
 * Checks a file offered for a restore, without changing it: a SQLite database, intact (`PRAGMA
 * integrity_check`), made by Stockfeed (its knex_migrations table starts with our first migration
 * and holds the change log), and of a schema this build knows: the same, or older and migratable.
 * Throws `backup_invalid` naming the file and the reason.
 */
export async function inspectRestoreCandidate(file: string): Promise<DatabaseFacts> {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw refuse(file, 'there is no such file');
  if (!stat.isFile()) throw refuse(file, 'it is not a file');
  let header: Buffer;
  try {
    header = readHeader(file);
  } catch (error) {
    throw refuse(file, `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!header.equals(SQLITE_HEADER)) throw refuse(file, 'it is not a SQLite database');
  let findings: string[];
  try {
    findings = await integrityFindings(file);
  } catch (error) {
    throw refuse(file, `SQLite cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (findings.length > 0) throw refuse(file, `it is damaged (SQLite's integrity check found: ${findings.join('; ').slice(0, 300)})`);
  const db = openSqlite(file, { readOnly: true });
  try {
    const tables = new Set(((await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'")) as Array<{ name: string }>).map((r) => r.name));
    if (!tables.has('knex_migrations') || !tables.has('changes') || !tables.has('products')) {
      throw refuse(file, 'it is a SQLite database, but not a Stockfeed one (it has no Stockfeed tables)');
    }
    const first = (await db('knex_migrations').select('name').orderBy('id').first()) as { name: string } | undefined;
    if (first?.name !== FIRST_MIGRATION) throw refuse(file, 'it is a SQLite database, but not a Stockfeed one (its migrations are not Stockfeed\'s)');
    const facts = await databaseFacts(db);
    if (facts.unknownMigrations.length > 0) {
      throw refuse(file, `it was written by a newer Stockfeed (migrations ${facts.unknownMigrations.join(', ')}); upgrade Stockfeed first`);
    }
    return facts;
  } finally {
    await db.destroy();
  }
}
