/**
 * Orders from sales channels. Each webhook becomes a normalised event (channel-events.ts) applied
 * by one state machine per order:
 *
 *   none/exception --reserved--> reserved --fulfilled--> fulfilled --refunded--> refunded
 *         |                        |  \--cancelled/refunded (release)--> cancelled/refunded
 *         \--fulfilled (reserve and fulfil in one transaction); cancelled/refunded (recorded)
 *
 * A delivery is applied at most once (the channel's delivery id), a repeated state changes
 * nothing, and an order's stock operations are all-or-nothing: when one line cannot be applied
 * (unknown SKU, not enough available), the transaction rolls back and an order exception is
 * recorded instead, in a second transaction.
 */
import { AppError } from '../../../shared/errors';
import type { OrderException } from '../../../shared/schemas/channels';
import type { ParsedInput } from '../../../shared/contract';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter, WriteContext } from '../write-queue';
import type { ChannelEvent } from './channel-events';
import {
  findDelivery,
  findException,
  findOrder,
  listExceptions,
  openException,
  resolveExceptions,
  saveDelivery,
  saveOrder,
  type ChannelOrder,
  type ChannelOutcome,
  type ChannelResult,
  type OrderState,
  type StoredLine,
} from './order-repository';
import { OrderRejected, type OrderContext, type OrderStock } from './order-stock';

type OrderEvent = Extract<ChannelEvent, { kind: 'order' }>;
type RefundEvent = Extract<ChannelEvent, { kind: 'refund' }>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** At most this many deliveries share one transaction. */
const MAX_GROUP = 64;

type Waiting = {
  event: ChannelEvent;
  deliveryId: string | null;
  resolvedBy: string;
  resolve(result: ChannelResult): void;
  reject(error: unknown): void;
};

export class OrderService {
  private waiting: Waiting[] = [];
  private flushQueued = false;

  constructor(
    private readonly db: Db,
    private readonly queue: ExclusiveWriter,
    private readonly stock: OrderStock,
  ) {}

