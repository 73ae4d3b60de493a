/**
 * CSV export of the catalogue in the import's format: one row per product and stock location, in
 * SKU order, read a page at a time and streamed, so a large catalogue never sits in memory. With
 * the Products list's filter it exports exactly the products the list shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fromMinorUnits } from '../../../shared/domain/money';
import { num, type Db } from '../util/db-helpers';
import type { ProductFilter } from '../../../shared/schemas/product';
import { matchingProducts, type ListDeps } from '../products/product-list';
import type { ProductRow } from '../products/product-repository';
import type { SummaryContext } from '../stock/stock-summary';
import { CSV_COLUMNS, neutraliseCell, type CsvColumn } from './csv-columns';
import { exportPurchasingCells, type PurchasingColumn } from '../purchasing/catalog-columns';

const PAGE_SIZE = 1000;

type ExportProduct = Pick<
  ProductRow,
  | 'id' | 'sku' | 'title' | 'description' | 'brand' | 'gtin' | 'mpn' | 'condition' | 'price_minor'
  | 'sale_price_minor' | 'currency' | 'slug' | 'image_url' | 'status' | 'item_group_id'
  | 'product_type' | 'google_product_category'
>;

export type ExportReport = { products: number; rows: number };

function productCells(p: ExportProduct): Record<Exclude<CsvColumn, 'location' | 'on_hand' | PurchasingColumn>, string> {
  return {
    sku: p.sku,
    title: p.title,
    description: p.description,
    brand: p.brand,
    gtin: p.gtin ?? '',
    mpn: p.mpn ?? '',
    condition: p.condition,
    price: fromMinorUnits(num(p.price_minor), p.currency),
    currency: p.currency,
    sale_price: p.sale_price_minor === null ? '' : fromMinorUnits(num(p.sale_price_minor), p.currency),
    slug: p.slug,
    image_url: p.image_url ?? '',
    status: p.status,
    item_group_id: p.item_group_id ?? '',
    product_type: p.product_type ?? '',
    google_product_category: p.google_product_category ?? '',
  };
}

/** Which products to export: the list's filter, and what resolving it needs. */
export type ExportSelection = { deps: ListDeps; filter: ProductFilter };

/** What resolving a filter needs, from the core's parts (the shop-wide buffer as it is now). */
export function exportDeps(deps: { db: Db; summary: SummaryContext }): ListDeps {
  return { db: deps.db, locations: deps.summary.locations, shopBufferStock: deps.summary.shopBufferStock() };
}

function productColumns(db: Db) {
  return db('products')
    .select('id', 'sku', 'title', 'description', 'brand', 'gtin', 'mpn', 'condition', 'price_minor', 'sale_price_minor')
    .select('currency', 'slug', 'image_url', 'status', 'item_group_id', 'product_type', 'google_product_category');
}

/** Pages of products in SKU order: the whole catalogue by keyset, or the ids a filter matched. */
async function* productPages(db: Db, selection: ExportSelection | undefined): AsyncGenerator<ExportProduct[]> {
  if (selection && Object.values(selection.filter).some((v) => v !== undefined)) {
    // Resolved once: a stock filter's subquery would cost a pass over stock_levels per page.
    const matching = await matchingProducts(selection.deps, selection.filter);
    for (let i = 0; i < matching.length; i += PAGE_SIZE) {
      const ids = matching.slice(i, i + PAGE_SIZE).map((m) => m.id);
      yield (await productColumns(db).whereIn('id', ids).orderBy('sku')) as ExportProduct[];
    }
    return;
  }
  let after: string | null = null;
  for (;;) {
    const page = (await productColumns(db)
      .modify((q) => {
        if (after !== null) q.where('sku', '>', after);
      })
      .orderBy('sku')
      .limit(PAGE_SIZE)) as ExportProduct[];
    if (page.length === 0) return;
    yield page;
    after = (page[page.length - 1] as ExportProduct).sku;
  }
}

async function* catalogRecords(db: Db, report: ExportReport, selection: ExportSelection | undefined): AsyncGenerator<string[]> {
  for await (const page of productPages(db, selection)) {
    if (page.length === 0) continue;
    const levels = (await db('stock_levels as s')
      .join('locations as l', 'l.id', 's.location_id')
      .select('s.product_id', 'l.code', 's.on_hand')
      .whereIn(
        's.product_id',
        page.map((p) => p.id),
      )
      .orderBy('l.code')) as Array<{ product_id: string; code: string; on_hand: unknown }>;
    const byProduct = new Map<string, Array<{ code: string; onHand: number }>>();
    for (const level of levels) {
      const list = byProduct.get(level.product_id) ?? [];
      list.push({ code: level.code, onHand: num(level.on_hand) });
      byProduct.set(level.product_id, list);
    }
    const purchasing = await exportPurchasingCells(db, page);
    for (const product of page) {
      const cells = productCells(product);
      const stock: Array<{ code: string; onHand: number | null }> = byProduct.get(product.id) ?? [];
      // A location with reorder settings and no stock row still gets its row (on_hand empty: left as is).
      for (const code of purchasing.reorderLocations(product.id)) if (!stock.some((s) => s.code === code)) stock.push({ code, onHand: null });
      if (stock.length === 0) stock.push({ code: '', onHand: null });
      stock.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
      report.products++;
      for (const { code, onHand } of stock) {
        report.rows++;
        const row: Record<CsvColumn, string> = { ...cells, location: code, on_hand: onHand === null ? '' : String(onHand), ...purchasing.cells(product.id, code) };
        yield CSV_COLUMNS.map((c) => neutraliseCell(row[c]));
      }
    }
  }
}

/** Streams the catalogue (or the products a filter matches) as CSV into `target` (a file, an HTTP response, …). */
export async function writeCatalogCsv(db: Db, target: Writable, selection?: ExportSelection): Promise<ExportReport> {
  const report: ExportReport = { products: 0, rows: 0 };
  // Loaded when a catalogue is exported, not with the core.
  const { stringify } = await import('csv-stringify');
  await pipeline(Readable.from(catalogRecords(db, report, selection)), stringify({ header: true, columns: [...CSV_COLUMNS] }), target);
  return report;
}

/**
 * Exports to a file. It is written beside the target and renamed into place at the end, so a
 * failed export never leaves half a file where a good one was.
 */
export async function exportCatalogCsv(db: Db, file: string): Promise<ExportReport> {
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
  try {
    const report = await writeCatalogCsv(db, fs.createWriteStream(partial));
    fs.renameSync(partial, file);
    return report;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
