/**
 * When incoming stock is due, per product: the expected dates of open purchase-order lines, kept in
 * memory because the availability rule runs for every product of every publish and stock answer
 * and must not cost a query each time. Loaded at start; the purchase-order service refreshes the
 * products a write touched once it has committed (before its changes reach the bus, so the
 * publisher that reacts already sees the new dates). Like the change stream, another process
 * sharing a PostgreSQL database is seen after a restart.
 */
import { OPEN_PURCHASE_ORDER_STATUSES } from '../../../shared/schemas/purchase-orders';
import { chunkValues, type Db } from '../util/db-helpers';

type Due = { date: string; locationId: string };

/** Open lines with a date and something still to come, optionally only for some products. */
async function readDue(db: Db, productIds?: string[]): Promise<Map<string, Due[]>> {
  const query = () =>
    db('purchase_order_lines as l')
      .join('purchase_orders as o', 'o.id', 'l.purchase_order_id')
      .select('l.product_id', 'l.expected_date', 'o.location_id')
      .whereIn('o.status', [...OPEN_PURCHASE_ORDER_STATUSES])
      .whereNotNull('l.expected_date')
      .andWhereRaw('l.received < l.quantity');
  const rows: Array<{ product_id: string; expected_date: string; location_id: string }> = [];
  if (productIds === undefined) rows.push(...(await query()));
  else for (const chunk of chunkValues(productIds)) rows.push(...(await query().whereIn('l.product_id', chunk)));
  const out = new Map<string, Due[]>();
  for (const r of rows) {
    const list = out.get(r.product_id) ?? [];
    list.push({ date: r.expected_date, locationId: r.location_id });
    out.set(r.product_id, list);
  }
  return out;
}

export class IncomingDates {
  private due = new Map<string, Due[]>();

  async load(db: Db): Promise<void> {
    this.due = await readDue(db);
  }

  /**
   * Reads the products' dates inside the caller's transaction and returns what applies them: the
   * caller runs it after the commit (WriteContext.afterCommit), never before.
   */
  async refresh(db: Db, productIds: string[]): Promise<() => void> {
    const fresh = await readDue(db, productIds);
    return () => {
      for (const id of productIds) {
        const list = fresh.get(id);
        if (list) this.due.set(id, list);
        else this.due.delete(id);
      }
    };
  }

  /**
   * The earliest expected date, today or later, of the product's open lines at locations that
   * sell online; null when none (a date that has passed without the goods no longer counts).
   */
  earliest(productId: string, today: string, sellsOnline: (locationId: string) => boolean): string | null {
    let best: string | null = null;
    for (const d of this.due.get(productId) ?? []) {
      if (d.date >= today && (best === null || d.date < best) && sellsOnline(d.locationId)) best = d.date;
    }
    return best;
  }
}
