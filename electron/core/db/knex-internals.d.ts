// Types for the knex internals that sqlite-client.ts extends and bound-knex.ts uses (knex ships no types for them).
declare module 'knex/lib/dialects/sqlite3/index.js' {
  export default class ClientSqlite3 {
    constructor(config: unknown);
    transaction(...args: unknown[]): unknown;
    _query(connection: unknown, obj: unknown): Promise<unknown>;
    destroyRawConnection(connection: unknown): Promise<void>;
  }
}

declare module 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js' {
  export default class TransactionSqlite {
    constructor(client: unknown, ...args: unknown[]);
    begin(conn: unknown): Promise<unknown>;
    /** Runs a transaction statement; status 1 resolves the transaction with value, 2 rejects it. */
    query(conn: unknown, sql: string, status?: number, value?: unknown): Promise<unknown>;
    /** The knex instance the transaction belongs to (emits 'query'). */
    client: unknown;
    /** The client bound to the transaction's connection, set before begin() is called. */
    trxClient: { query(conn: unknown, sql: string): Promise<unknown> };
  }
}

declare module 'knex/lib/knex-builder/make-knex.js' {
  /** A knex instance (a callable query builder with raw, transaction, events) over `client`. */
  export default function makeKnex(client: unknown): unknown;
}
