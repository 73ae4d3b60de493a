/**
 * The catalogue scan (db/publish-queries.ts) against plain knex reads of the same tables: every
 * product in SKU order, page after page, with exactly its stock rows and its publish record (or
 * none). SQLite's scan reads each product as one JSON array with its record joined in and its
 * stock rows nested; PostgreSQL's as three queries a page. Products here have no stock, stock at
 * one location or at two, a record or none, text that JSON must escape, and they span three pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedArray } from '../../electron/core/db/publish-sqlite';
import { openCatalogScan, SCAN_COLUMNS, SCAN_PAGE, skuOrder, type CatalogRow, type PublishedRow, type StockRow } from '../../electron/core/db/publish-queries';
import { engines, startCore, type TestCore } from '../helpers/core';
import { bulkInsertProducts, configureShop } from '../fixtures/publish/helpers';

const COUNT = SCAN_PAGE * 2 + 37;

/** Values as both engines' drivers may return them (PostgreSQL's bigints and booleans, SQLite's 0/1). */
function plain(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^-?\d+$/.test(value) && value.length < 16) return Number(value);
  return value;
}

function plainRow(row: Record<string, unknown>, columns: readonly string[]): unknown[] {
  return columns.map((c) => plain(row[c]));
}

const LEVEL_NAMES = ['product_id', 'location_id', 'on_hand', 'committed', 'incoming'] as const;
const RECORD_NAMES = ['product_id', 'sku', 'slug', 'content_hash', 'lastmod', 'seq', 'in_feed', 'in_sitemap', 'has_jsonld', 'issues'] as const;

describe('catalogue scan on SQLite: the nested stock rows', () => {
  it('are read as an array, or from their text where SQLite does not keep the JSON subtype', () => {
    const rows = [['loc-1', 5, 0, 2], ['loc-2', 0, 1, 0]];
    expect(nestedArray(rows)).toBe(rows);
    expect(nestedArray(JSON.stringify(rows))).toEqual(rows);
    expect(nestedArray('[]')).toEqual([]);
  });
});

describe.each(engines())('catalogue scan on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await configureShop(core);
    await bulkInsertProducts(core, COUNT);
    await core.call('locations.create', { code: 'backroom', name: 'Back room' });
    for (let i = 0; i < COUNT; i += 3) {
      const sku = `BULK-${String(i).padStart(6, '0')}`;
      await core.call('stock.count', { sku, quantity: 5 + (i % 7) });
      if (i % 2 === 0) await core.call('stock.count', { sku, location: 'backroom', quantity: i % 4 });
    }
    await core.call('publish.run', {});
    await core.publisher.idle();
    // Products without a record, and records with problems, and text JSON must escape.
    const ids = ((await core.db('products').select('id').orderBy('sku')) as Array<{ id: string }>).map((r) => r.id);
    await core.db('published_products').whereIn('product_id', ids.filter((_, i) => i % 5 === 1)).delete();
    await core.db('published_products').whereIn('product_id', ids.filter((_, i) => i % 7 === 2)).update({ issues: JSON.stringify([{ code: 'missing_gtin', severity: 'warning', message: 'say "hi"\\n' }]) });
    await core.db('products').whereIn('id', ids.filter((_, i) => i % 11 === 3)).update({ title: 'Quote " backslash \\ tab \t emoji 🫖 \u2028 end', product_type: 'A > "B"' });
  }, 120_000);
  afterAll(async () => {
    await core?.cleanup();
  });

  for (const withRecords of [true, false]) {
    it(`returns every product with its stock rows${withRecords ? ' and its record' : ''}, as plain reads do`, async () => {
      const products = (await core.db('products').select(SCAN_COLUMNS).orderByRaw(skuOrder(core.db))) as Array<Record<string, unknown>>;
      const levels = (await core.db('stock_levels').select(LEVEL_NAMES)) as Array<Record<string, unknown>>;
      const records = (await core.db('published_products').select(RECORD_NAMES)) as Array<Record<string, unknown>>;
      const levelsOf = new Map<string, unknown[][]>();
      for (const l of levels) levelsOf.set(l.product_id as string, [...(levelsOf.get(l.product_id as string) ?? []), plainRow(l, LEVEL_NAMES)]);
      const recordOf = new Map(records.map((r) => [r.product_id as string, plainRow(r, RECORD_NAMES)]));
      expect(records.length).toBeLessThan(COUNT);
      expect(records.some((r) => r.issues !== null)).toBe(true);
      expect([...levelsOf.values()].some((l) => l.length === 2)).toBe(true);

      const scan = openCatalogScan(core.db, { records: withRecords });
      const seen: CatalogRow[] = [];
      const seenLevels = new Map<string, unknown[][]>();
      const seenRecords = new Map<string, unknown[]>();
      try {
        let after: string | null = null;
        for (;;) {
          const page = await scan.fetch(after);
          seen.push(...page.rows);
          for (const l of page.levels) seenLevels.set(l.product_id, [...(seenLevels.get(l.product_id) ?? []), plainRow(l as StockRow, LEVEL_NAMES)]);
          if (withRecords) for (const r of page.records as PublishedRow[]) seenRecords.set(r.product_id, plainRow(r as Record<string, unknown>, RECORD_NAMES));
          else expect(page.records).toBeNull();
          if (page.rows.length < SCAN_PAGE) break;
          after = (page.rows[page.rows.length - 1] as CatalogRow).sku;
        }
      } finally {
        await scan.close();
      }
      expect(seen.map((r) => plainRow(r, SCAN_COLUMNS))).toEqual(products.map((r) => plainRow(r, SCAN_COLUMNS)));
      const byLocation = (rows: unknown[][] | undefined) => [...(rows ?? [])].sort((a, b) => String(a[1]).localeCompare(String(b[1])));
      for (const p of products) {
        const id = p.id as string;
        expect(byLocation(seenLevels.get(id)), `${String(p.sku)} stock`).toEqual(byLocation(levelsOf.get(id)));
        if (withRecords) expect(seenRecords.get(id), `${String(p.sku)} record`).toEqual(recordOf.get(id));
      }
    }, 60_000);
  }
});
