import { OPEN_PURCHASE_ORDER_STATUSES } from '../../shared/schemas/purchase-orders';
import { chunkValues, num, type Db } from './util/db-helpers';

export type LedgerMismatch = {
  sku: string;
  /** Null for the product's totals over every location (the columns of products). */
  location: string | null;
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
 * every purchase order line's `received` = the sum of the receive movements that name the line;
 * and each product's totals equal the same sums over all its locations.
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
  mismatches.push(...(await checkTotals(db, [onHandOf, heldOf, openOf])));
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

const TOTAL_FIELDS = ['onHand', 'committed', 'incoming'] as const;

/**
 * Each product's totals against the ledger's sums over its locations (`expected`: on hand, held
 * and open sums by product|location, in TOTAL_FIELDS order). Only products whose totals are not
 * all zero are read, plus those the ledger gives stock: on a large catalogue most hold nothing.
 */
async function checkTotals(db: Db, expected: Array<Map<string, number>>): Promise<LedgerMismatch[]> {
  const sums = new Map<string, [number, number, number]>();
  expected.forEach((byLevel, field) => {
    for (const [k, total] of byLevel) {
      const productId = k.slice(0, k.indexOf('|'));
      const entry = sums.get(productId) ?? [0, 0, 0];
      entry[field as 0 | 1 | 2] += total;
      sums.set(productId, entry);
    }
  });
  const rows = (await db('products')
    .select('id', 'sku', 'total_on_hand', 'total_committed', 'total_incoming')
    .whereNot('total_on_hand', 0)
    .orWhereNot('total_committed', 0)
    .orWhereNot('total_incoming', 0)) as Array<{ id: string; sku: string; total_on_hand: unknown; total_committed: unknown; total_incoming: unknown }>;
  const stored = new Map(rows.map((r) => [r.id, { sku: r.sku, figures: [num(r.total_on_hand), num(r.total_committed), num(r.total_incoming)] }]));
  // Products the ledger gives stock but whose totals were read as all zero (not in `rows`).
  const missing = [...sums].filter(([id, figures]) => !stored.has(id) && figures.some((n) => n !== 0)).map(([id]) => id);
  for (const chunk of chunkValues(missing)) {
    for (const r of (await db('products').select('id', 'sku').whereIn('id', chunk)) as Array<{ id: string; sku: string }>) {
      stored.set(r.id, { sku: r.sku, figures: [0, 0, 0] });
    }
  }
  const mismatches: LedgerMismatch[] = [];
  for (const [id, { sku, figures }] of stored) {
    const want = sums.get(id) ?? [0, 0, 0];
    TOTAL_FIELDS.forEach((field, i) => {
      if (figures[i] !== want[i]) mismatches.push({ sku, location: null, field, stored: figures[i] as number, expected: want[i] as number });
    });
  }
  return mismatches;
}
