/**
 * Multi-row INSERTs (and upserts) of many rows on the transaction's own connection, each statement
 * prepared once per call and run once per chunk, as the publisher's record upsert does
 * (publish-sqlite.ts, publish-pg.ts). Through knex, a chunk of 500 rows cost more in JavaScript
 * than in the database: knex quoted every column of every row again, wrote SQLite's multi-row insert
 * as 500 `SELECT … UNION ALL` terms, and node-sqlite3 prepared the text again on every call.
 * Importing 100,000 products wrote ~700,000 rows that way (products, their change-log entries,
 * movements, stock rows) and spent most of its time there. Values are strings, numbers, booleans
 * and null (what the rows written here hold); on SQLite they travel as JSON (see sqliteRunner).
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type sqlite3 from 'sqlite3';
import { dialectOf } from './connection';
import { pgJson, selectJsonRows } from './json-rows';
import { runInTransaction } from './sqlite-client';
import { nextTurn, turnDue } from '../util/main-turns';

export type BulkOptions = {
  /** Upsert: the unique columns a row may collide on, and the columns a collision updates. */
  conflict?: readonly string[];
  merge?: readonly string[];
  /** A column whose values to return, in the order of the rows. */
  returning?: string;
};

/** Bound parameters per statement on PostgreSQL (its limit is 65,535). */
const PG_MAX_PARAMS = 30_000;
/** Rows per statement on PostgreSQL: larger statements measured no faster, and take longer to plan. */
const PG_MAX_ROWS = 1_000;
/** Rows per statement on SQLite, one JSON parameter each. */
const SQLITE_ROWS = 2_000;

type Row = Readonly<Record<string, unknown>>;

/** knex's `query` event, which debug logging and the statement-counting tests listen to. */
type QueryEmitter = { emit(event: 'query', data: { sql: string; bindings: unknown[]; method: string }): void };

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `on conflict … do update …` and `returning …`, the same on both engines. */
function tail(options: BulkOptions): string {
  let sql = '';
  if (options.conflict) {
    const merge = options.merge ?? [];
    sql += ` on conflict (${options.conflict.map(quote).join(',')}) `;
    sql += merge.length > 0 ? `do update set ${merge.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}` : 'do nothing';
  }
  if (options.returning) sql += ` returning ${quote(options.returning)}`;
  return sql;
}

/** Writes one chunk (rows as arrays of the columns' values); returns the `returning` column's values. */
type Runner = { run(rows: unknown[][]): Promise<unknown[]>; close(): Promise<void>; sqlFor(rows: number): string };

/**
 * SQLite: one parameter per chunk, the rows as a JSON array of arrays, taken apart by SQLite
 * (`jsonb_each`, `->>`; see db/json-rows.ts). Binding the values one by one (30,000 a statement) kept node-sqlite3 on
 * the main thread for ~1 µs a value, 3 s of 4.5 s of main-thread time for 100,000 products here,
 * while JSON.stringify does it natively and SQLite's JSON reader runs on SQLite's own thread.
 * `->>` gives SQL values as binding does: a string as TEXT, a whole number as INTEGER, true and
 * false as 1 and 0, null as NULL. The rows go in the array's order (`order by key`), so
 * `returning` answers in that order.
 */
function sqliteRunner(conn: sqlite3.Database, table: string, columns: readonly string[], options: BulkOptions): Runner {
  // The same SELECT over jsonb_each as the ledger's multi-row writes (db/json-rows.ts).
  const sql = `insert into ${quote(table)} (${columns.map(quote).join(',')}) ${selectJsonRows(columns.length)}${tail(options)}`;
  let prepared: Promise<sqlite3.Statement> | null = null;
  const prepare = () =>
    (prepared ??= new Promise((resolve, reject) => {
      const st = conn.prepare(sql, (error: Error | null) => (error ? reject(error) : resolve(st)));
    }));
  const name = options.returning;
  return {
    async run(rows) {
      const st = await prepare();
      const json = JSON.stringify(rows);
      if (!name) {
        await new Promise<void>((resolve, reject) => st.run([json], (error: Error | null) => (error ? reject(error) : resolve())));
        return [];
      }
      const out = await new Promise<Array<Record<string, unknown>>>((resolve, reject) =>
        st.all([json], (error: Error | null, result: Array<Record<string, unknown>>) => (error ? reject(error) : resolve(result))),
      );
      return out.map((r) => r[name]);
    },
    sqlFor: () => sql,
    async close() {
      const st = await prepared?.catch(() => null);
      if (st) await new Promise<void>((resolve) => st.finalize(() => resolve()));
    },
  };
}

type PgConn = { query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }> };

/**
 * PostgreSQL: a multi-row VALUES statement with numbered parameters. The full chunk's statement is
 * named, so PostgreSQL parses and plans it once per connection; the one shorter statement at the
 * end of a call is not worth a name.
 */
