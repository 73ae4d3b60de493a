/**
 * Reads products and their stock for publishing, page by page, with the same stock summary the
 * stock API returns (so the feed, the JSON-LD and the API agree at a given sequence).
 */
import type { StockSummary } from '../../../shared/schemas/stock';
import type { ProductRow } from '../products/product-repository';
import { loadSummaries, type SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';

export type SourceProduct = { row: ProductRow; summary: StockSummary };

const PAGE = 2_000;

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
 * Every product without an item group, in pages of 2,000 by id (the primary key, so concurrent
 * inserts cannot shift a page); grouped products come from `forEachGroupChunk`, whole groups at a
 * time. The next page is fetched while the current one is processed.
 */
export async function forEachUngroupedPage(db: Db, ctx: SummaryContext, onPage: (page: SourceProduct[]) => Promise<void> | void): Promise<void> {
  const fetch = (after: string) => db('products').select(COLUMNS).where('id', '>', after).orderBy('id').limit(PAGE) as Promise<ProductRow[]>;
  let next = fetch('');
  for (;;) {
    const rows = await next;
    const last = rows[rows.length - 1];
    if (rows.length === PAGE && last) next = fetch(last.id);
    const page = rows.filter((r) => r.item_group_id === null);
    if (page.length > 0) await onPage(await withSummaries(db, page, ctx));
    if (rows.length < PAGE) return;
  }
}

/** Every product that belongs to an item group, complete groups at a time (a group's JSON-LD lists all its variants). */
export async function forEachGroupChunk(db: Db, ctx: SummaryContext, onChunk: (chunk: SourceProduct[]) => Promise<void> | void): Promise<void> {
  let after = '';
  for (;;) {
    const groups = ((await db('products').distinct('item_group_id').whereNotNull('item_group_id').andWhere('item_group_id', '>', after).orderBy('item_group_id').limit(500)) as Array<{ item_group_id: string }>).map((r) => r.item_group_id);
    if (groups.length === 0) return;
    const rows = (await db('products').select(COLUMNS).whereIn('item_group_id', groups)) as ProductRow[];
    await onChunk(await withSummaries(db, rows, ctx));
    if (groups.length < 500) return;
    after = groups[groups.length - 1] as string;
  }
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
