/**
 * Reads products and their stock for publishing, page by page, with the same stock summary the
 * stock API returns (so the feed, the JSON-LD and the API agree at a given sequence).
 */
import type { StockSummary } from '../../../shared/schemas/stock';
import type { ProductRow } from '../products/product-repository';
import { dialectOf } from '../db/connection';
import { publishedRecordOf, type PublishedRecord, type PublishedRow } from './publish-store';
import { loadSummaries, summariesFrom, type SummaryContext } from '../stock/stock-summary';
import { finalizeStatement, prepareStatement, type Db } from '../util/db-helpers';
import type sqlite3 from 'sqlite3';

export type SourceProduct = { row: ProductRow; summary: StockSummary };

type StockRow = { product_id: string; location_id: string; on_hand: number; committed: number; incoming: number };

const PAGE = 250;

async function withSummaries(db: Db, rows: ProductRow[], ctx: SummaryContext): Promise<SourceProduct[]> {
  const summaries = await loadSummaries(db, rows, ctx);
  return rows.map((row) => ({ row, summary: summaries.get(row.id) as StockSummary }));
}

/** The columns the publishers read (not the timestamps). */
const COLUMNS = [
  'id', 'sku', 'title', 'description', 'brand', 'gtin', 'mpn', 'condition', 'price_minor', 'sale_price_minor', 'currency', 'slug',
  'image_url', 'additional_image_urls', 'status', 'item_group_id', 'allow_backorder', 'preorder_date', 'buffer_stock',
];

/**
 * Every product in SKU order (the order the files list them), in pages of 250, each with its
 * stock summary; the next page is read while the current one is processed. Pages are small so
 * that a page's rows die young: what a page holds (its rows, items and JSON-LD texts) survives
 * any scavenge that comes while it is processed. With 2,000 rows a page its strings were promoted,
 * which doubled the time spent in GC and added ~70 MB to the peak; 500 → 250 rows halved what
 * scavenges copy (133 → 70 MB per 100,000 products), ~8 MB off the feed's peak (194 → 186 MB)
 * and ~0.2 s off a full JSON-LD publish (measured on tmpfs, interleaved runs).
 */
export async function forEachPageBySku(
  db: Db,
  ctx: SummaryContext,
  onPage: (page: SourceProduct[], records: Map<string, PublishedRecord> | null) => Promise<void> | void,
  options: { records: boolean },
): Promise<void> {
  const pages = dialectOf(db) === 'pg' ? pgPages(db, options.records) : sqlitePages(db, options.records);
  try {
    await scan(pages, ctx, onPage);
  } finally {
    await pages.close();
  }
}

async function scan(pages: Pages, ctx: SummaryContext, onPage: (page: SourceProduct[], records: Map<string, PublishedRecord> | null) => Promise<void> | void): Promise<void> {
  const fetch = (after: string | null) => {
    const p = pages.fetch(after);
    // Handled where it is awaited; not an unhandled rejection while the page before is built.
    p.catch(() => undefined);
    return p;
  };
  let next = fetch(null);
  for (;;) {
    const { rows, levels, records } = await next;
    const last = rows[rows.length - 1];
    if (rows.length === PAGE && last) {
      next = fetch(last.sku);
      // Let the query reach the database thread before this page is processed, so the two overlap.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (rows.length > 0) {
      const summaries = summariesFrom(rows, levels, ctx);
      await onPage(
        rows.map((row) => ({ row, summary: summaries.get(row.id) as StockSummary })),
        records ? new Map(records.map((r) => [r.product_id, publishedRecordOf(r)])) : null,
      );
    }
    if (rows.length < PAGE) return;
  }
}

type RawPage = { rows: ProductRow[]; levels: StockRow[]; records: PublishedRow[] | null };
type Pages = { fetch(after: string | null): Promise<RawPage>; close(): Promise<void> };

