/**
 * knex's SQLite client with two changes:
 *
 * - Write transactions start with `BEGIN IMMEDIATE`, taking the write lock up front (waiting up to
 *   busy_timeout when another process holds it). With knex's plain `BEGIN`, a transaction that
 *   reads first fails with SQLITE_BUSY when it later tries to write after another process (the
 *   CLI, a second server) wrote in between.
 * - Statements are prepared once per connection and reused (a bounded cache by SQL text). knex's
 *   stock client prepares, runs and finalises a new statement for every query; preparing is SQLite
 *   work on the one connection every write waits for. Measured on the stock bench (16 callers,
 *   2 shared cores): CPU per group-commit batch fell from 4.4 ms to 3.4 ms.
 *
 * knex accepts a client class in place of a client name; only these methods differ.
 */
import ClientSqlite3 from 'knex/lib/dialects/sqlite3/index.js';
import TransactionSqlite from 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js';
import type { Knex } from 'knex';

type QueryEmitter = { emit(event: 'query', data: { sql: string; bindings: unknown[]; method: string }): void };

/** Runs one statement straight on the connection, announced as knex announces its own (query logs, tests counting statements). */
function execDirect(client: QueryEmitter, conn: unknown, sql: string): Promise<void> {
  client.emit('query', { sql, bindings: [], method: 'raw' });
  return new Promise<void>((resolve, reject) => (conn as ExecConnection).exec(sql, (err) => (err ? reject(err) : resolve())));
}

/**
 * BEGIN IMMEDIATE and COMMIT go straight to the connection rather than through knex's query
 * runner (which builds, compiles and tracks a query object for each): two statements of every
 * write transaction, on the main thread every group-commit batch waits for (stock bench, 16
 * callers: ≈ 4,600 → ≈ 5,000 movements/s with both). A BEGIN that fails (SQLITE_BUSY once
 * busy_timeout ran out) rejects, and knex then runs nothing of the transaction's body.
 */
class ImmediateTransaction extends TransactionSqlite {
  override begin(conn: unknown): Promise<unknown> {
    // Statement journals in temporary files, as SQLite's default: the write queue's group-commit
    // batches keep theirs in memory (write-queue.ts SQLITE_BATCH), an exclusive job (an import,
    // whose statements' journals can be large) not.
    return execDirect(this.client as QueryEmitter, conn, 'PRAGMA temp_store = DEFAULT; BEGIN IMMEDIATE;');
  }

  /**
   * knex's query() for COMMIT, with the statement itself run by execDirect: knex's own handling of
   * the outcome (resolving or rejecting the transaction, marking it complete) is kept as it is, by
   * handing it a client whose query() does that. query() calls trxClient.query synchronously.
   * After the COMMIT or ROLLBACK of a transaction marked by checkpointAfterCommit, the connection's
   * own checkpoint is put back.
   */
  override query(conn: unknown, sql: string, status?: number, value?: unknown): Promise<unknown> {
    const restore = checkpointLater.has(conn as object) && (sql === 'COMMIT;' || ROLLBACK.test(sql));
    if (sql !== 'COMMIT;' && !restore) return super.query(conn, sql, status, value);
    const knexClient = this.trxClient;
    const client = this.client as QueryEmitter;
    const run = (c: unknown, statement: string) => (statement === 'COMMIT;' ? execDirect(client, c, statement) : knexClient.query(c, statement));
    // The connection's own checkpoint is put back once the transaction has ended, before knex
    // hears the outcome (and so before the connection goes back to the pool).
    this.trxClient = {
      query: restore
        ? async (c: unknown, statement: string) => {
            try {
              return await run(c, statement);
            } finally {
              await restoreCheckpoint(client, c);
            }
          }
        : run,
    };
    try {
      return super.query(conn, sql, status, value);
    } finally {
      this.trxClient = knexClient;
    }
  }
}

type ExecConnection = { exec(sql: string, cb: (err: Error | null) => void): void };

/**
 * Connections whose transaction leaves its log to the background checkpointer (checkpointAfterCommit),
 * with the automatic checkpoint (wal_autocheckpoint, in pages) to put back when it ends.
 */
const checkpointLater = new WeakMap<object, number>();

/** Puts the connection's automatic checkpoint back; never throws (the background checkpointer still runs). */
async function restoreCheckpoint(client: QueryEmitter, conn: unknown): Promise<void> {
  const pages = checkpointLater.get(conn as object);
  if (pages === undefined) return;
  checkpointLater.delete(conn as object);
  await execDirect(client, conn, `PRAGMA wal_autocheckpoint = ${pages};`).catch(() => undefined);
}

type Callback = (this: unknown, err: Error | null, response?: unknown) => void;