  /**
   * Applies one webhook delivery; `deliveryId` (the channel's) makes a redelivery a no-op.
   * Deliveries that arrive while a write is in flight share the next transaction (group commit).
   */
  receive(event: ChannelEvent, deliveryId: string | null, resolvedBy: string = event.topic): Promise<ChannelResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ event, deliveryId, resolvedBy, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        void this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    let items: Waiting[] = [];
    const take = () => {
      items = this.waiting.splice(0, MAX_GROUP);
      this.flushQueued = this.waiting.length > 0;
      if (this.flushQueued) void this.flush();
    };
    let results: ChannelResult[];
    try {
      results = await this.queue.exclusive(async (ctx) => {
        // Everything that arrived while this job waited for its turn shares its transaction.
        take();
        const out: ChannelResult[] = [];
        for (const item of items) out.push(await this.applyInGroup(ctx, item));
        return out;
      });
    } catch {
      if (items.length === 0) take();
      // One order could only be undone by a rollback (or the database failed): apply each alone.
      for (const item of items) this.applyAlone(item).then(item.resolve, item.reject);
      return;
    }
    items.forEach((item, i) => item.resolve(results[i] as ChannelResult));
  }

  private async applyInGroup(ctx: WriteContext, item: Waiting): Promise<ChannelResult> {
    const { event, deliveryId, resolvedBy } = item;
    try {
      return await this.applyOnce({ ...ctx, group: true, wrote: false }, event, deliveryId, resolvedBy);
    } catch (error) {
      // Refused before anything of it was written: the exception joins the group's transaction.
      if (error instanceof OrderRejected && event.kind !== 'ignore') return this.reject(ctx, event, deliveryId, error);
      throw error;
    }
  }

  private async applyAlone({ event, deliveryId, resolvedBy }: Waiting): Promise<ChannelResult> {
    try {
      return await this.queue.exclusive((ctx) => this.applyOnce({ ...ctx, group: false, wrote: false }, event, deliveryId, resolvedBy));
    } catch (error) {
      if (!(error instanceof OrderRejected) || event.kind === 'ignore') throw error;
      return this.queue.exclusive((ctx) => this.reject(ctx, event, deliveryId, error));
    }
  }

  async exceptions(input: ParsedInput<'orders.exceptions'>): Promise<{ exceptions: OrderException[] }> {
    return { exceptions: await listExceptions(this.db, input.status, input.limit) };
  }

  /** `retry` applies the stored order again (after stock arrived or the product was created); `dismiss` closes it. */
  async resolve(input: ParsedInput<'orders.exceptions.resolve'>): Promise<OrderException> {
    const found = await findException(this.db, input.id);
    if (!found) throw new AppError('not_found', `No order exception with id ${input.id}`, { field: 'id' });
    if (found.status !== 'open') throw new AppError('conflict', `Order exception ${input.id} is already resolved (${found.resolution ?? ''})`, { id: input.id });
    if (input.action === 'retry') {
      const result = await this.receive(found.event, null, input.note ? `retried (${input.note})` : 'retried');
      if (result.outcome === 'exception') {
        const again = await findException(this.db, input.id);
        throw new AppError('conflict', `${found.reference} still cannot be applied: ${result.message}`, { problems: again?.problems ?? [] });
      }
      await this.queue.exclusive((ctx) => this.close(ctx, found, input.note ? `retried: ${input.note}` : `retried: ${result.message}`));
    } else {
      await this.queue.exclusive((ctx) => this.close(ctx, found, input.note ? `dismissed: ${input.note}` : 'dismissed'));
    }
    return (await findException(this.db, input.id)) as OrderException;
  }

  private async close(ctx: WriteContext, exception: OrderException, resolution: string): Promise<void> {
    const closed = await resolveExceptions(ctx, { id: exception.id }, resolution);
    if (closed.length === 0) return;
    await ctx.append([
      {
        type: 'order.exception',
        productId: null,
        sku: null,
        payload: { exceptionId: exception.id, channel: exception.channel, orderId: exception.orderId, reference: exception.reference, status: 'resolved', resolution },
      },
    ]);
  }

  private async applyOnce(ctx: OrderContext, event: ChannelEvent, deliveryId: string | null, resolvedBy: string): Promise<ChannelResult> {
    if (deliveryId) {
      const seen = await findDelivery(ctx.trx, event.channel, deliveryId);
      if (seen) return { ...seen, duplicate: true };
    }
    const result =
      event.kind === 'ignore'
        ? this.result(event, null, 'ignored', null, event.reason)
        : event.kind === 'order'
          ? await this.transition(ctx, event)
          : await this.refund(ctx, event);
    if (event.kind !== 'ignore' && result.outcome !== 'unchanged' && result.outcome !== 'ignored') {
      const resolved = await resolveExceptions(ctx, { channel: event.channel, orderId: event.orderId }, `${resolvedBy}: ${result.message}`);
      const changes = resolved.map((exceptionId) => ({
        type: 'order.exception' as const,
        productId: null,
        sku: null,
        payload: { exceptionId, channel: event.channel, orderId: event.orderId, reference: result.reference, status: 'resolved' },
      }));
      await ctx.append([
        ...changes,
        {
          type: 'order.changed',
          productId: null,
          sku: null,
          payload: { channel: event.channel, orderId: event.orderId, reference: result.reference, state: result.state, outcome: result.outcome, topic: event.topic },
        },
      ]);
    }
    if (deliveryId) await saveDelivery(ctx, event.channel, deliveryId, event.topic, result);
    return result;
  }

  private async reject(
    ctx: WriteContext,
    event: OrderEvent | RefundEvent,
    deliveryId: string | null,
    rejection: OrderRejected,
  ): Promise<ChannelResult> {
    if (deliveryId) {
      const seen = await findDelivery(ctx.trx, event.channel, deliveryId);
      if (seen) return { ...seen, duplicate: true };
    }
    const exception = await openException(ctx, event, rejection.message, rejection.problems);
    let order = await findOrder(ctx.trx, event.channel, event.orderId);
    if (!order) {
      const lines = event.lines.map((l) => ({ ...l, reservationId: null, returned: 0 }));
      order = await saveOrder(ctx, { channel: event.channel, orderId: event.orderId, reference: event.reference, state: 'exception', lines });
    }
    await ctx.append([
      {
        type: 'order.exception',
        productId: null,
        sku: null,
        payload: {
          exceptionId: exception.id,
          channel: event.channel,
          orderId: event.orderId,
          reference: order.reference,
          status: 'open',
          message: rejection.message,
          problems: rejection.problems,
        },
      },
    ]);
    const result = { ...this.result(event, order, 'exception', order.state, rejection.message), exceptionId: exception.id };
    if (deliveryId) await saveDelivery(ctx, event.channel, deliveryId, event.topic, result);
    return result;
  }

  private result(event: ChannelEvent, order: ChannelOrder | null | undefined, outcome: ChannelOutcome, state: OrderState | null, message: string): ChannelResult {
    return {
      channel: event.channel,
      topic: event.topic,
      orderId: event.orderId,
      reference: order?.reference ?? (event.kind === 'ignore' ? null : event.reference),
      outcome,
      state,
      message,
      exceptionId: null,
      duplicate: false,
    };
  }

  private async save(ctx: WriteContext, event: OrderEvent | RefundEvent, order: ChannelOrder | undefined, state: OrderState, lines: StoredLine[]) {
    const reference = order?.reference ?? event.reference;
    if (order) return saveOrder(ctx, { ...order, state, lines });
    return saveOrder(ctx, { channel: event.channel, orderId: event.orderId, reference, state, lines });
  }

  private async transition(ctx: OrderContext, event: OrderEvent): Promise<ChannelResult> {
    const order = await findOrder(ctx.trx, event.channel, event.orderId);
    const state = order?.state ?? null;
    const open = state === null || state === 'exception';
    const keyBase = `${event.channel}:${event.orderId}`;
    const reference = order?.reference ?? event.reference;
    const unchanged = (why: string) => this.result(event, order, 'unchanged', state, why);
    const done = async (next: OrderState, lines: StoredLine[], outcome: ChannelOutcome, message: string) => {
      const saved = await this.save(ctx, event, order, next, lines);
      return this.result(event, saved, outcome, next, message);
    };
    const held = (lines: StoredLine[]) => lines.filter((l) => l.reservationId).length;

    switch (event.target) {
      case 'reserved': {
        if (!open) return unchanged(`${reference} is already ${state}`);
        const lines = await this.stock.reserve(ctx, keyBase, reference, event.lines);
        return done('reserved', lines, 'reserved', `Reserved ${plural(held(lines), 'line')} of ${reference}`);
      }
      case 'fulfilled': {
        if (open) {
          const lines = await this.stock.reserve(ctx, keyBase, reference, event.lines);
          await this.stock.settle(ctx, 'fulfil', keyBase, lines);
          return done('fulfilled', lines, 'fulfilled', `Reserved and shipped ${plural(held(lines), 'line')} of ${reference}`);
        }
        if (state !== 'reserved') return unchanged(`${reference} is already ${state}`);
        const lines = (order as ChannelOrder).lines;
        await this.stock.settle(ctx, 'fulfil', keyBase, lines);
        return done('fulfilled', lines, 'fulfilled', `Shipped ${plural(held(lines), 'line')} of ${reference}`);
      }
      case 'cancelled':
      case 'refunded': {
        const next = event.target;
        if (state === 'reserved') {
          const lines = (order as ChannelOrder).lines;
          await this.stock.settle(ctx, 'release', keyBase, lines);
          return done(next, lines, 'released', `Released ${plural(held(lines), 'reservation')} of ${reference}`);
        }
        if (open) {
          const lines = (order?.lines ?? event.lines.map((l) => ({ ...l, reservationId: null, returned: 0 }))).map((l) => ({ ...l, reservationId: null }));
          return done(next, lines, 'recorded', `${reference} is ${next}; Stockfeed held no stock for it`);
        }
        if (next === 'refunded' && state === 'fulfilled') {
          const lines = (order as ChannelOrder).lines.map((l) => ({ ...l, restock: Math.max(0, l.quantity - l.returned) }));
          await this.stock.returnStock(ctx, `${keyBase}:refunded`, reference, lines);
          const total = lines.reduce((n, l) => n + l.restock, 0);
          return done('refunded', lines.map(({ restock: _r, ...l }) => ({ ...l, returned: l.quantity })), 'returned', `Returned ${plural(total, 'unit')} of ${reference} to stock`);
        }
        return unchanged(
          state === 'fulfilled'
            ? `${reference} has already shipped; cancelling it returns no stock (a refund with restock does)`
            : `${reference} is already ${state}`,
        );
      }
    }
  }

  private async refund(ctx: OrderContext, event: RefundEvent): Promise<ChannelResult> {
    const order = await findOrder(ctx.trx, event.channel, event.orderId);
    const state = order?.state ?? null;
    const marker = `refund:${event.refundId}`;
    if (await findDelivery(ctx.trx, event.channel, marker)) return this.result(event, order, 'unchanged', state, `Refund ${event.refundId} was already applied`);
    const finish = async (result: ChannelResult) => {
      await saveDelivery(ctx, event.channel, marker, event.topic, result);
      return result;
    };
    if (event.lines.length === 0) return finish(this.result(event, order, 'recorded', state, `Refund ${event.refundId} restocks nothing`));
    if (!order || (state !== 'reserved' && state !== 'fulfilled' && state !== 'refunded')) {
      return finish(this.result(event, order, 'recorded', state, `Stockfeed holds no stock for ${order?.reference ?? event.reference}; refund ${event.refundId} restocks nothing`));
    }
    const byId = new Map(order.lines.map((l) => [l.lineId, l]));
    const missing = event.lines.filter((l) => !byId.has(l.lineId));
    if (missing.length > 0) {
      const problems = missing.map((l) => ({
        lineId: l.lineId,
        sku: l.sku,
        quantity: l.quantity,
        code: 'unknown_line',
        message: `Refund ${event.refundId} restocks line ${l.lineId}, which is not a line of ${order.reference}`,
      }));
      throw new OrderRejected(`${(problems[0] as { message: string }).message}; nothing of the refund was applied`, problems);
    }
    const keyBase = `${event.channel}:${event.orderId}:refund:${event.refundId}`;
    if (state === 'reserved') {
      // Units removed from an unshipped order: release the line's reservation and hold the rest again.
      const touched = event.lines.map((r) => ({ line: byId.get(r.lineId) as StoredLine, remove: r.quantity }));
      await this.stock.settle(ctx, 'release', keyBase, touched.map((t) => t.line));
      const remaining = touched.map((t) => ({ lineId: t.line.lineId, sku: t.line.sku, quantity: Math.max(0, t.line.quantity - t.remove) }));
      const again = new Map((await this.stock.reserve(ctx, keyBase, order.reference, remaining)).map((l) => [l.lineId, l]));
      const lines = order.lines.map((l) => again.get(l.lineId) ?? l);
      const saved = await saveOrder(ctx, { ...order, lines });
      return finish(this.result(event, saved, 'released', 'reserved', `Refund ${event.refundId}: released ${plural(touched.length, 'line')} of ${order.reference}`));
    }
    const restock = event.lines.map((r) => ({ ...(byId.get(r.lineId) as StoredLine), restock: r.quantity }));
    await this.stock.returnStock(ctx, keyBase, order.reference, restock);
    const added = new Map(event.lines.map((r) => [r.lineId, r.quantity]));
    const lines = order.lines.map((l) => ({ ...l, returned: l.returned + (added.get(l.lineId) ?? 0) }));
    const saved = await saveOrder(ctx, { ...order, lines });
    const total = event.lines.reduce((n, l) => n + l.quantity, 0);
    return finish(this.result(event, saved, 'returned', state, `Refund ${event.refundId}: returned ${plural(total, 'unit')} of ${order.reference} to stock`));
  }
}