/**
 * SQLite: one query a page, each product as one JSON array with its stock rows and its publish
 * record nested (`json_array(...)`), parsed in JavaScript. node-sqlite3 builds a row object value
 * by value on the main thread, which made reading 100,000 products with their stock and records
 * take ~2.5 s as plain rows and ~1.5 s as three JSON queries a page; one string per product takes
 * ~1.0 s, most of it on SQLite's thread (measured here).
 *
 * The statement is prepared once and run for each page on the pooled connection (taken from the
 * pool for one page at a time, so writes go on between pages): through knex, each page cost
 * several round trips to SQLite's thread, each waiting for the main thread to finish building the
 * page before, and the scan spent ~1.4 s of 3.4 s waiting for rows; one round trip a page lets
 * the next page be read while this one is built.
 */
function sqlitePages(db: Db, withRecords: boolean): Pages {
  const levels = '(select json_group_array(json_array(l.location_id, l.on_hand, l.committed, l.incoming)) from stock_levels l where l.product_id = p.id)';
  const record = `(select json_array(${RECORD_COLUMNS.slice(1).join(', ')}) from published_products r where r.product_id = p.id)`;
  // SKUs are never empty, so '' is before the first.
  const sql = `select json_array(${COLUMNS.map((c) => `p.${c}`).join(', ')}, json(${levels})${withRecords ? `, json(${record})` : ''}) as j from products p where p.sku > ? order by p.sku limit ${PAGE}`;
  const client = db.client as unknown as { acquireConnection(): Promise<sqlite3.Database>; releaseConnection(conn: sqlite3.Database): Promise<void> };
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
  const fetch = async (after: string | null): Promise<RawPage> => {
    const result = await query(after ?? '');
    const rows: ProductRow[] = [];
    const stock: StockRow[] = [];
    const records: PublishedRow[] | null = withRecords ? [] : null;
    for (const { j } of result) {
      const v = JSON.parse(j) as unknown[];
      const row = productRow(v);
      rows.push(row);
      for (const l of v[COLUMNS.length] as unknown[][]) stock.push(levelRow(row.id, l, 0));
      const r = v[COLUMNS.length + 1] as unknown[] | null;
      if (records && r) records.push(recordRow(row.id, r, 0));
    }
    return { rows, levels: stock, records };
  };
  return { fetch, close: finalize };
}

/** PostgreSQL: the page's rows, their stock rows and records, as three queries on the pool. */
function pgPages(db: Db, withRecords: boolean): Pages {
  const sku = skuOrder(db);
  const read = async <T>(columns: string[], from: string, bindings: string[], shape: (v: unknown[]) => T): Promise<T[]> => {
    const result = (await db.raw(`select ${columns.join(', ')} from ${from}`, bindings)) as { rows: Array<Record<string, unknown>> };
    const names = columns.map((c) => c.replace(/^\w+\./, ''));
    return result.rows.map((r) => shape(names.map((n) => r[n])));
  };
  const fetch = async (after: string | null): Promise<RawPage> => {
    const pageOf = `products${after === null ? '' : ` where ${sku} > ?`} order by ${sku} limit ${PAGE}`;
    const page = `(select id from ${pageOf}) p`;
    const bind = after === null ? [] : [after];
    const [rows, levels, records] = await Promise.all([
      read(COLUMNS, pageOf, bind, productRow),
      read(LEVEL_COLUMNS, `${page} join stock_levels l on l.product_id = p.id`, bind, (v) => levelRow(v[0] as string, v, 1)),
      withRecords ? read(RECORD_COLUMNS, `${page} join published_products r on r.product_id = p.id`, bind, (v) => recordRow(v[0] as string, v, 1)) : null,
    ]);
    return { rows, levels, records };
  };
  return { fetch, close: async () => undefined };
}

/**
 * The SKU as the files order it: JavaScript's code-unit order, which is SQLite's binary order; on
 * PostgreSQL the "C" collation (a database's default collation may sort `A-1` after `A1`).
 */
function skuOrder(db: Db): string {
  return dialectOf(db) === 'pg' ? 'sku collate "C"' : 'sku';
}

