/**
 * One product per barcode, in the database. The unique index `products_gtin_unique` is on the GTIN
 * without its leading zeros, which is equal exactly when the GTIN-14s are (a UPC-A and the EAN-13
 * printed on the same box are one barcode), and only over products that have a GTIN.
 *
 * Such an index cannot be built while two products share a barcode, and a database from before
 * GTINs were unique may hold some. Failing the upgrade would lock the shop out of its own data, and
 * skipping the index silently would leave nobody knowing why. So the migration builds the index only
 * over a clean table, and this check runs after the migrations at every start: while the index is
 * missing it logs each shared GTIN with its products and leaves the app running (the product
 * service refuses new duplicates either way, so they can only get fewer); at the first start after
 * the owner has fixed the last one (the Products screen's Barcode filter and `products.list` with
 * `duplicateGtin` list them), it builds the index. A migration runs once; this is what makes "once
 * they are fixed" happen.
 */
import type { Knex } from 'knex';
import type { Logger } from '../logger';
import { dialectOf } from './connection';

export const GTIN_UNIQUE_INDEX = 'products_gtin_unique';

/** The index key, as SQL both engines run the same: the GTIN without its leading zeros. */
export const GTIN_KEY_SQL = "ltrim(gtin, '0')";

/** A barcode that several products share, with those products (by SKU). */
export type SharedGtin = { gtin14: string; products: Array<{ sku: string; gtin: string }> };

async function hasIndex(db: Knex, name: string): Promise<boolean> {
  if (dialectOf(db) === 'pg') {
    const found = await db('pg_indexes').whereRaw('schemaname = current_schema()').andWhere({ indexname: name }).first();
    return found !== undefined;
  }
  return (await db('sqlite_master').where({ type: 'index', name }).first()) !== undefined;
}

/** Every barcode that more than one product has, by GTIN-14, each with its products by SKU. */
export async function findSharedGtins(db: Knex): Promise<SharedGtin[]> {
  const shared = db('products').select(db.raw(GTIN_KEY_SQL)).whereNotNull('gtin').groupByRaw(GTIN_KEY_SQL).havingRaw('count(*) > 1');
  const rows = (await db('products')
    .select('sku', 'gtin')
    .whereNotNull('gtin')
    .whereRaw(`${GTIN_KEY_SQL} in ?`, [shared])
    .orderBy('sku')) as Array<{ sku: string; gtin: string }>;
  const byKey = new Map<string, SharedGtin>();
  for (const row of rows) {
    const key = row.gtin.padStart(14, '0');
    const entry = byKey.get(key) ?? { gtin14: key, products: [] };
    entry.products.push(row);
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => (a.gtin14 < b.gtin14 ? -1 : 1));
}

/**
 * Builds the unique index when it is missing and no two products share a barcode; otherwise logs
 * each shared one. Never throws for duplicates, and never blocks a start: a failure to build the
 * index (another process building it at the same moment) is logged and tried again next start.
 */
export async function ensureGtinUniqueness(db: Knex, log: Logger): Promise<{ indexed: boolean; shared: SharedGtin[] }> {
  if (await hasIndex(db, GTIN_UNIQUE_INDEX)) return { indexed: true, shared: [] };
  const shared = await findSharedGtins(db);
  if (shared.length > 0) {
    log.warn(
      `${shared.length} barcode${shared.length === 1 ? ' (GTIN) is' : 's (GTINs) are'} used by more than one product, so the database cannot ` +
        'enforce one product per barcode yet (new duplicates are refused all the same). Give each product its own GTIN, or clear the ' +
        'wrong one (Products, filter Barcode: shared with another product, or GET /api/v1/products?duplicateGtin=true lists them); the unique index is added at the next start after that.',
    );
    for (const { gtin14, products } of shared) {
      const first = products[0]?.gtin ?? gtin14;
      log.warn(`GTIN ${first} (GTIN-14 ${gtin14}) is used by ${products.length} products: ${products.map((p) => `${p.sku} (${p.gtin})`).join(', ')}`);
    }
    return { indexed: false, shared };
  }
  try {
    await db.raw(`CREATE UNIQUE INDEX IF NOT EXISTS ${GTIN_UNIQUE_INDEX} ON products (${GTIN_KEY_SQL}) WHERE gtin IS NOT NULL`);
  } catch (error) {
    if (await hasIndex(db, GTIN_UNIQUE_INDEX)) return { indexed: true, shared: [] };
    log.warn(`Could not add the unique index on GTINs (${(error as Error).message}); new duplicates are still refused, and it is tried again at the next start`);
    return { indexed: false, shared: [] };
  }
  log.info(`No two products share a barcode (GTIN) any more: added the unique index ${GTIN_UNIQUE_INDEX}`);
  return { indexed: true, shared: [] };
}
