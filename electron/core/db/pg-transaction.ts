/**
 * The write queue's transactions on PostgreSQL, on a node-postgres client taken from knex's pool
 * and driven directly: BEGIN (with the statements the caller puts in its round trip, the writer
 * lock), the caller's statements, COMMIT. A knex transaction cost the server, per transaction, a
 * knex instance of its own (makeKnex, ~65 µs), its transactor and runner, and knex's work per
 * statement (builder, bindings rewritten, options cloned); a stock batch spent ~0.9 ms of CPU on
 * PostgreSQL, most of it there. Here a statement is one call of node-postgres' query().
 *
 * What needs knex inside such a transaction (a query builder: an outbox hook, an exclusive job)
 * gets `knex`: a knex bound to the same connection (bound-knex.ts), made once per connection of
 * the pool and reused, so it costs nothing per transaction until it is used.
 *
 * What the pool gets back is a connection in no transaction: a failed statement, a lock_timeout
 * in BEGIN's round trip or a failed COMMIT is answered with ROLLBACK, and a connection whose state
 * is not idle after that (a lost connection, a ROLLBACK that failed) is marked disposed, so the
 * pool destroys it instead of handing it out again.
 */
import type { Knex } from 'knex';
import { bindKnex } from './bound-knex';

/** The parts of node-postgres' Client used here (pg ships no types of its own). */
export type PgConnection = {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<PgResult>;
  query(text: string): Promise<PgResult | PgResult[]>;
  /** ReadyForQuery's status: 'I' idle, 'T' in a transaction, 'E' in a failed one (pg 8.18+). */
  getTransactionStatus?(): string | null;
  /** knex: why the connection may not be used again (the pool validates it on acquire). */
  __knex__disposed?: unknown;
  /** knex: the transaction the connection runs, passed on with every 'query' event. */
  __knexTxId?: string;
  __knexUid?: string;
  /** node-postgres' pipeline mode (the Client's `pipeline` option): queries sent without awaiting the previous one's answer. */
  pipeline?: boolean;
  connection?: { stream?: { cork(): void; uncork(): void } };
};

export type PgResult = { command: string; rows: Array<Record<string, unknown>>; rowCount: number | null };

type PoolClient = {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(conn: PgConnection): Promise<void>;
  positionBindings(sql: string): string;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
};

/** One transaction of the write queue on its connection. */
export type PgTransaction = {
  /** knex's transaction id, as knex's own would carry it in 'query' events. */
  readonly id: string;
  /**
   * Runs one statement with `?` placeholders (as knex.raw takes them) and returns its rows.
   * `name` makes it a prepared statement of the connection, parsed and planned once: one SQL text
   * per name.
   */
  query<R>(sql: string, bindings: readonly unknown[], name?: string): Promise<R[]>;
  /** A knex bound to this transaction's connection (see the file's comment). */
  readonly knex: Knex.Transaction;
};

/**
 * Which transaction of this file holds a connection: statements of its bound knex and of the
 * transaction run only while `open`. `begun`: BEGIN's answer while it is awaited, when one
 * statement may already follow it on the wire (pipelined); any further statement waits for it.
 */
class Slot {
  open = false;
  begun: Promise<unknown> | null = null;
  private rode = false;

  /** Refuses a statement out of its transaction; a promise to await when it must wait for BEGIN. */
  enter(sql: string): Promise<unknown> | null {
    if (!this.open) throw new Error(`A statement after its write transaction ended, on a connection it no longer holds: ${sql}`);
    if (this.begun === null) return null;
    if (this.rode) return this.begun;
    this.rode = true;
    return null;
  }

  start(begun: Promise<unknown> | null): void {
    this.open = true;
    this.rode = false;
    this.begun = begun;
    begun?.then(
      () => (this.begun === begun ? (this.begun = null) : undefined),
      () => undefined,
    );
  }
}

type Bound = { knex: Knex.Transaction; slot: Slot };

const bound = new WeakMap<PgConnection, Bound>();
/** Each named statement's SQL text with knex's `$n` numbering, converted once. */
const numbered = new Map<string, { sql: string; text: string }>();
let transactions = 0;

/**
 * Runs `work` in a transaction on one connection of `db`'s pool that began with `begin` in
 * BEGIN's own round trip (`BEGIN; <begin>` as one simple query: each statement takes its own
 * snapshot, so what the transaction reads after a lock sees every write committed before the lock
 * was granted). Commits when `work` resolves, rolls back when it rejects; BEGIN that fails (a
 * lock_timeout) fails the transaction with its error, and nothing of `work` takes effect.
 *
 * On a connection in node-postgres' pipeline mode (connection.ts), `work`'s first statement (a
 * stock batch's read) goes out with BEGIN, in one write, and both are answered in one round trip:
 * PostgreSQL runs it after the lock was granted, and if the lock was not, the aborted transaction
 * refuses it.
 */
