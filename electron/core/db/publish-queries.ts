/**
 * The publisher's engine-specific queries, behind one interface: the catalogue scan (every
 * product in SKU order, a page at a time, with its stock and its publish record), the record
 * upsert, and the SKU order itself. Each engine's way of making them fast is in its own file.
 */
import type { Knex } from 'knex';
import { dialectOf } from './connection';
import { PG_SKU_ORDER, pgCatalogScan, pgRecordUpsert } from './publish-pg';
import type { CatalogScan, RecordUpsert } from './publish-rows';
import { sqliteCatalogScan, sqliteRecordUpsert } from './publish-sqlite';

export { PUBLISHED_CHUNK, SCAN_COLUMNS, SCAN_PAGE, type CatalogRow, type CatalogScan, type PublishedRow, type RecordUpsert, type ScanPage, type StockRow } from './publish-rows';

/** Reads the catalogue in SKU order (`records`: with each product's publish record). Close it when done. */
export function openCatalogScan(db: Knex, options: { records: boolean }): CatalogScan {
  return dialectOf(db) === 'pg' ? pgCatalogScan(db, options.records) : sqliteCatalogScan(db, options.records);
}

/** Upserts publish records in `trx` (a write-queue transaction). Close it when done. */
export function openRecordUpsert(trx: Knex.Transaction): Promise<RecordUpsert> {
  return dialectOf(trx) === 'pg' ? pgRecordUpsert(trx) : sqliteRecordUpsert(trx);
}

/** The column expression that orders products by SKU the way the published files do (JavaScript's code-unit order). */
export function skuOrder(db: Knex): string {
  return dialectOf(db) === 'pg' ? PG_SKU_ORDER : 'sku';
}
