/**
 * Reservations as the contract shows them (with the product's title and the location's name, so
 * that nobody reads a code alone), and the order history: settled reservations grouped into the
 * orders they belong to.
 */
import type { ParsedInput, Output } from '../../../shared/contract';
import type { OrderHistoryEntry } from '../../../shared/schemas/order-history';
import type { Reservation } from '../../../shared/schemas/stock';
import { num, type Db } from '../util/db-helpers';

const SETTLED = ['fulfilled', 'released', 'expired'] as const;

type JoinedReservation = {
  id: string;
  sku: string;
  title: string;
  location_code: string;
  location_name: string;
  quantity: unknown;
  reference: string;
  status: string;
  channel: string | null;
  settled_by: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
};

/** Reservations joined with their product and location, ready to filter, order and page. */
function joined(db: Db) {
  return db('reservations as r')
    .join('products as p', 'p.id', 'r.product_id')
    .join('locations as l', 'l.id', 'r.location_id')
    .select('r.*', 'p.sku as sku', 'p.title as title', 'l.code as location_code', 'l.name as location_name');
}

function toReservation(row: JoinedReservation): Reservation {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    location: row.location_code,
    locationName: row.location_name,
    quantity: num(row.quantity),
    reference: row.reference,
    status: row.status as Reservation['status'],
    channel: (row.channel ?? null) as Reservation['channel'],
    settledBy: (row.settled_by ?? null) as Reservation['settledBy'],
    expiresAt: row.expires_at ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Reservations, newest first, optionally by status or SKU. */
export async function listReservations(db: Db, input: ParsedInput<'reservations.list'>): Promise<Output<'reservations.list'>> {
  let q = joined(db).orderBy('r.created_at', 'desc').limit(input.limit);
  if (input.status) q = q.where('r.status', input.status);
  if (input.sku) q = q.where('p.sku', input.sku);
  return { reservations: ((await q) as JoinedReservation[]).map(toReservation) };
}

/**
 * Settled orders, newest first. A reservation's `updated_at` is when it was settled, and an
 * order's lines settled together share it (one transaction), so a page is a number of such
 * moments: never a part of one, however many orders a moment holds (a group commit of channel
 * orders). Two statements, both along the (updated_at, status) index.
 */
export async function orderHistory(db: Db, input: ParsedInput<'orders.history'>): Promise<Output<'orders.history'>> {
  let moments = db('reservations').distinct('updated_at').whereIn('status', SETTLED).orderBy('updated_at', 'desc').limit(input.limit + 1);
  if (input.before) moments = moments.where('updated_at', '<', input.before);
  const times = ((await moments) as Array<{ updated_at: string }>).map((r) => r.updated_at);
  if (times.length === 0) return { orders: [], next: null };
  const page = times.slice(0, input.limit);
  const oldest = page[page.length - 1] as string;
  const rows = (await joined(db)
    .whereIn('r.status', SETTLED)
    .andWhere('r.updated_at', '>=', oldest)
    .andWhere('r.updated_at', '<=', page[0] as string)
    .orderBy([
      { column: 'r.updated_at', order: 'desc' },
      { column: 'r.reference', order: 'asc' },
      { column: 'r.status', order: 'asc' },
      { column: 'r.created_at', order: 'asc' },
      { column: 'r.id', order: 'asc' },
    ])) as JoinedReservation[];
  const orders: OrderHistoryEntry[] = [];
  let current: OrderHistoryEntry | undefined;
  for (const row of rows) {
    const line = toReservation(row);
    if (!current || current.settledAt !== line.updatedAt || current.reference !== line.reference || current.status !== line.status) {
      current = {
        reference: line.reference,
        channel: line.channel,
        status: line.status as OrderHistoryEntry['status'],
        settledAt: line.updatedAt,
        settledBy: line.settledBy,
        lines: [],
      };
      orders.push(current);
    }
    current.lines.push(line);
  }
  return { orders, next: times.length > input.limit ? oldest : null };
}
