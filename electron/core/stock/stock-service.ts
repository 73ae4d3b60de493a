import type { ParsedInput, Output } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Movement, MovementKind, Reservation, ReservationStatus, StockFigures, StockSnapshot } from '../../../shared/schemas/stock';
import type { LocationDirectory } from '../locations/locations';
import { chunkValues, num, type Db } from '../util/db-helpers';
import type { WriteQueue } from '../write-queue';
import type { StockOp } from './stock-ops';

type LevelJoinRow = { location_id: string; on_hand: unknown; committed: unknown; incoming: unknown };

export const ZERO_STOCK: StockFigures = { onHand: 0, committed: 0, incoming: 0, available: 0 };

/** Stock reads, and stock writes funnelled through the write queue (the only path that writes stock). */
export class StockService {
  constructor(
    private readonly db: Db,
    private readonly queue: WriteQueue<StockOp, unknown>,
    private readonly locations: LocationDirectory,
  ) {}

  receive(input: ParsedInput<'stock.receive'>) {
    return this.queue.submit({ type: 'receive', input }) as Promise<Output<'stock.receive'>>;
  }
  adjust(input: ParsedInput<'stock.adjust'>) {
    return this.queue.submit({ type: 'adjust', input }) as Promise<Output<'stock.adjust'>>;
  }
  count(input: ParsedInput<'stock.count'>) {
    return this.queue.submit({ type: 'count', input }) as Promise<Output<'stock.count'>>;
  }
  transfer(input: ParsedInput<'stock.transfer'>) {
    return this.queue.submit({ type: 'transfer', input }) as Promise<Output<'stock.transfer'>>;
  }
  returnStock(input: ParsedInput<'stock.return'>) {
    return this.queue.submit({ type: 'return', input }) as Promise<Output<'stock.return'>>;
  }
  reserve(input: ParsedInput<'reservations.create'>) {
    return this.queue.submit({ type: 'reserve', input }) as Promise<Output<'reservations.create'>>;
  }
  fulfil(input: ParsedInput<'reservations.fulfil'>) {
    return this.queue.submit({ type: 'fulfil', input }) as Promise<Output<'reservations.fulfil'>>;
  }
  release(input: ParsedInput<'reservations.release'>) {
    return this.queue.submit({ type: 'release', input }) as Promise<Output<'reservations.release'>>;
  }

  /** Releases held reservations whose expiry has passed; returns how many expired. */
  async expireReservations(now = new Date()): Promise<number> {
    const due = (await this.db('reservations')
      .select('id')
      .where('status', 'held')
      .whereNotNull('expires_at')
      .andWhere('expires_at', '<=', now.toISOString())
      .limit(1000)) as Array<{ id: string }>;
    const results = await Promise.allSettled(due.map((r) => this.queue.submit({ type: 'expire', input: { id: r.id } })));
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  async get(sku: string): Promise<StockSnapshot> {
    const product = (await this.db('products').select('id').where({ sku }).first()) as { id: string } | undefined;
    if (!product) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
    const rows = (await this.db('stock_levels').where({ product_id: product.id })) as LevelJoinRow[];
    const byLocation = [];
    for (const row of rows) {
      const location = await this.locations.byIdOrLoad(this.db, row.location_id);
      const onHand = num(row.on_hand);
      const committed = num(row.committed);
      byLocation.push({ location: location?.code ?? row.location_id, onHand, committed, incoming: num(row.incoming), available: onHand - committed });
    }
    byLocation.sort((a, b) => (a.location < b.location ? -1 : 1));
    const onHand = byLocation.reduce((s, l) => s + l.onHand, 0);
    const committed = byLocation.reduce((s, l) => s + l.committed, 0);
    const incoming = byLocation.reduce((s, l) => s + l.incoming, 0);
    return { sku, onHand, committed, incoming, available: onHand - committed, byLocation };
  }

  /** Totals per product for a page of products: one grouped query, not one per product. */
  async totals(productIds: string[]): Promise<Map<string, StockFigures>> {
    const out = new Map<string, StockFigures>();
    for (const chunk of chunkValues(productIds)) {
      const rows = (await this.db('stock_levels')
        .select('product_id')
        .sum({ on_hand: 'on_hand', committed: 'committed', incoming: 'incoming' })
        .whereIn('product_id', chunk)
        .groupBy('product_id')) as Array<{ product_id: string; on_hand: unknown; committed: unknown; incoming: unknown }>;
      for (const r of rows) {
        const onHand = num(r.on_hand);
        const committed = num(r.committed);
        out.set(r.product_id, { onHand, committed, incoming: num(r.incoming), available: onHand - committed });
      }
    }
    return out;
  }

  async movements(input: ParsedInput<'movements.list'>): Promise<Output<'movements.list'>> {
    let q = this.db('movements as m')
      .join('products as p', 'p.id', 'm.product_id')
      .join('locations as l', 'l.id', 'm.location_id')
      .select('m.*', 'p.sku as sku', 'l.code as location_code')
      .orderBy([{ column: 'm.seq', order: 'desc' }, { column: 'm.id', order: 'asc' }])
      .limit(input.limit + 1);
    if (input.sku) q = q.where('p.sku', input.sku);
    if (input.before) q = q.where('m.seq', '<', input.before);
    const rows = (await q) as Array<Record<string, unknown>>;
    // A page never splits the movements of one change (a transfer has two): trim to a whole seq.
    let page = rows.slice(0, input.limit);
    let next: number | null = null;
    if (rows.length > input.limit) {
      const lastSeq = num(page[page.length - 1]?.seq);
      const firstBeyond = num(rows[input.limit]?.seq);
      if (lastSeq === firstBeyond) page = page.filter((r) => num(r.seq) !== lastSeq);
      next = page.length > 0 ? num(page[page.length - 1]?.seq) : lastSeq;
    }
    const movements: Movement[] = page.map((r) => ({
      id: r.id as string,
      seq: num(r.seq),
      sku: r.sku as string,
      location: r.location_code as string,
      quantity: num(r.quantity),
      kind: r.kind as MovementKind,
      reason: (r.reason as string | null) ?? null,
      reference: (r.reference as string | null) ?? null,
      reservationId: (r.reservation_id as string | null) ?? null,
      transferId: (r.transfer_id as string | null) ?? null,
      createdAt: r.created_at as string,
    }));
    return { movements, next };
  }

  async reservations(input: ParsedInput<'reservations.list'>): Promise<{ reservations: Reservation[] }> {
    let q = this.db('reservations as r')
      .join('products as p', 'p.id', 'r.product_id')
      .join('locations as l', 'l.id', 'r.location_id')
      .select('r.*', 'p.sku as sku', 'l.code as location_code')
      .orderBy('r.created_at', 'desc')
      .limit(input.limit);
    if (input.status) q = q.where('r.status', input.status);
    if (input.sku) q = q.where('p.sku', input.sku);
    const rows = (await q) as Array<Record<string, unknown>>;
    return {
      reservations: rows.map((r) => ({
        id: r.id as string,
        sku: r.sku as string,
        location: r.location_code as string,
        quantity: num(r.quantity),
        reference: r.reference as string,
        status: r.status as ReservationStatus,
        expiresAt: (r.expires_at as string | null) ?? null,
        createdAt: r.created_at as string,
        updatedAt: r.updated_at as string,
      })),
    };
  }
}
