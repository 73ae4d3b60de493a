/**
 * knex's PostgreSQL client with one change: a transaction can begin with statements of its own in
 * BEGIN's round trip (`BEGIN; <statements>` as one simple query), for the write queue's writer
 * lock (write-queue.ts). Each statement of a simple query takes its own snapshot, so what the
 * transaction reads after the lock sees every write committed before the lock was granted. One
 * round trip fewer for every write transaction on PostgreSQL.
 *
 * knex accepts a client class in place of a client name; only these methods differ.
 */
import ClientPG from 'knex/lib/dialects/postgres/index.js';
import TransactionPG from 'knex/lib/dialects/postgres/execution/pg-transaction.js';
import type { Knex } from 'knex';

/** What a transaction's config carries to begin with statements of its own (pgTransactionBeginningWith). */
type BeginWith = { sql: string; sent: boolean };

class BeginWithTransaction extends TransactionPG {
  private readonly beginWith: BeginWith | undefined;

  constructor(client: unknown, container: unknown, config?: unknown, outerTx?: unknown) {
    super(client, container, config, outerTx);
    // Read before knex calls begin(): it does so once a connection is acquired, after this returns.
    this.beginWith = (config as { beginWith?: BeginWith } | undefined)?.beginWith;
  }

  override async begin(conn: unknown): Promise<unknown> {
    const extra = this.beginWith;
    if (!extra || this.isolationLevel || this.readOnly) return super.begin(conn);
    extra.sent = true;
    // Past knex's query(), which answers a failed BEGIN by rejecting the transaction yet still
    // runs its body (on a connection it hands back to the pool meanwhile). If the statements fail
    // (a lock_timeout, a cancel), the transaction is rolled back here and begin() rejects: knex
    // then runs nothing of the body and releases a connection in no transaction.
    try {
      return await this.trxClient.query(conn, `BEGIN; ${extra.sql}`);
    } catch (error) {
      await this.trxClient.query(conn, 'ROLLBACK;').catch(() => undefined);
      throw error;
    }
  }
}

export class PgBeginWithClient extends ClientPG {
  override transaction(container: unknown, config?: unknown, outerTx?: unknown): unknown {
    return new BeginWithTransaction(this, container, config, outerTx);
  }
}

/**
 * Runs `work` in a transaction of `db` that began with `sql` in BEGIN's round trip. `begun.sent`
 * tells `work` whether it did: false when `db` is not on PgBeginWithClient (a knex of someone
 * else's making), and `work` must then run `sql` itself.
 */
export function pgTransactionBeginningWith<T>(db: Knex, sql: string, work: (trx: Knex.Transaction, begun: { sent: boolean }) => Promise<T>): Promise<T> {
  const beginWith: BeginWith = { sql, sent: false };
  return db.transaction((trx) => work(trx, beginWith), { beginWith } as Knex.TransactionConfig);
}
