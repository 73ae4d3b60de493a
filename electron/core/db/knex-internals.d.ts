// Types for the two knex internals that sqlite-client.ts extends (knex ships no types for them).
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

declare module 'knex/lib/dialects/postgres/index.js' {
  export default class ClientPG {
    constructor(config: unknown);
    transaction(...args: unknown[]): unknown;
  }
}

declare module 'knex/lib/dialects/postgres/execution/pg-transaction.js' {
  export default class TransactionPG {
    constructor(client: unknown, container: unknown, config?: unknown, outerTx?: unknown);
    begin(conn: unknown): Promise<unknown>;
    query(conn: unknown, sql: string): Promise<unknown>;
    /** The client bound to the transaction's connection, set before begin() is called. */
    trxClient: { query(conn: unknown, sql: string): Promise<unknown> };
    isolationLevel?: string;
    readOnly?: boolean;
  }
}