/** The slice of node-sqlite3's Statement and Database used here. */
type Statement = {
  all(params: unknown[], cb: Callback): void;
  run(params: unknown[], cb: Callback): void;
  finalize(cb: () => void): void;
};
type Connection = { prepare(sql: string, cb: (err: Error | null) => void): Statement };

/** What knex hands `_query`: the compiled SQL and bindings, and where the answer goes. */
type QueryObject = { sql: string; bindings?: unknown[]; method?: string; returning?: unknown; response?: unknown; context?: unknown };

const ROLLBACK = /^\s*ROLLBACK\s*;?\s*$/i;
const NO_TRANSACTION = /no transaction is active/;

/** Enough for every distinct statement of a busy process (a whereIn or a multi-row insert of each size). */
const CACHE_SIZE = 256;

/** Prepared statements by SQL text, least recently used first (a Map keeps insertion order). */
class StatementCache {
  private readonly statements = new Map<string, Promise<Statement>>();

  constructor(private readonly connection: Connection) {}

  get(sql: string): Promise<Statement> {
    const cached = this.statements.get(sql);
    if (cached) {
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const prepared = new Promise<Statement>((resolve, reject) => {
      const statement = this.connection.prepare(sql, (err) => (err ? reject(err) : resolve(statement)));
    });
    this.statements.set(sql, prepared);
    // A statement SQLite refused (a syntax error, a table not there yet) is not kept.
    prepared.catch(() => this.statements.get(sql) === prepared && this.statements.delete(sql));
    if (this.statements.size > CACHE_SIZE) {
      const [oldest, statement] = this.statements.entries().next().value as [string, Promise<Statement>];
      this.statements.delete(oldest);
      // Finalising waits for the statement's queued runs (node-sqlite3 queues per statement).
      void statement.then((s) => s.finalize(() => undefined)).catch(() => undefined);
    }
    return prepared;
  }

  /** Finalises every statement: SQLite refuses to close a connection with statements open. */
  async clear(): Promise<void> {
    const all = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(all.map((p) => p.then((s) => new Promise<void>((resolve) => s.finalize(resolve))).catch(() => undefined)));
  }
}

const caches = new WeakMap<object, StatementCache>();

function cacheOf(connection: Connection): StatementCache {
  let cache = caches.get(connection);
  if (!cache) caches.set(connection, (cache = new StatementCache(connection)));
  return cache;
}

export class SqliteImmediateClient extends ClientSqlite3 {
  override transaction(...args: unknown[]): unknown {
    return new ImmediateTransaction(this, ...args);
  }

  /** knex's `_query` for SQLite, on a cached prepared statement (same methods, same answer). */
  override async _query(connection: Connection, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    const method = obj.method;
    // As knex decides: `run` (no rows, but lastID and changes) for writes that return nothing.
    const call = (method === 'insert' || method === 'update') && !obj.returning ? 'run' : method === 'counter' || method === 'del' ? 'run' : 'all';
    const statement = await cacheOf(connection).get(obj.sql);
    return new Promise((resolve, reject) => {
      statement[call](obj.bindings ?? [], function (this: unknown, err, response) {
        // SQLite rolls a transaction back by itself after some errors (SQLITE_FULL, SQLITE_IOERR,
        // SQLITE_NOMEM; seen with a full disk in the stock writes' call): the ROLLBACK that follows
        // finds none. What it was for is done, and knex would otherwise answer the caller with this
        // error in place of the one that caused the rollback (a full disk would not be a 507).
        if (err && !(ROLLBACK.test(obj.sql) && NO_TRANSACTION.test(err.message))) return reject(err);
        obj.response = response;
        // knex reads lastID and changes from the statement, as from node-sqlite3's own callback.
        obj.context = this;
        resolve(obj);
      });
    });
  }

