/**
 * Turns Shopify and WooCommerce webhook payloads into one normalised event: which order, which
 * lines, and the state the channel says the order is now in. The order service only ever sees
 * these events, so both channels share one state machine.
 */
import { isInteger, isSafeNumber, parse as parseLosslessJson } from 'lossless-json';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import {
  shopifyOrderSchema,
  shopifyRefundSchema,
  wooDeletedSchema,
  wooOrderSchema,
  type Channel,
} from '../../../shared/schemas/channels';
import { CHANNEL_LABEL, channelOrderReference } from '../../../shared/domain/order-reference';
import { fieldIssues } from '../../../shared/validation';

export type OrderLine = { lineId: string; sku: string; quantity: number };

/** The state a channel reports; `ignore` is a valid delivery Stockfeed has nothing to do for. */
export type OrderTarget = 'reserved' | 'fulfilled' | 'cancelled' | 'refunded';

export type ChannelEvent =
  | { kind: 'order'; channel: Channel; topic: string; orderId: string; reference: string; target: OrderTarget; lines: OrderLine[] }
  | { kind: 'refund'; channel: Channel; topic: string; orderId: string; reference: string; refundId: string; lines: OrderLine[] }
  | { kind: 'ignore'; channel: Channel; topic: string; orderId: string | null; reason: string };

/**
 * An integer JSON.parse would round (Shopify's ids are 64-bit: its sample order id is
 * 820982911946154508) becomes a bigint with every digit; every other number is a number, as the
 * payload schemas expect. The schemas take a bigint only for an id, which is a string from there on.
 */
function parseNumber(text: string): unknown {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** Parses a signed webhook body without losing integer precision; 400 when it is not JSON. */
export function parseWebhookBody(raw: Buffer): unknown {
  try {
    return parseLosslessJson(raw.toString('utf8'), null, parseNumber);
  } catch (error) {
    throw new AppError('bad_request', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

export { CHANNEL_LABEL };

/** A malformed payload is 400 with every bad field named (not 422: the channel, not a person, sent it). */
function parsePayload<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  const first = issues[0] as { path: string; message: string };
  throw new AppError('bad_request', `The ${what} payload is malformed: ${first.path}: ${first.message}`, { issues });
}

const SHOPIFY_ORDER_TOPICS: Record<string, OrderTarget> = {
  'orders/create': 'reserved',
  'orders/paid': 'fulfilled',
  'orders/fulfilled': 'fulfilled',
  'orders/cancelled': 'cancelled',
};

/** Refund lines whose units go back on the shelf (Shopify's `restock_type`, or the legacy `restock` flag). */
const RESTOCKING = new Set(['return', 'cancel', 'legacy_restock']);

export function shopifyEvent(topic: string, body: unknown): ChannelEvent {
  const target = SHOPIFY_ORDER_TOPICS[topic];
  if (target) {
    const order = parsePayload(shopifyOrderSchema, body, 'Shopify order');
    return {
      kind: 'order',
      channel: 'shopify',
      topic,
      orderId: order.id,
      reference: channelOrderReference('shopify', order.name ?? order.order_number ?? order.id),
      target,
      lines: order.line_items.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.quantity })),
    };
  }
  if (topic === 'refunds/create') {
    const refund = parsePayload(shopifyRefundSchema, body, 'Shopify refund');
    const lines = refund.refund_line_items
      .filter((l) => (l.restock_type ? RESTOCKING.has(l.restock_type) : refund.restock === true))
      .map((l) => ({ lineId: l.line_item_id, sku: l.line_item?.sku ?? '', quantity: l.quantity }));
    return {
      kind: 'refund',
      channel: 'shopify',
      topic,
      orderId: refund.order_id,
      reference: `Shopify order ${refund.order_id}`,
      refundId: refund.id,
      lines,
    };
  }
  return { kind: 'ignore', channel: 'shopify', topic, orderId: null, reason: `Stockfeed does not act on the Shopify topic "${topic}"` };
}

const WOO_TARGETS: Record<string, OrderTarget> = {
  pending: 'reserved',
  'on-hold': 'reserved',
  processing: 'reserved',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  failed: 'cancelled',
  refunded: 'refunded',
};

export function wooEvent(topic: string, body: unknown): ChannelEvent {
  if (topic === 'order.deleted') {
    const { id } = parsePayload(wooDeletedSchema, body, 'WooCommerce order');
    return { kind: 'order', channel: 'woocommerce', topic, orderId: id, reference: channelOrderReference('woocommerce', id), target: 'cancelled', lines: [] };
  }
  if (topic === 'order.created' || topic === 'order.updated' || topic === 'order.restored') {
    const order = parsePayload(wooOrderSchema, body, 'WooCommerce order');
    const target = WOO_TARGETS[order.status];
    if (!target) {
      return {
        kind: 'ignore',
        channel: 'woocommerce',
        topic,
        orderId: order.id,
        reason: `WooCommerce order status "${order.status}" holds no stock (drafts and trashed orders are ignored)`,
      };
    }
    return {
      kind: 'order',
      channel: 'woocommerce',
      topic,
      orderId: order.id,
      reference: channelOrderReference('woocommerce', order.number ?? order.id),
      target,
      lines: order.line_items.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.quantity })),
    };
  }
  return { kind: 'ignore', channel: 'woocommerce', topic, orderId: null, reason: `Stockfeed does not act on the WooCommerce topic "${topic}"` };
}
