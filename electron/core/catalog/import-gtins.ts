/**
 * One product per barcode, for a whole file. What counts is the catalogue the file leaves behind:
 * a row may take a barcode that another row of the same file moves off its product (a swap of two
 * GTINs imports in one go), but not one that another product keeps, nor one another row takes too.
 * Barcodes are compared as GTIN-14, like everywhere else.
 */
import { gtin14, gtinSpellings } from '../../../shared/domain/gtin';
import { gtinTakenError, type ProductRow } from '../products/product-repository';
import { chunkValues, type Db } from '../util/db-helpers';
import { dialectOf } from '../db/connection';

/** A row of the file that gives a product a barcode it does not have yet. */
type Claim = { row: number; sku: string; gtin: string; productId: string | null };

type Fail = (row: number, column: string | null, message: string) => void;

export type GtinRows = {
  creates: Array<{ row: number; sku: string; gtin: string | null }>;
  /** Every update of the file, with the product as stored and as the file leaves it. */
  updates: Array<{ row: number; before: ProductRow; next: ProductRow }>;
};

const keyOf = (gtin: string) => gtin14(gtin);

/** Reports, against its row and column `gtin`, every row whose barcode would be another product's too. */
export async function checkImportGtins(db: Db, rows: GtinRows, fail: Fail): Promise<void> {
  // Loops rather than flatMap's array per row (≈ 0.5 KB a new product, V8's sampling heap profiler).
  const claims: Claim[] = [];
  for (const c of rows.creates) if (c.gtin) claims.push({ row: c.row, sku: c.sku, gtin: c.gtin, productId: null });
  for (const u of rows.updates) {
    const gtin = u.next.gtin;
    const keeps = gtin === null || (u.before.gtin !== null && keyOf(u.before.gtin) === keyOf(gtin));
    if (!keeps) claims.push({ row: u.row, sku: u.next.sku, gtin, productId: u.before.id });
  }
  claims.sort((a, b) => a.row - b.row);
  if (claims.length === 0) return;

  // What each product the file updates will have once it is imported.
  const finalGtin = new Map(rows.updates.map((u) => [u.before.id, u.next.gtin]));
  const holders = new Map<string, ProductRow[]>();
  const spelled = new Set<string>();
  for (const c of claims) for (const spelling of gtinSpellings(c.gtin)) spelled.add(spelling);
  const spellings = [...spelled];
  // SQLite: the spellings as one JSON parameter per 50,000, where knex bound 5,000 values one by
  // one per statement (100,000 new products with barcodes: ~400,000 spellings, 0.3 s of binding).
  const sqlite = dialectOf(db) === 'sqlite';
  for (const chunk of chunkValues(spellings, sqlite ? 50_000 : 5000)) {
    const found = (
      sqlite
        ? await db.raw('SELECT id, sku, title, gtin FROM products WHERE gtin IN (SELECT value FROM json_each(?)) ORDER BY sku', [JSON.stringify(chunk)])
        : await db('products').select('id', 'sku', 'title', 'gtin').whereIn('gtin', chunk).orderBy('sku')
    ) as ProductRow[];
    for (const product of found) {
      const after = finalGtin.has(product.id) ? finalGtin.get(product.id) : product.gtin;
      if (!after || keyOf(after) !== keyOf(product.gtin as string)) continue;
      const key = keyOf(after);
      holders.set(key, [...(holders.get(key) ?? []), product]);
    }
  }

  const inFile = new Map<string, Claim>();
  for (const claim of claims) {
    const key = keyOf(claim.gtin);
    const holder = holders.get(key)?.find((p) => p.id !== claim.productId);
    const earlier = inFile.get(key);
    if (holder) fail(claim.row, 'gtin', gtinTakenError(claim.gtin, holder).message);
    else if (earlier) {
      const spelled = earlier.gtin === claim.gtin ? '' : `, as ${earlier.gtin}`;
      fail(claim.row, 'gtin', `GTIN ${claim.gtin} is also on row ${earlier.row} (${earlier.sku})${spelled}`);
    } else inFile.set(key, claim);
  }
}
