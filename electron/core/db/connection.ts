/**
 * The one place where the database engine is chosen. SQLite (a file in the data folder) is the
 * default; a `postgres://` DATABASE_URL switches the same knex code to PostgreSQL.
 */
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { SqliteImmediateClient } from './sqlite-client';
import { WRITER_PRAGMAS } from './wal-checkpointer';

export type DbConfig = { kind: 'sqlite'; file: string } | { kind: 'pg'; url: string };

export type Dialect = DbConfig['kind'];

export function resolveDbConfig(options: { dataDir: string; databaseUrl?: string | undefined }): DbConfig {
  const url = options.databaseUrl?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(`DATABASE_URL must be a postgres:// URL (got "${url.split(':')[0]}:…")`);
    }
    return { kind: 'pg', url };
  }
  return { kind: 'sqlite', file: path.join(options.dataDir, 'stockfeed.sqlite') };
}

/** PostgreSQL's type id of `bigint` (int8): the money and quantity columns, COUNT(*), SUM(integer). */
const PG_INT8 = 20;

/**
 * node-postgres hands a bigint back as a string, because a JavaScript number cannot hold every
 * one. Stockfeed's figures stay far below 2^53 (shared/domain/limits.ts), so they are read as
 * numbers; a value past Number.MAX_SAFE_INTEGER (written behind Stockfeed's back) is an error,
 * never a silently rounded number. Set per connection, not on the global pg.types.
 */
export function parsePgInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`The database returned the integer ${text}, which Stockfeed cannot hold exactly (the limit is ${Number.MAX_SAFE_INTEGER})`);
  }
  return value;
}

type PgConnection = { setTypeParser(oid: number, format: 'text', parse: (text: string) => unknown): void };

type SqliteConnection = { exec(sql: string, cb: (err: Error | null) => void): void };

/**
 * knex prints a failed connection attempt with its stack on stdout, then throws the same error to
 * the caller, which reports it once (at start: one sentence, see open-database.ts). Its other
 * warnings still show, on stderr.
 */
const knexLog = {
  warn(message: unknown) {
    if (typeof message === 'string' && message.startsWith('Acquire connection error')) return;
    console.warn(message);
  },
};

/** node-postgres' Client options; `pipeline` is newer than knex's types for them. */
const pgConnection = (url: string): Knex.PgConnectionConfig => ({ connectionString: url, pipeline: true }) as Knex.PgConnectionConfig;

export function createKnex(config: DbConfig): Knex {
  if (config.kind === 'pg') {
    return knexFactory({
      client: 'pg',
      // Pipeline mode (node-postgres' own option): a query is sent without waiting for the answer
      // to the one before, each with its own Sync, so each still succeeds or fails alone. knex
      // awaits each of its queries, so for it nothing changes; the write queue sends a batch's read
      // right behind BEGIN and the lock (db/pg-transaction.ts). No cursors or query streams with it.
      connection: pgConnection(config.url),
      pool: {
        min: 0,
        max: 10,
        afterCreate(conn: PgConnection, done: (err: Error | null, conn: PgConnection) => void) {
          conn.setTypeParser(PG_INT8, 'text', parsePgInt8);
          done(null, conn);
        },
      },
      log: knexLog,
    });
  }
  return knexFactory({
    client: SqliteImmediateClient as unknown as typeof Knex.Client,
    connection: { filename: config.file },
    useNullAsDefault: true,
    log: knexLog,
    // node-sqlite3 runs one statement at a time per connection; a single connection makes every
    // transaction exclusive within the process, which the group-commit writer relies on.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
        // synchronous=FULL: an acknowledged movement survives a power cut. Group commit keeps
        // the fsync cost per batch, not per movement. The log is checkpointed off the write path
        // (wal-checkpointer.ts); WRITER_PRAGMAS keep SQLite's own checkpoint as a safety net.
        conn.exec(
          `PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; ${WRITER_PRAGMAS}`,
          (err) => done(err, conn),
        );
      },
    },
  });
}

export function dialectOf(db: Knex): Dialect {
  return (db.client as { dialect: string }).dialect === 'postgresql' ? 'pg' : 'sqlite';
}
