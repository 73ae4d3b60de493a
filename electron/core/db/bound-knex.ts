/**
 * A knex on one connection of a pool, for the write queue's own transactions (pg-transaction.ts,
 * sqlite-transaction.ts): what needs a query builder inside such a transaction (an outbox hook,
 * the stock engine's rarer reads) gets it without a knex transaction, whose knex instance,
 * transactor and runner cost every transaction their making (on SQLite ≈ 0.2 ms of CPU and
 * ≈ 0.25 ms of wall time for an empty one, against ≈ 0.04 ms for BEGIN and COMMIT sent directly).
 */
import type { Knex } from 'knex';
import makeKnex from 'knex/lib/knex-builder/make-knex.js';

type KnexClient = Knex.Client & {
  constructor: { prototype: object };
  query(conn: unknown, obj: unknown): Promise<unknown>;
  stream(conn: unknown, obj: unknown, stream: unknown, options: unknown): Promise<unknown>;
};

/**
 * Called before each statement of the bound knex with its SQL: throws to refuse it (a reference
 * kept past its transaction), or returns a promise the statement must wait for (PostgreSQL: BEGIN's
 * answer, when a statement already rode behind it), or null to run it at once.
 */
export type StatementGate = (sql: string) => Promise<unknown> | null;

/**
 * A knex on `conn` alone, as knex makes one for a transaction (knex/lib/execution/transaction.js
 * makeTxClient, makeTransactor): its client always hands out `conn` and never releases it, passes
 * its events on to `db`'s client, and asks `gate` before every statement. Being `transacting`, a
 * nested transaction of it is a savepoint. `isOpen` says whether a transaction of the caller holds
 * the connection (knex's isCompleted); commit and rollback are the caller's.
 */
export function bindKnex(db: Knex, conn: unknown, gate: StatementGate, isOpen: () => boolean): Knex.Transaction {
  const client = db.client as KnexClient;
  const onConn = Object.create(client.constructor.prototype) as KnexClient & Record<string, unknown>;
  for (const key of ['version', 'config', 'driver', 'connectionSettings', 'valueForUndefined', 'logger'] as const) onConn[key] = (client as unknown as Record<string, unknown>)[key];
  onConn.transacting = true;
  for (const event of ['start', 'query', 'query-error', 'query-response']) onConn.on(event, (...args: unknown[]) => client.emit(event, ...args));
  const sqlOf = (obj: unknown) => (typeof obj === 'string' ? obj : ((obj as { sql?: string } | null)?.sql ?? ''));
  const query = onConn.query;
  onConn.query = async (c: unknown, obj: unknown) => {
    const wait = gate(sqlOf(obj));
    if (wait) await wait;
    if (c !== conn) throw new Error('Invalid connection for transaction query.');
    return query.call(onConn, c, obj);
  };
  const stream = onConn.stream;
  onConn.stream = async (c: unknown, obj: unknown, s: unknown, options: unknown) => {
    const wait = gate(sqlOf(obj));
    if (wait) await wait;
    return stream.call(onConn, c, obj, s, options);
  };
  onConn.acquireConnection = () => Promise.resolve(conn);
  onConn.releaseConnection = () => Promise.resolve();
  const knex = makeKnex(onConn) as Record<string, unknown>;
  knex.isTransaction = true;
  knex.userParams = {};
  const refuse = () => Promise.reject(new Error('The write queue commits or rolls back its own transactions'));
  knex.commit = refuse;
  knex.rollback = refuse;
  knex.isCompleted = () => !isOpen();
  return knex as unknown as Knex.Transaction;
}
