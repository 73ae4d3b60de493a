import type { ParsedInput, Output } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Movement, MovementKind, StockSummary } from '../../../shared/schemas/stock';
import { OPEN_PURCHASE_ORDER_STATUSES } from '../../../shared/schemas/purchase-orders';
import { listReservations, orderHistory } from './reservation-reads';
import { loadSummaries, summarise, type LevelFigures, type ProductFacts, type SummaryContext } from './stock-summary';
import type { LocationDirectory } from '../locations/locations';
import { num, type Db } from '../util/db-helpers';
import type { StockWriteQueue } from './stock-ops';
import { actorFromColumns, type Actor, type ActorColumns } from '../actor';

/**
 * Stock reads, and stock writes funnelled through the write queue (the only path that writes stock).
 * A write's `actor` is who it is recorded under; absent: the caller's `withActor` scope (actor.ts).
 */
export class StockService {
  constructor(
    private readonly db: Db,
    private readonly queue: StockWriteQueue,
    private readonly locations: LocationDirectory,
    private readonly summaryContext: SummaryContext,
  ) {}

  receive(input: ParsedInput<'stock.receive'>, actor?: Actor): Promise<Output<'stock.receive'>> {
    return this.queue.submit({ op: 'stock.receive', input }, actor);
  }
  adjust(input: ParsedInput<'stock.adjust'>, actor?: Actor): Promise<Output<'stock.adjust'>> {
    return this.queue.submit({ op: 'stock.adjust', input }, actor);
  }
  count(input: ParsedInput<'stock.count'>, actor?: Actor): Promise<Output<'stock.count'>> {
    return this.queue.submit({ op: 'stock.count', input }, actor);
  }
  transfer(input: ParsedInput<'stock.transfer'>, actor?: Actor): Promise<Output<'stock.transfer'>> {
    return this.queue.submit({ op: 'stock.transfer', input }, actor);
  }
  sell(input: ParsedInput<'stock.sell'>, actor?: Actor): Promise<Output<'stock.sell'>> {
    return this.queue.submit({ op: 'stock.sell', input }, actor);
  }
  returnStock(input: ParsedInput<'stock.return'>, actor?: Actor): Promise<Output<'stock.return'>> {
    return this.queue.submit({ op: 'stock.return', input }, actor);
  }
  reserve(input: ParsedInput<'reservations.create'>, actor?: Actor): Promise<Output<'reservations.create'>> {
    return this.queue.submit({ op: 'reservations.create', input }, actor);
  }
  fulfil(input: ParsedInput<'reservations.fulfil'>, actor?: Actor): Promise<Output<'reservations.fulfil'>> {
    return this.queue.submit({ op: 'reservations.fulfil', input }, actor);
  }
  release(input: ParsedInput<'reservations.release'>, actor?: Actor): Promise<Output<'reservations.release'>> {
    return this.queue.submit({ op: 'reservations.release', input }, actor);
  }

  /** Releases held reservations whose expiry has passed; returns how many expired. */
  async expireReservations(now = new Date()): Promise<number> {
    const due = (await this.db('reservations')
      .select('id')
      .where('status', 'held')
      .whereNotNull('expires_at')
      .andWhere('expires_at', '<=', now.toISOString())
      .limit(1000)) as Array<{ id: string }>;
    const results = await Promise.allSettled(due.map((r) => this.queue.submit({ op: 'reservations.expire', input: { id: r.id } })));
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  async get(sku: string): Promise<Output<'stock.get'>> {
    const product = (await this.db('products').select('id', 'status', 'allow_backorder', 'preorder_date', 'buffer_stock').where({ sku }).first()) as
      | ProductFacts
      | undefined;
    if (!product) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
    const rows = (await this.db('stock_levels').where({ product_id: product.id })) as LevelFigures[];
    const levels = rows.map((r) => ({ location_id: r.location_id, on_hand: num(r.on_hand), committed: num(r.committed), incoming: num(r.incoming) }));
    const byLocation = [];
    for (const level of levels) {
      const location = await this.locations.byIdOrLoad(this.db, level.location_id);
      byLocation.push({
        location: location?.code ?? level.location_id,
        onHand: level.on_hand,
        committed: level.committed,
        incoming: level.incoming,
        available: level.on_hand - level.committed,
      });
    }
    byLocation.sort((a, b) => (a.location < b.location ? -1 : 1));
    return { sku, ...summarise(product, levels, this.summaryContext), byLocation, incomingByDate: await this.incomingByDate(product.id) };
  }

  /** The product's open purchase-order quantities by expected date (undated last), then by PO number. */
  private async incomingByDate(productId: string): Promise<Output<'stock.get'>['incomingByDate']> {
    const rows = (await this.db('purchase_order_lines as l')
      .join('purchase_orders as o', 'o.id', 'l.purchase_order_id')
      .join('locations as loc', 'loc.id', 'o.location_id')
      .select('l.expected_date', 'l.quantity', 'l.received', 'o.number', 'loc.code')
      .where('l.product_id', productId)
      .whereIn('o.status', [...OPEN_PURCHASE_ORDER_STATUSES])
      .andWhereRaw('l.received < l.quantity')) as Array<{ expected_date: string | null; quantity: unknown; received: unknown; number: string; code: string }>;
    return rows
      .map((r) => ({ date: r.expected_date, location: r.code, quantity: num(r.quantity) - num(r.received), purchaseOrder: r.number }))
      .sort((a, b) => (a.date ?? '9999').localeCompare(b.date ?? '9999') || a.purchaseOrder.localeCompare(b.purchaseOrder));
  }

  /** Stock summaries for a page of products (one query), read through `db` (a transaction when inside one). */
  summaries(products: ProductFacts[], db: Db = this.db): Promise<Map<string, StockSummary>> {
    return loadSummaries(db, products, this.summaryContext);
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
      actor: actorFromColumns(r as ActorColumns),
      createdAt: r.created_at as string,
    }));
    return { movements, next };
  }

  reservations(input: ParsedInput<'reservations.list'>): Promise<Output<'reservations.list'>> {
    return listReservations(this.db, input);
  }

  undoFulfil(input: ParsedInput<'reservations.undoFulfil'>, actor?: Actor): Promise<Output<'reservations.undoFulfil'>> {
    return this.queue.submit({ op: 'reservations.undoFulfil', input }, actor);
  }

  history(input: ParsedInput<'orders.history'>): Promise<Output<'orders.history'>> {
    return orderHistory(this.db, input);
  }
}