  override async destroyRawConnection(connection: Connection): Promise<void> {
    await caches.get(connection)?.clear();
    caches.delete(connection);
    return super.destroyRawConnection(connection);
  }
}

/**
 * Runs several statements in one call on the connection of a SQLite transaction (node-sqlite3's
 * `exec`: one trip to SQLite's thread for all of them; no parameters, no rows back). For the
 * stock engine's writes, whose values are inlined with sqliteText.
 */
export async function execInTransaction(trx: { client: unknown }, sql: string): Promise<void> {
  const connection = (await (trx.client as { acquireConnection(): Promise<ExecConnection> }).acquireConnection()) as ExecConnection;
  await new Promise<void>((resolve, reject) => connection.exec(sql, (err) => (err ? reject(err) : resolve())));
}

type AllStatement = { all(params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void };

/**
 * Runs one read on the connection of a SQLite transaction, prepared once per connection (the cache
 * above), and answers its rows, as knex would, without knex's query builder and runner in between:
 * for the stock engine's read of every batch, where building and compiling the query through knex
 * took ~0.16 ms of the main thread per batch (measured: stock bench, 16 callers, load ≈ 3.6).
 * Announced as knex announces its own.
 */
export async function allInTransaction<T>(trx: { client: unknown }, sql: string, bindings: unknown[]): Promise<T[]> {
  const client = trx.client as { acquireConnection(): Promise<Connection>; emit(event: 'query', data: { sql: string; bindings: unknown[]; method: string }): void };
  const connection = await client.acquireConnection();
  client.emit('query', { sql, bindings: [], method: 'select' });
  const statement = (await cacheOf(connection).get(sql)) as unknown as AllStatement;
  return new Promise((resolve, reject) => {
    statement.all(bindings, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
  });
}

type RunStatement = { run(params: unknown[], cb: (this: { lastID: number; changes: number }, err: Error | null) => void): void };

/**
 * Runs one write statement on the connection of a SQLite transaction, prepared once per connection
 * (the cache above), and answers what SQLite tells `run`: the rowid of the last row inserted and
 * the number of rows changed. For writes that need only those (the change log's sequence numbers),
 * where RETURNING would hand back a row object per row written. Announced as knex announces its own.
 */
export async function runInTransaction(
  trx: { client: unknown },
  sql: string,
  bindings: unknown[],
  method: 'insert' | 'update' = 'insert',
): Promise<{ lastID: number; changes: number }> {
  const client = trx.client as { acquireConnection(): Promise<Connection>; emit(event: 'query', data: { sql: string; bindings: unknown[]; method: string }): void };
  const connection = await client.acquireConnection();
  client.emit('query', { sql, bindings: [], method });
  const statement = (await cacheOf(connection).get(sql)) as unknown as RunStatement;
  return new Promise((resolve, reject) => {
    statement.run(bindings, function (err) {
      if (err) reject(err);
      else resolve({ lastID: this.lastID, changes: this.changes });
    });
  });
}

/**
 * Runs `work` with SQLite's page cache on the transaction's connection raised to `kib` KiB, and
 * puts the size back afterwards, whatever `work` did. For one big write (an import): SQLite's
 * default 2 MB cache spills the pages of a large transaction to the WAL and reads them back while
 * 17 indexes of products grow (measured on 100,000 products: about 2 s of CPU, mostly system time,
 * less with 128 MB). Durability is untouched: the cache only holds pages, synchronous stays FULL.
 */
export async function withPageCache<T>(trx: Knex.Transaction, kib: number, work: () => Promise<T>): Promise<T> {
  const [current] = (await trx.raw('PRAGMA cache_size')) as Array<{ cache_size: number }>;
  const previous = Math.trunc(Number(current?.cache_size ?? -2000));
  if (previous < 0 && -previous >= kib) return work();
  await trx.raw(`PRAGMA cache_size = -${Math.trunc(kib)}`);
  try {
    return await work();
  } finally {
    await trx.raw(`PRAGMA cache_size = ${previous}`);
  }
}

/**
 * The COMMIT of the transaction (an exclusive job's, through knex: an import) leaves the
 * write-ahead log to the background checkpointer (wal-checkpointer.ts) instead of copying it into
 * the database file itself. A transaction that writes more than SAFETY_NET_PAGES (an import of
 * 100,000 products writes ≈ 67,000 pages, 275 MB of log) otherwise meets the write connection's
 * own automatic checkpoint inside its COMMIT: every page copied into the database file and that
 * file fsynced before the import hears back (the import's COMMIT, 100,000 new products, 3
 * alternated pairs at load 4.2–4.7: 1.28–1.48 → 0.74–0.78 s; SQLite's CPU for the write floor's
 * COMMIT 0.34–0.70 → 0.14–0.22 s). The checkpoint still happens, a moment later, on the
 * checkpointer's own connection and thread, where it blocks no writer; a process that closes
 * right after (the CLI) waits for it in close instead (0.2 → 0.8 s). Durability is untouched: the COMMIT still
 * fsyncs the log (synchronous=FULL). The connection's own checkpoint is put back when the
 * transaction ends, committed or rolled back (ImmediateTransaction.query).
 */
export async function checkpointAfterCommit(trx: Knex.Transaction): Promise<void> {
  const connection = (await (trx.client as unknown as { acquireConnection(): Promise<object> }).acquireConnection()) as object;
  if (checkpointLater.has(connection)) return;
  const [row] = (await trx.raw('PRAGMA wal_autocheckpoint')) as Array<{ wal_autocheckpoint: number }>;
  const pages = Number(row?.wal_autocheckpoint ?? 0);
  if (!(pages > 0)) return;
  // Marked first: should the PRAGMA below fail, the transaction's end still puts the value back.
  checkpointLater.set(connection, pages);
  await trx.raw('PRAGMA wal_autocheckpoint = 0');
}