const LEVEL_COLUMNS = ['l.product_id', 'l.location_id', 'l.on_hand', 'l.committed', 'l.incoming'];
const RECORD_COLUMNS = ['r.product_id', 'r.sku', 'r.slug', 'r.content_hash', 'r.lastmod', 'r.seq', 'r.in_feed', 'r.in_sitemap', 'r.has_jsonld', 'r.issues'];

// Rows are built by hand, field by field in the columns' order above: a generic loop over the
// column names measured ~0.35 s slower over 100,000 products with their stock and records.
function productRow(v: unknown[]): ProductRow {
  return {
    id: v[0] as string,
    sku: v[1] as string,
    title: v[2] as string,
    description: v[3] as string,
    brand: v[4] as string,
    gtin: v[5] as string | null,
    mpn: v[6] as string | null,
    condition: v[7] as string,
    price_minor: v[8] as number,
    sale_price_minor: v[9] as number | null,
    currency: v[10] as string,
    slug: v[11] as string,
    image_url: v[12] as string | null,
    additional_image_urls: v[13] as string,
    status: v[14] as string,
    item_group_id: v[15] as string | null,
    allow_backorder: v[16] as boolean | number,
    preorder_date: v[17] as string | null,
    buffer_stock: v[18] as number | null,
    created_at: '',
    updated_at: '',
  };
}

// A stock row and a publish record: their columns after product_id, from `v[at]` on (SQLite's
// nested arrays leave the product id out; PostgreSQL's rows have it first).
function levelRow(productId: string, v: unknown[], at: number): StockRow {
  return { product_id: productId, location_id: v[at] as string, on_hand: v[at + 1] as number, committed: v[at + 2] as number, incoming: v[at + 3] as number };
}

function recordRow(productId: string, v: unknown[], at: number): PublishedRow {
  return {
    product_id: productId,
    sku: v[at] as string,
    slug: v[at + 1] as string,
    content_hash: v[at + 2] as string,
    lastmod: v[at + 3] as string,
    seq: v[at + 4] as number | string,
    in_feed: v[at + 5],
    in_sitemap: v[at + 6],
    has_jsonld: v[at + 7],
    issues: v[at + 8] as string | null,
  };
}

/** How many products each item group has. */
export async function groupSizes(db: Db): Promise<Map<string, number>> {
  const rows = (await db('products').select('item_group_id').count({ n: '*' }).whereNotNull('item_group_id').groupBy('item_group_id')) as Array<{ item_group_id: string; n: number | string }>;
  return new Map(rows.map((r) => [r.item_group_id, Number(r.n)]));
}

/** The members of `groups` whose SKU sorts after `afterSku` (read ahead to complete a group's JSON-LD). */
export async function groupMembersAfter(db: Db, ctx: SummaryContext, groups: string[], afterSku: string): Promise<SourceProduct[]> {
  const rows: ProductRow[] = [];
  for (let i = 0; i < groups.length; i += 500) {
    rows.push(...((await db('products').select(COLUMNS).whereIn('item_group_id', groups.slice(i, i + 500)).andWhereRaw(`${skuOrder(db)} > ?`, [afterSku])) as ProductRow[]));
  }
  return withSummaries(db, rows, ctx);
}

/** The given products plus every member of the item groups they belong to (now or in `extraGroups`). */
export async function loadAffected(db: Db, ctx: SummaryContext, ids: string[], extraGroups: string[]): Promise<SourceProduct[]> {
  const byId = new Map<string, ProductRow>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await db('products').whereIn('id', ids.slice(i, i + 500))) as ProductRow[];
    for (const r of rows) byId.set(r.id, r);
  }
  const groups = new Set(extraGroups);
  for (const r of byId.values()) if (r.item_group_id) groups.add(r.item_group_id);
  const groupList = [...groups];
  for (let i = 0; i < groupList.length; i += 500) {
    const rows = (await db('products').whereIn('item_group_id', groupList.slice(i, i + 500))) as ProductRow[];
    for (const r of rows) byId.set(r.id, r);
  }
  return withSummaries(db, [...byId.values()], ctx);
}