function pgRunner(conn: PgConn, table: string, columns: readonly string[], options: BulkOptions, fullRows: number): Runner {
  const texts = new Map<number, { text: string; name: string | undefined }>();
  const statementFor = (rows: number) => {
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) tuples.push(`(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(',')})`);
    return `insert into ${quote(table)} (${columns.map(quote).join(',')}) values ${tuples.join(',')}${tail(options)}`;
  };
  const name = options.returning;
  return {
    async run(rows) {
      let found = texts.get(rows.length);
      if (!found) {
        const text = statementFor(rows.length);
        found = { text, name: rows.length === fullRows ? `stockfeed_bulk_${createHash('sha1').update(text).digest('hex').slice(0, 24)}` : undefined };
        texts.set(rows.length, found);
      }
      const result = await conn.query({ ...(found.name ? { name: found.name } : {}), text: found.text, values: rows.flat() });
      return name ? result.rows.map((r) => r[name]) : [];
    },
    sqlFor: statementFor,
    close: async () => undefined,
  };
}

/**
 * Inserts `rows` (objects with at least `columns`; a missing value is NULL) into `table` in the
 * transaction, a few statements for any number of rows; with `returning`, that column's values in
 * the rows' order. The values go to the driver as they are, as knex would hand them over.
 */
export async function bulkInsert(trx: Knex.Transaction, table: string, columns: readonly string[], rows: readonly Row[], options: BulkOptions = {}): Promise<unknown[]> {
  if (rows.length === 0) return [];
  const pg = dialectOf(trx) === 'pg';
  const perStatement = pg ? Math.max(1, Math.min(PG_MAX_ROWS, Math.floor(PG_MAX_PARAMS / columns.length))) : SQLITE_ROWS;
  const conn = await (trx.client as unknown as { acquireConnection(): Promise<unknown> }).acquireConnection();
  const runner = pg
    ? pgRunner(conn as PgConn, table, columns, options, Math.min(perStatement, rows.length))
    : sqliteRunner(conn as sqlite3.Database, table, columns, options);
  const chunk = (start: number, end: number): unknown[][] => {
    const out = new Array<unknown[]>(end - start);
    for (let r = start; r < end; r++) {
      const row = rows[r] as Row;
      const values = new Array<unknown>(columns.length);
      for (let c = 0; c < columns.length; c++) values[c] = row[columns[c] as string] ?? null;
      out[r - start] = values;
    }
    return out;
  };
  const returned: unknown[] = [];
  try {
    // One chunk in flight while the next one is built: the database and JavaScript overlap.
    let pending: Promise<unknown[]> | null = null;
    for (let start = 0; start < rows.length; start += perStatement) {
      const next = chunk(start, Math.min(rows.length, start + perStatement));
      if (pending) returned.push(...(await pending));
      // Announced as knex announces its own statements (knex passes them on from the transaction).
      (trx.client as unknown as QueryEmitter).emit('query', { sql: runner.sqlFor(next.length), bindings: [], method: 'insert' });
      pending = runner.run(next);
    }
    if (pending) returned.push(...(await pending));
  } finally {
    await runner.close();
  }
  return returned;
}

/**
 * SQLite: a plain insert of rows made before its write (pure JavaScript, with turns of the event
 * loop: util/main-turns.ts), as one statement with one JSON parameter (see sqliteRunner). For a
 * streamed import, which makes a batch's new products while the batch before has its counts
 * written; made at the write, SQLite waited for it (≈ 6–10 ms a batch of 2,000 products,
 * docs/benchmarks.md `import`, 2026-12-06 evening).
 */
export class PreparedInsert {
  private constructor(
    readonly sql: string,
    readonly json: string,
    readonly rows: number,
  ) {}

  static async build(table: string, columns: readonly string[], rows: readonly Row[]): Promise<PreparedInsert> {
    const sql = `insert into ${quote(table)} (${columns.map(quote).join(',')}) ${selectJsonRows(columns.length)}`;
    return new PreparedInsert(sql, await jsonRowsInTurns(columns, rows), rows.length);
  }

  /** Runs the insert in the transaction (SQLite only; prepared once per connection, sqlite-client.ts). */
  async run(trx: Knex.Transaction): Promise<void> {
    if (this.rows === 0) return;
    const { changes } = await runInTransaction(trx, this.sql, [this.json]);
    if (changes !== this.rows) throw new Error(`${this.rows - changes} of ${this.rows} rows were not inserted`);
  }
}

/** Rows turned into JSON between two looks at the clock (a turn may be due). */
const PREPARED_PIECE = 100;

