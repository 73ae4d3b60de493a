/** The products and stock rows the value rules read, for a set of products. */
import { loadLevels, type LevelFigures } from '../stock/stock-summary';
import { chunkValues, type Db } from '../util/db-helpers';
import type { ProductRow } from './values';

export type Facts = { products: Map<string, ProductRow>; levels: Map<string, LevelFigures[]> };

export async function loadFacts(db: Db, productIds: string[]): Promise<Facts> {
  const products = new Map<string, ProductRow>();
  for (const chunk of chunkValues(productIds, 5_000)) {
    const rows = (await db('products')
      .select('id', 'sku', 'status', 'allow_backorder', 'preorder_date', 'buffer_stock', 'price_minor', 'sale_price_minor', 'currency')
      .whereIn('id', chunk)) as ProductRow[];
    for (const row of rows) products.set(row.id, row);
  }
  return { products, levels: await loadLevels(db, [...products.keys()]) };
}
