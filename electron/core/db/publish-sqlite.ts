/**
 * The publisher's two big queries on SQLite, through node-sqlite3 statements prepared once: the
 * catalogue scan and the record upsert. Through knex, each call cost far more than its rows.
 */
import type { Knex } from 'knex';
import type sqlite3 from 'sqlite3';
import {
  PUBLISHED_CHUNK,
  RECORD_COLUMNS,
  SCAN_COLUMNS,
  SCAN_PAGE,
  levelRow,
  catalogRow,
  recordRow,
  upsertStatement,
  type CatalogRow,
  type CatalogScan,
  type PublishedRow,
  type RecordUpsert,
  type ScanPage,
  type StockRow,
} from './publish-rows';

type Pool = { acquireConnection(): Promise<sqlite3.Database>; releaseConnection(conn: sqlite3.Database): Promise<void> };

/** Prepares `sql` on a node-sqlite3 connection, for a statement run many times (knex prepares on every call). */
function prepareStatement(conn: sqlite3.Database, sql: string): Promise<sqlite3.Statement> {
  return new Promise((resolve, reject) => {
    const st = conn.prepare(sql, (error: Error | null) => (error ? reject(error) : resolve(st)));
  });
}

function finalizeStatement(st: sqlite3.Statement): Promise<void> {
  return new Promise((resolve) => st.finalize(() => resolve()));
}

/**
 * One query a page, each product as one JSON array with its stock rows and its publish record
 * nested (`json_array(...)`), parsed in JavaScript. node-sqlite3 builds a row object value by
 * value on the main thread, which made reading 100,000 products with their stock and records take
 * ~2.5 s as plain rows and ~1.5 s as three JSON queries a page; one string per product takes
 * ~1.0 s, most of it on SQLite's thread (measured here).
 *
 * The record comes from a left join, its columns flat in the product's array, and the stock rows'
 * array is not passed through json() again: a subquery per record and json() over both results cost
 * SQLite ≈ 0.2 s more CPU per 100,000 products (0.70-0.78 → 0.52-0.57 s for the whole scan,
 * node-sqlite3's SQLite 3.52, alternated runs). Covering indexes for stock_levels and
 * published_products took nothing off (0.52-0.57 s either way): their pages are in the cache.
 *
 * The statement is prepared once and run for each page on the pooled connection (taken from the
 * pool for one page at a time, so writes go on between pages): through knex, each page cost
 * several round trips to SQLite's thread, each waiting for the main thread to finish building the
 * page before, and the scan spent ~1.4 s of 3.4 s waiting for rows; one round trip a page lets
 * the next page be read while this one is built.
 */
export function sqliteCatalogScan(db: Knex, withRecords: boolean): CatalogScan {
  const levels = '(select json_group_array(json_array(l.location_id, l.on_hand, l.committed, l.incoming)) from stock_levels l where l.product_id = p.id)';
  // The record's product_id first: null when the product has no record.
  const record = withRecords ? `, ${RECORD_COLUMNS.join(', ')}` : '';
  const join = withRecords ? ' left join published_products r on r.product_id = p.id' : '';
  // SKUs are never empty, so '' is before the first.
  const sql = `select json_array(${SCAN_COLUMNS.map((c) => `p.${c}`).join(', ')}, ${levels}${record}) as j from products p${join} where p.sku > ? order by p.sku limit ${SCAN_PAGE}`;
  const client = db.client as unknown as Pool;
  let prepared: { conn: sqlite3.Database; statement: sqlite3.Statement } | null = null;
  const finalize = () => {
    const p = prepared;
    prepared = null;
    return p ? finalizeStatement(p.statement) : Promise.resolve();
  };
  const query = async (after: string): Promise<Array<{ j: string }>> => {
    const conn = await client.acquireConnection();
    try {
      if (prepared?.conn !== conn) {
        await finalize();
        prepared = { conn, statement: await prepareStatement(conn, sql) };
      }
      const { statement } = prepared;
      return await new Promise((resolve, reject) => statement.all([after], (error: Error | null, rows: Array<{ j: string }>) => (error ? reject(error) : resolve(rows))));
    } finally {
      await client.releaseConnection(conn);
    }
  };
  const fetch = async (after: string | null): Promise<ScanPage> => {
    const result = await query(after ?? '');
    const rows: CatalogRow[] = [];
    const stock: StockRow[] = [];
    const records: PublishedRow[] | null = withRecords ? [] : null;
    for (const { j } of result) {
      const v = JSON.parse(j) as unknown[];
      const row = catalogRow(v);
      rows.push(row);
      for (const l of nestedArray(v[SCAN_COLUMNS.length])) stock.push(levelRow(row.id, l, 0));
      if (records && v[SCAN_COLUMNS.length + 1] !== null) records.push(recordRow(row.id, v, SCAN_COLUMNS.length + 2));
    }
    return { rows, levels: stock, records };
  };
  return { fetch, close: finalize };
}

/**
 * A subquery's JSON array inside the scan's row: an array where SQLite keeps the subquery's JSON
 * subtype (3.52, the version node-sqlite3 ships, does), else its text, parsed here.
 */
export function nestedArray(value: unknown): unknown[][] {
  return (typeof value === 'string' ? JSON.parse(value) : value) as unknown[][];
}

/** The full chunk's statement text (24,000 parameters), built once. */
let chunkSql: string | null = null;

function statementFor(rows: number): string {
  if (rows !== PUBLISHED_CHUNK) return upsertStatement(rows, () => '?');
  return (chunkSql ??= upsertStatement(rows, () => '?'));
}

/**
 * The record upsert on the transaction's own connection (inside a transaction, knex's client
 * hands out that connection), each statement prepared once: through `trx.raw`, knex rewrote each
 * of a chunk's 24,000 parameters with a regular expression and node-sqlite3 prepared the text
 * again on every call, and recording 100,000 products took 0.7-1.6 s longer (A/B runs of the
 * publish). The values are those knex passed: its SQLite client does not transform them.
 */
export async function sqliteRecordUpsert(trx: Knex.Transaction): Promise<RecordUpsert> {
  const client = trx.client as unknown as Pool;
  const conn = await client.acquireConnection();
  const statements = new Map<number, sqlite3.Statement>();
  return {
    async run(rows, values) {
      let statement = statements.get(rows);
      if (!statement) {
        statement = await prepareStatement(conn, statementFor(rows));
        statements.set(rows, statement);
      }
      const st = statement;
      await new Promise<void>((resolve, reject) => st.run(values, (error: Error | null) => (error ? reject(error) : resolve())));
    },
    async close() {
      await Promise.all([...statements.values()].map(finalizeStatement));
      statements.clear();
    },
  };
}
