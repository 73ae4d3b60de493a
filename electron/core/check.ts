import { OPEN_PURCHASE_ORDER_STATUSES } from '../../shared/schemas/purchase-orders';
import { num, type Db } from './util/db-helpers';

export type LedgerMismatch = {
  sku: string;
  location: string;
  /** `received`: a purchase order line's received figure against the receive movements naming it. */
  field: 'onHand' | 'committed' | 'incoming' | 'received';
  stored: number;
  expected: number;
  /** For `received`: the PO's number and the line. */
  purchaseOrder?: string;
  lineId?: string;
};

export type LedgerReport = { ok: boolean; levelsChecked: number; mismatches: LedgerMismatch[] };

/**
 * Verifies that every stock level equals its ledger: on hand = sum of movements, committed = sum
 * of held reservations, incoming = what open purchase orders still expect at that location; and
 * every purchase order line's `received` = the sum of the receive movements that name the line.
 * Grouped queries, so it stays quick on large catalogues.
 */
export async function checkLedger(db: Db): Promise<LedgerReport> {
  const levels = (await db('stock_levels as s')
    .join('products as p', 'p.id', 's.product_id')
    .join('locations as l', 'l.id', 's.location_id')
    .select('s.product_id', 's.location_id', 's.on_hand', 's.committed', 's.incoming', 'p.sku', 'l.code')) as Array<{
    product_id: string;
    location_id: string;
    on_hand: unknown;
    committed: unknown;
    incoming: unknown;
    sku: string;
    code: string;
  }>;
  const movementSums = (await db('movements')
    .select('product_id', 'location_id')
    .sum({ total: 'quantity' })
    .groupBy('product_id', 'location_id')) as Array<{ product_id: string; location_id: string; total: unknown }>;
  const heldSums = (await db('reservations')
    .select('product_id', 'location_id')
    .sum({ total: 'quantity' })
    .where('status', 'held')
    .groupBy('product_id', 'location_id')) as Array<{ product_id: string; location_id: string; total: unknown }>;
  // An over-delivered line expects nothing more, never less than nothing.
  const openSums = (await db('purchase_order_lines as pl')
    .join('purchase_orders as o', 'o.id', 'pl.purchase_order_id')
    .select('pl.product_id', 'o.location_id')
    .sum({ total: db.raw('case when pl.quantity > pl.received then pl.quantity - pl.received else 0 end') })
    .whereIn('o.status', [...OPEN_PURCHASE_ORDER_STATUSES])
    .groupBy('pl.product_id', 'o.location_id')) as Array<{ product_id: string; location_id: string; total: unknown }>;

  const key = (p: string, l: string) => `${p}|${l}`;
  const onHandOf = new Map(movementSums.map((r) => [key(r.product_id, r.location_id), num(r.total)]));
  const heldOf = new Map(heldSums.map((r) => [key(r.product_id, r.location_id), num(r.total)]));
  const openOf = new Map(openSums.map((r) => [key(r.product_id, r.location_id), num(r.total)]));
  const seen = new Set<string>();
  const mismatches: LedgerMismatch[] = [];
  for (const level of levels) {
    const k = key(level.product_id, level.location_id);
    seen.add(k);
    const expectedOnHand = onHandOf.get(k) ?? 0;
    const expectedCommitted = heldOf.get(k) ?? 0;
    if (num(level.on_hand) !== expectedOnHand) {
      mismatches.push({ sku: level.sku, location: level.code, field: 'onHand', stored: num(level.on_hand), expected: expectedOnHand });
    }
    if (num(level.committed) !== expectedCommitted) {
      mismatches.push({ sku: level.sku, location: level.code, field: 'committed', stored: num(level.committed), expected: expectedCommitted });
    }
    const expectedIncoming = openOf.get(k) ?? 0;
    if (num(level.incoming) !== expectedIncoming) {
      mismatches.push({ sku: level.sku, location: level.code, field: 'incoming', stored: num(level.incoming), expected: expectedIncoming });
    }
  }
  // Movements or reservations with no stock row at all are mismatches too.
  for (const [k, total] of [...onHandOf, ...heldOf, ...openOf]) {
    if (seen.has(k) || total === 0) continue;
    const [productId, locationId] = k.split('|') as [string, string];
    const field = onHandOf.get(k) ? 'onHand' : heldOf.get(k) ? 'committed' : 'incoming';
    mismatches.push({ sku: productId, location: locationId, field, stored: 0, expected: total });
    seen.add(k);
  }
  mismatches.push(...(await checkReceivedLines(db)));
  return { ok: mismatches.length === 0, levelsChecked: levels.length, mismatches };
}

/**
 * Incoming is derived from `received`, so a wrong `received` (a receipt booked twice on the line but
 * once in the ledger, a hand edit) can leave incoming and the open quantities in agreement; the
 * receive movements naming each line are its own ledger. Lines of every status, since a received or
 * closed PO keeps its receipts.
 */
async function checkReceivedLines(db: Db): Promise<LedgerMismatch[]> {
  const booked = db('movements')
    .select('purchase_order_line_id')
    .sum({ total: 'quantity' })
    .where('kind', 'receive')
    .whereNotNull('purchase_order_line_id')
    .groupBy('purchase_order_line_id')
    .as('m');
  const rows = (await db('purchase_order_lines as pl')
    .join('purchase_orders as o', 'o.id', 'pl.purchase_order_id')
    .join('products as p', 'p.id', 'pl.product_id')
    .join('locations as l', 'l.id', 'o.location_id')
    .leftJoin(booked, 'm.purchase_order_line_id', 'pl.id')
    .whereRaw('pl.received <> coalesce(m.total, 0)')
    .select('pl.id', 'pl.received', 'm.total', 'o.number', 'p.sku', 'l.code')
    .orderBy(['o.number', 'pl.position'])) as Array<{ id: string; received: unknown; total: unknown; number: string; sku: string; code: string }>;
  return rows.map((r) => ({ sku: r.sku, location: r.code, field: 'received', stored: num(r.received), expected: num(r.total), purchaseOrder: r.number, lineId: r.id }));
}
