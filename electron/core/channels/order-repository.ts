/**
 * Rows of the channel tables: the state of each channel order with its lines and reservations,
 * the deliveries already handled (for idempotency), and order exceptions.
 */
import { uuid7 } from '../util/uuid7';
import type { Channel, OrderException, OrderExceptionProblem } from '../../../shared/schemas/channels';
import type { Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import type { ChannelEvent, OrderLine } from './channel-events';

export type OrderState = 'reserved' | 'fulfilled' | 'cancelled' | 'refunded' | 'exception';

export type StoredLine = OrderLine & { reservationId: string | null; returned: number };

export type ChannelOrder = {
  id: string;
  channel: Channel;
  orderId: string;
  reference: string;
  state: OrderState;
  lines: StoredLine[];
};

export type ChannelOutcome = 'reserved' | 'fulfilled' | 'released' | 'returned' | 'recorded' | 'unchanged' | 'ignored' | 'exception';

/** What a channel endpoint answers, and what a redelivery gets back unchanged. */
export type ChannelResult = {
  channel: Channel;
  topic: string;
  orderId: string | null;
  reference: string | null;
  outcome: ChannelOutcome;
  state: OrderState | null;
  message: string;
  exceptionId: string | null;
  duplicate: boolean;
};

type OrderRow = { id: string; channel: string; order_id: string; reference: string; state: string; lines: string };

type ExceptionRow = {
  id: string;
  channel: string;
  order_id: string;
  reference: string;
  topic: string;
  message: string;
  problems: string;
  event: string;
  status: string;
  resolution: string | null;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
};

export async function findOrder(db: Db, channel: Channel, orderId: string): Promise<ChannelOrder | undefined> {
  const row = (await db('channel_orders').where({ channel, order_id: orderId }).first()) as OrderRow | undefined;
  if (!row) return undefined;
  return {
    id: row.id,
    channel: row.channel as Channel,
    orderId: row.order_id,
    reference: row.reference,
    state: row.state as OrderState,
    lines: JSON.parse(row.lines) as StoredLine[],
  };
}

export async function saveOrder(ctx: WriteContext, order: Omit<ChannelOrder, 'id'> & { id?: string }): Promise<ChannelOrder> {
  const lines = JSON.stringify(order.lines);
  if (order.id) {
    await ctx.trx('channel_orders').where({ id: order.id }).update({ state: order.state, lines, reference: order.reference, updated_at: ctx.now });
    return order as ChannelOrder;
  }
  const id = uuid7();
  await ctx.trx('channel_orders').insert({
    id,
    channel: order.channel,
    order_id: order.orderId,
    reference: order.reference,
    state: order.state,
    lines,
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  return { ...order, id };
}

export async function findDelivery(db: Db, channel: Channel, deliveryId: string): Promise<ChannelResult | undefined> {
  const row = (await db('channel_deliveries').where({ channel, delivery_id: deliveryId }).first()) as { result: string } | undefined;
  return row ? (JSON.parse(row.result) as ChannelResult) : undefined;
}

export async function saveDelivery(ctx: WriteContext, channel: Channel, deliveryId: string, topic: string, result: ChannelResult): Promise<void> {
  await ctx.trx('channel_deliveries').insert({
    channel,
    delivery_id: deliveryId.slice(0, 255),
    topic: topic.slice(0, 64),
    order_id: result.orderId,
    result: JSON.stringify(result),
    received_at: ctx.now,
  });
}

function toException(row: ExceptionRow): OrderException {
  return {
    id: row.id,
    channel: row.channel as Channel,
    orderId: row.order_id,
    reference: row.reference,
    topic: row.topic,
    message: row.message,
    problems: JSON.parse(row.problems) as OrderExceptionProblem[],
    status: row.status as OrderException['status'],
    resolution: row.resolution,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
  };
}

export async function listExceptions(db: Db, status: OrderException['status'] | undefined, limit: number): Promise<OrderException[]> {
  let q = db('order_exceptions').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
  if (status) q = q.where({ status });
  return ((await q) as ExceptionRow[]).map(toException);
}

export async function findException(db: Db, id: string): Promise<(OrderException & { event: ChannelEvent }) | undefined> {
  const row = (await db('order_exceptions').where({ id }).first()) as ExceptionRow | undefined;
  return row ? { ...toException(row), event: JSON.parse(row.event) as ChannelEvent } : undefined;
}

/** Opens an exception for the order, or refreshes the open one: one open exception per order. */
export async function openException(
  ctx: WriteContext,
  event: Extract<ChannelEvent, { kind: 'order' | 'refund' }>,
  message: string,
  problems: OrderExceptionProblem[],
): Promise<OrderException> {
  const open = (await ctx.trx('order_exceptions').where({ channel: event.channel, order_id: event.orderId, status: 'open' }).first()) as
    | ExceptionRow
    | undefined;
  const fields = {
    reference: event.reference,
    topic: event.topic.slice(0, 64),
    message,
    problems: JSON.stringify(problems),
    event: JSON.stringify(event),
    updated_at: ctx.now,
  };
  if (open) {
    await ctx.trx('order_exceptions').where({ id: open.id }).update(fields);
    return toException({ ...open, ...fields });
  }
  const row: ExceptionRow = {
    id: uuid7(),
    channel: event.channel,
    order_id: event.orderId,
    status: 'open',
    resolution: null,
    created_at: ctx.now,
    resolved_at: null,
    ...fields,
  };
  await ctx.trx('order_exceptions').insert(row);
  return toException(row);
}

/** Closes the order's open exceptions (the order applied after all, was cancelled, or a person dismissed it). */
export async function resolveExceptions(ctx: WriteContext, where: { channel: Channel; orderId: string } | { id: string }, resolution: string): Promise<string[]> {
  const q = ctx.trx('order_exceptions').where({ status: 'open' });
  if ('id' in where) q.where({ id: where.id });
  else q.where({ channel: where.channel, order_id: where.orderId });
  const ids = ((await q.clone().select('id')) as Array<{ id: string }>).map((r) => r.id);
  if (ids.length === 0) return [];
  await ctx.trx('order_exceptions')
    .whereIn('id', ids)
    .update({ status: 'resolved', resolution: resolution.slice(0, 500), resolved_at: ctx.now, updated_at: ctx.now });
  return ids;
}
