/**
 * Units sold per product and location over a recent window, from the ledger's `sale` movements
 * (in-store sales and shipped orders): the input of the suggested reorder points.
 */
import { addDays, utcToday } from '../../../shared/domain/availability';
import { chunkValues, num, type Db } from '../util/db-helpers';

export const salesKey = (productId: string, locationId: string) => `${productId}|${locationId}`;

/** The first instant of the window that ends today (UTC days, like the availability rule). */
export function windowStart(windowDays: number, today = utcToday()): string {
  return `${addDays(today, -windowDays)}T00:00:00.000Z`;
}

/** Units sold since `since`, by product and location; only the given products when named. */
export async function unitsSold(db: Db, since: string, productIds?: string[]): Promise<Map<string, number>> {
  const query = () =>
    db('movements')
      .select('product_id', 'location_id')
      .sum({ sold: 'quantity' })
      .where('kind', 'sale')
      .andWhere('created_at', '>=', since)
      .groupBy('product_id', 'location_id');
  type Row = { product_id: string; location_id: string; sold: unknown };
  const rows: Row[] = [];
  if (productIds === undefined) rows.push(...((await query()) as Row[]));
  else for (const chunk of chunkValues(productIds)) rows.push(...((await query().whereIn('product_id', chunk)) as Row[]));
  // Sales are negative movements.
  return new Map(rows.map((r) => [salesKey(r.product_id, r.location_id), -num(r.sold)]));
}
