/**
 * Reads products and their stock for publishing, page by page, with the same stock summary the
 * stock API returns (so the feed, the JSON-LD and the API agree at a given sequence).
 */
import type { StockSummary } from '../../../shared/schemas/stock';
import type { ProductRow } from '../products/product-repository';
import { loadPublishedWhere, type PublishedRecord } from './publish-store';
import { loadSummaries, summariesFrom, type SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';

export type SourceProduct = { row: ProductRow; summary: StockSummary };

type StockRow = { product_id: string; location_id: string; on_hand: number; committed: number; incoming: number };

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
 * Every product in SKU order (the order the files list them), in pages of 2,000, each with its
 * stock summary; the next page is read while the current one is processed.
 */
export async function forEachPageBySku(
  db: Db,
  ctx: SummaryContext,
  onPage: (page: SourceProduct[], records: Map<string, PublishedRecord> | null) => Promise<void> | void,
  options: { records: boolean },
): Promise<void> {
  // The page's rows and their stock rows are asked for together (the stock by a sub-select of the
  // same page), so both queries run back to back on the connection while the last page is processed.
  // With `records`, what the last publish recorded for the page's products comes along the same way.
  const fetch = async (after: string | null): Promise<{ page: SourceProduct[]; records: Map<string, PublishedRecord> | null }> => {
    const page = () => {
      const q = db('products').orderBy('sku').limit(PAGE);
      if (after !== null) q.where('sku', '>', after);
      return q;
    };
    const [rows, levels, records] = await Promise.all([
      page().select(COLUMNS) as Promise<ProductRow[]>,
      db('stock_levels').select('product_id', 'location_id', 'on_hand', 'committed', 'incoming').whereIn('product_id', page().select('id')) as Promise<StockRow[]>,
      options.records ? loadPublishedWhere(db, page().select('id')) : null,
    ]);
    const summaries = summariesFrom(rows, levels, ctx);
    return { page: rows.map((row) => ({ row, summary: summaries.get(row.id) as StockSummary })), records };
  };
  let next = fetch(null);
  for (;;) {
    const { page, records } = await next;
    const last = page[page.length - 1];
    if (page.length === PAGE && last) next = fetch(last.row.sku);
    if (page.length > 0) await onPage(page, records);
    if (page.length < PAGE) return;
  }
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
    rows.push(...((await db('products').select(COLUMNS).whereIn('item_group_id', groups.slice(i, i + 500)).andWhere('sku', '>', afterSku)) as ProductRow[]));
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