export async function inPgTransaction<T>(db: Knex, begin: string, work: (tx: PgTransaction) => Promise<T>): Promise<T> {
  const client = db.client as unknown as PoolClient;
  const conn = await client.acquireConnection();
  const id = `trx_pg${++transactions}`;
  conn.__knexTxId = id;
  const { slot } = boundTo(db, conn);
  const tx = new Transaction(db, client, conn, id, slot);
  let ended = false;
  try {
    let working: Promise<T>;
    if (conn.pipeline === true) {
      const stream = conn.connection?.stream;
      stream?.cork();
      const begun = tx.run(`BEGIN; ${begin}`);
      slot.start(begun);
      try {
        working = work(tx);
      } catch (error) {
        working = Promise.reject(error);
      } finally {
        stream?.uncork();
      }
      // `work` may fail while BEGIN's answer is awaited (a validation error before its first
      // statement): marked as handled here, it is still awaited and thrown below.
      working.catch(() => undefined);
      // BEGIN's error (a lock_timeout) says more than that of the statement refused behind it.
      await begun.catch(async (error: unknown) => {
        await working.catch(() => undefined);
        throw error;
      });
    } else {
      await tx.run(`BEGIN; ${begin}`);
      slot.start(null);
      working = work(tx);
    }
    const value = await working;
    slot.open = false;
    const result = await tx.run('COMMIT');
    ended = true;
    // COMMIT of a transaction with a failed statement (an error `work` caught) rolls it back.
    if (!Array.isArray(result) && result.command !== 'COMMIT') throw new Error(`PostgreSQL rolled the transaction back at COMMIT (${result.command}): one of its statements had failed`);
    return value;
  } catch (error) {
    slot.open = false;
    if (!ended) ended = await tx.run('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw error;
  } finally {
    slot.open = false;
    delete conn.__knexTxId;
    // Back to the pool only in no transaction; anything else is destroyed on its next acquire.
    const status = conn.getTransactionStatus?.();
    if (!ended || (status !== undefined && status !== 'I')) conn.__knex__disposed ??= `left in transaction state ${status ?? 'unknown'} by a write`;
    void client.releaseConnection(conn);
  }
}

class Transaction implements PgTransaction {
  constructor(
    private readonly db: Knex,
    private readonly client: PoolClient,
    private readonly conn: PgConnection,
    readonly id: string,
    private readonly slot: Slot,
  ) {}

  get knex(): Knex.Transaction {
    return (bound.get(this.conn) as Bound).knex;
  }

  async query<R>(sql: string, bindings: readonly unknown[], name?: string): Promise<R[]> {
    const wait = this.slot.enter(sql);
    if (wait) await wait;
    const cached = name === undefined ? undefined : numbered.get(name);
    let text: string;
    if (cached?.sql === sql) text = cached.text;
    else {
      // A name given another SQL text is converted anew: node-postgres refuses the pair.
      text = this.client.positionBindings(sql);
      if (name !== undefined) numbered.set(name, { sql, text });
    }
    const values = bindings as unknown[];
    this.announce(text, values, name);
    const result = await this.conn.query(name === undefined ? { text, values } : { name, text, values });
    return result.rows as R[];
  }

  /** A statement without parameters, as one simple query (several statements may share it). */
  run(sql: string): Promise<PgResult | PgResult[]> {
    this.announce(sql, [], undefined);
    return this.conn.query(sql);
  }

  /** knex's 'query' event, for whoever listens (tests counting statements): as knex sends it. */
  private announce(sql: string, bindings: unknown[], name: string | undefined): void {
    // `db` listens on its client to pass the event on: nobody hears it unless someone else listens.
    if (this.db.listenerCount('query') === 0 && this.client.listenerCount('query') <= 1) return;
    this.client.emit('query', { __knexUid: this.conn.__knexUid, __knexTxId: this.id, method: 'raw', sql, bindings, options: name === undefined ? {} : { name } });
  }
}

/** The connection's bound knex: made on the connection's first transaction of this file. */
function boundTo(db: Knex, conn: PgConnection): Bound {
  let found = bound.get(conn);
  if (!found) {
    const slot = new Slot();
    found = { knex: bindKnex(db, conn, (sql) => slot.enter(sql), () => slot.open), slot };
    bound.set(conn, found);
  }
  return found;
}

