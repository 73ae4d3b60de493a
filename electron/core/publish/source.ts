/**
 * Reads products and their stock for publishing, page by page, with the same stock summary the
 * stock API returns (so the feed, the JSON-LD and the API agree at a given sequence).
 */
import { openCatalogScan, SCAN_COLUMNS, SCAN_PAGE, skuOrder, type CatalogRow, type CatalogScan } from '../db/publish-queries';
import type { SavedRecord } from './product-record';
import { savedRecordOf } from './publish-store';
import { loadPublishSummaries, summariesFrom, type PublishSummary, type SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';

export type SourceProduct = { row: CatalogRow; summary: PublishSummary };

async function withSummaries(db: Db, rows: CatalogRow[], ctx: SummaryContext): Promise<SourceProduct[]> {
  const summaries = await loadPublishSummaries(db, rows, ctx);
  return rows.map((row) => ({ row, summary: summaries.get(row.id) as PublishSummary }));
}

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
  onPage: (page: SourceProduct[], records: Map<string, SavedRecord> | null) => Promise<void> | void,
  options: { records: boolean },
): Promise<void> {
  const pages = openCatalogScan(db, options);
  try {
    await scan(pages, ctx, onPage);
  } finally {
    await pages.close();
  }
}

async function scan(pages: CatalogScan, ctx: SummaryContext, onPage: (page: SourceProduct[], records: Map<string, SavedRecord> | null) => Promise<void> | void): Promise<void> {
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
    if (rows.length === SCAN_PAGE && last) {
      next = fetch(last.sku);
      // Let the query reach the database thread before this page is processed, so the two overlap.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (rows.length > 0) {
      const summaries = summariesFrom(rows, levels, ctx);
      await onPage(
        rows.map((row) => ({ row, summary: summaries.get(row.id) as PublishSummary })),
        records ? new Map(records.map((r) => [r.product_id, savedRecordOf(r)])) : null,
      );
    }
    if (rows.length < SCAN_PAGE) return;
  }
}

/** How many products each item group has. */
export async function groupSizes(db: Db): Promise<Map<string, number>> {
  const rows = (await db('products').select('item_group_id').count({ n: '*' }).whereNotNull('item_group_id').groupBy('item_group_id')) as Array<{ item_group_id: string; n: number | string }>;
  return new Map(rows.map((r) => [r.item_group_id, Number(r.n)]));
}

/** The members of `groups` whose SKU sorts after `afterSku` (read ahead to complete a group's JSON-LD). */
export async function groupMembersAfter(db: Db, ctx: SummaryContext, groups: string[], afterSku: string): Promise<SourceProduct[]> {
  const rows: CatalogRow[] = [];
  for (let i = 0; i < groups.length; i += 500) {
    rows.push(...((await db('products').select(SCAN_COLUMNS).whereIn('item_group_id', groups.slice(i, i + 500)).andWhereRaw(`${skuOrder(db)} > ?`, [afterSku])) as CatalogRow[]));
  }
  return withSummaries(db, rows, ctx);
}

/** The given products plus every member of the item groups they belong to (now or in `extraGroups`). */
export async function loadAffected(db: Db, ctx: SummaryContext, ids: string[], extraGroups: string[]): Promise<SourceProduct[]> {
  const byId = new Map<string, CatalogRow>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await db('products').select(SCAN_COLUMNS).whereIn('id', ids.slice(i, i + 500))) as CatalogRow[];
    for (const r of rows) byId.set(r.id, r);
  }
  const groups = new Set(extraGroups);
  for (const r of byId.values()) if (r.item_group_id) groups.add(r.item_group_id);
  const groupList = [...groups];
  for (let i = 0; i < groupList.length; i += 500) {
    const rows = (await db('products').select(SCAN_COLUMNS).whereIn('item_group_id', groupList.slice(i, i + 500))) as CatalogRow[];
    for (const r of rows) byId.set(r.id, r);
  }
  return withSummaries(db, [...byId.values()], ctx);
}

/** Which of `ids` are still products. */
export async function existingIds(db: Db, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await db('products').select('id').whereIn('id', ids.slice(i, i + 500))) as Array<{ id: string }>;
    for (const r of rows) found.push(r.id);
  }
  return found;
}