/** The rows as one JSON array of arrays of `columns` (a missing value is null), with a turn of the event loop when one is due. */
async function jsonRowsInTurns(columns: readonly string[], rows: readonly Row[]): Promise<string> {
  const parts: string[] = [];
  for (let start = 0; start < rows.length; start += PREPARED_PIECE) {
    if (turnDue()) await nextTurn();
    const piece = new Array<unknown[]>(Math.min(rows.length, start + PREPARED_PIECE) - start);
    for (let r = 0; r < piece.length; r++) {
      const row = rows[start + r] as Row;
      const values = new Array<unknown>(columns.length);
      for (let c = 0; c < columns.length; c++) values[c] = row[columns[c] as string] ?? null;
      piece[r] = values;
    }
    if (piece.length > 0) parts.push(JSON.stringify(piece).slice(1, -1));
  }
  return `[${parts.join(',')}]`;
}

/**
 * Sets `set` columns of existing rows, found by `key`, from `rows` (objects with at least `columns`),
 * in the transaction. SQLite: `UPDATE … FROM jsonb_each(?)` with only the key and the columns set in
 * the JSON; an upsert there builds the whole would-be row and every index key of it first
 * (measured on 100,000 products changing their price: 4.6 s as an upsert, 1.3 s as an UPDATE).
 * PostgreSQL: bulkInsert's upsert on the key, which needs every column of the row.
 */
export async function bulkUpdate(
  trx: Knex.Transaction,
  table: string,
  key: string,
  columns: readonly string[],
  set: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  if (dialectOf(trx) === 'pg') {
    await bulkUpdatePg(trx, table, key, set, rows);
    return;
  }
  const sql = sqliteUpdateSql(table, key, set);
  const names = [key, ...set];
  // The transaction's statement cache prepares it once per connection (sqlite-client.ts).
  for (let start = 0; start < rows.length; start += SQLITE_ROWS) {
    const chunk = rows.slice(start, start + SQLITE_ROWS).map((row) => names.map((c) => row[c] ?? null));
    const { changes } = await runInTransaction(trx, sql, [JSON.stringify(chunk)], 'update');
    if (changes !== chunk.length) throw new Error(`${table}: ${chunk.length - changes} of ${chunk.length} rows to update were not found`);
  }
}

/** SQLite: bulkUpdate's statement, the rows as `[key, ...set]` arrays in its one JSON parameter. */
function sqliteUpdateSql(table: string, key: string, set: readonly string[]): string {
  const assignments = set.map((c, i) => `${quote(c)} = j.value->>${i + 1}`).join(', ');
  return `UPDATE ${quote(table)} SET ${assignments} FROM jsonb_each(?) AS j WHERE ${quote(table)}.${quote(key)} = j.value->>0`;
}

/**
 * SQLite: bulkUpdate's statement for `rows`, made before its write (pure JavaScript, with turns of
 * the event loop), as PreparedInsert is for an insert: a streamed import makes a batch's changed
 * products so while the batch before has its counts written.
 */
export class PreparedUpdate {
  private constructor(
    readonly table: string,
    readonly sql: string,
    readonly json: string,
    readonly rows: number,
  ) {}

  static async build(table: string, key: string, set: readonly string[], rows: readonly Row[]): Promise<PreparedUpdate> {
    return new PreparedUpdate(table, sqliteUpdateSql(table, key, set), await jsonRowsInTurns([key, ...set], rows), rows.length);
  }

  /** Runs the update in the transaction; every row must be found. */
  async run(trx: Knex.Transaction): Promise<void> {
    if (this.rows === 0) return;
    const { changes } = await runInTransaction(trx, this.sql, [this.json], 'update');
    if (changes !== this.rows) throw new Error(`${this.table}: ${this.rows - changes} of ${this.rows} rows to update were not found`);
  }
}

/** Rows per PostgreSQL UPDATE: one JSON parameter, so no parameter limit. */
const PG_UPDATE_ROWS = 5_000;

/**
 * PostgreSQL: `UPDATE … FROM json_populate_recordset(NULL::table, ?)` with only the key and the
 * columns set in the JSON, each field typed as its column. The upsert it replaces sent every
 * column of every row as a bound value (26 × 1,000 a statement for products) and had the server
 * try each row as an insert into the key's index before updating it.
 */
async function bulkUpdatePg(trx: Knex.Transaction, table: string, key: string, set: readonly string[], rows: readonly Row[]): Promise<void> {
  const assignments = set.map((c) => `${quote(c)} = j.${quote(c)}`).join(', ');
  const sql = `UPDATE ${quote(table)} AS t SET ${assignments} FROM json_populate_recordset(NULL::${quote(table)}, ?::json) AS j WHERE t.${quote(key)} = j.${quote(key)}`;
  const names = [key, ...set];
  for (let start = 0; start < rows.length; start += PG_UPDATE_ROWS) {
    const chunk = rows.slice(start, start + PG_UPDATE_ROWS).map((row) => {
      const out: Record<string, unknown> = {};
      for (const c of names) out[c] = row[c] ?? null;
      return out;
    });
    const result = (await trx.raw(sql, [pgJson(chunk)])) as { rowCount: number | null };
    if (result.rowCount !== chunk.length) throw new Error(`${table}: ${chunk.length - (result.rowCount ?? 0)} of ${chunk.length} rows to update were not found`);
  }
}
