/**
 * knex's SQLite client with one change: write transactions start with `BEGIN IMMEDIATE`, taking
 * the write lock up front (waiting up to busy_timeout when another process holds it). With knex's
 * plain `BEGIN`, a transaction that reads first fails with SQLITE_BUSY when it later tries to write
 * after another process (the CLI, a second server) wrote in between. knex accepts a client class in
 * place of a client name; only `begin` differs from the stock client.
 */
import ClientSqlite3 from 'knex/lib/dialects/sqlite3/index.js';
import TransactionSqlite from 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js';

class ImmediateTransaction extends TransactionSqlite {
  override begin(conn: unknown): Promise<unknown> {
    return this.query(conn, 'BEGIN IMMEDIATE;');
  }
}

export class SqliteImmediateClient extends ClientSqlite3 {
  override transaction(...args: unknown[]): unknown {
    return new ImmediateTransaction(this, ...args);
  }
}
