/**
 * The write queue's group-commit transactions on SQLite, on the pool's connection driven directly:
 * BEGIN, the caller's statements, COMMIT, each one call of node-sqlite3, with no knex transaction
 * in between (its knex instance, transactor and runner cost an empty transaction ≈ 0.2 ms of CPU
 * and ≈ 0.25 ms of wall time on this write path, against ≈ 0.04 ms for BEGIN and COMMIT sent
 * directly: measured with 10,000 empty transactions each way). What needs a query builder inside
 * the transaction gets a knex bound to the connection (bound-knex.ts), made once per connection.
 *
 * The connection goes back to the pool in no transaction: a failed statement or COMMIT is
 * answered with ROLLBACK (SQLite may already have rolled back by itself, after SQLITE_FULL or an
 * I/O error: then there is nothing left to roll back), and a connection whose ROLLBACK failed is
 * marked disposed, so the pool destroys it instead of handing it out again.
 */
import type { Knex } from 'knex';
import { bindKnex } from './bound-knex';

type Connection = {
  exec(sql: string, cb: (err: Error | null) => void): void;
  /** knex: why the connection may not be used again (the pool validates it on acquire). */
  __knex__disposed?: unknown;
};

type PoolClient = {
  acquireConnection(): Promise<Connection>;
  releaseConnection(conn: Connection): Promise<void>;
  emit(event: string, ...args: unknown[]): boolean;
};

/** What SQLite answers a ROLLBACK when it already rolled the transaction back by itself. */
const NO_TRANSACTION = /no transaction is active/;

type Bound = { knex: Knex.Transaction; open: boolean };
const bound = new WeakMap<Connection, Bound>();

/** Statements run in one call on the connection, announced as knex announces its own (query logs, tests counting statements). */
function exec(client: PoolClient, conn: Connection, sql: string): Promise<void> {
  client.emit('query', { sql, bindings: [], method: 'raw' });
  return new Promise<void>((resolve, reject) => conn.exec(sql, (err) => (err ? reject(err) : resolve())));
}

/**
 * A transaction's work failed after it had committed in its last call (a bug: nothing may follow
 * that call). Its writes are durable, so it must not be retried.
 */
export class FailedAfterCommit extends Error {
  constructor(cause: unknown) {
    super(`a write failed after its transaction committed: ${(cause as Error).message}`, { cause });
  }
}

/** A transaction begun before its work is known (beginSqliteTransaction): its connection once BEGIN succeeded. */
export type BegunAhead = { connection: Promise<Connection> };

/**
 * Takes the connection and sends `sql.begin` now, for a transaction whose work inSqliteTransaction
 * runs a moment later: the write queue begins the next batch while its callers' operations are
 * still arriving (write-queue.ts), so BEGIN's trip to SQLite's thread overlaps their JavaScript.
 * The caller must pass it to inSqliteTransaction, which commits or rolls it back and gives the
 * connection back; a failed BEGIN has already given it back.
 */
export function beginSqliteTransaction(db: Knex, sql: SqliteTransactionSql): BegunAhead {
  const client = db.client as unknown as PoolClient;
  const connection = (async () => {
    const conn = await client.acquireConnection();
    try {
      await exec(client, conn, sql.begin);
    } catch (error) {
      void client.releaseConnection(conn);
      throw error;
    }
    return conn;
  })();
  // Awaited by inSqliteTransaction, which reports the failure; not an unhandled rejection meanwhile.
  connection.catch(() => undefined);
  return { connection };
}

/** The statements that open and close a transaction (several may share a call, `;`-separated). */
export type SqliteTransactionSql = { begin: string; commit: string };

/**
 * Runs `work` in a transaction on the connection of `db`'s pool that began with `sql.begin`
 * (`BEGIN IMMEDIATE`, taking the write lock up front, with whatever the transaction needs set
 * before it), and commits with `sql.commit` when `work` resolves; rolls back when it rejects. A
 * BEGIN that fails (SQLITE_BUSY once busy_timeout ran out) fails the transaction with its error,
 * and nothing of `work` runs.
 */
export async function inSqliteTransaction<T>(
  db: Knex,
  sql: SqliteTransactionSql,
  work: (trx: Knex.Transaction, commitWith: (statements: string) => Promise<void>) => Promise<T>,
  ahead: BegunAhead | null = null,
): Promise<T> {
  const client = db.client as unknown as PoolClient;
  // Begun ahead (beginSqliteTransaction): its BEGIN's failure is this transaction's, and nothing of `work` runs.
  const conn = ahead ? await ahead.connection : await client.acquireConnection();
  let state = bound.get(conn);
  if (!state) {
    const made: Bound = { knex: undefined as unknown as Knex.Transaction, open: false };
    made.knex = bindKnex(
      db,
      conn,
      (statement) => {
        if (!made.open) throw new Error(`A statement after its write transaction ended, on a connection it no longer holds: ${statement}`);
        return null;
      },
      () => made.open,
    );
    bound.set(conn, (state = made));
  }
  const slot = state;
  let begun = ahead !== null;
  let committed = false;
  // `statements` and COMMIT in one call (write-queue.ts CommitWith): exec stops at the first
  // statement that fails, so COMMIT runs only after every one of them succeeded.
  const commitWith = async (statements: string) => {
    if (!slot.open) throw new Error('The write transaction has ended');
    slot.open = false;
    await exec(client, conn, `${statements};\n${sql.commit}`);
    committed = true;
  };
  try {
    if (!begun) await exec(client, conn, sql.begin);
    begun = true;
    slot.open = true;
    const value = await work(slot.knex, commitWith);
    slot.open = false;
    if (!committed) await exec(client, conn, sql.commit);
    committed = true;
    return value;
  } catch (error) {
    slot.open = false;
    // Committed already (in the caller's last call): nothing to roll back, and the caller failed
    // after its writes were made durable, which the write queue must never do (see CommitWith).
    if (committed) throw new FailedAfterCommit(error);
    if (begun) {
      await exec(client, conn, 'ROLLBACK').catch((failure: Error) => {
        if (!NO_TRANSACTION.test(failure.message)) conn.__knex__disposed ??= `left in a transaction by a write whose ROLLBACK failed: ${failure.message}`;
      });
    }
    throw error;
  } finally {
    slot.open = false;
    void client.releaseConnection(conn);
  }
}
