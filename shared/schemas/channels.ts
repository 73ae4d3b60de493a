import { z } from 'zod';
import { QUANTITY_MAX } from '../domain/limits';
import { limitSchema, uuidSchema } from './common';

/**
 * Sales-channel webhook payloads, as Shopify and WooCommerce send them. Only the fields Stockfeed
 * reads are declared; everything else in the payload is ignored (both platforms add fields over
 * time). The shapes follow Shopify's Order and Refund webhook resources and WooCommerce's REST v3
 * order resource.
 */

export const CHANNELS = ['shopify', 'woocommerce'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The largest id Shopify (a signed 64-bit integer) or PostgreSQL's bigint can hold. */
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Channel ids are numbers in JSON, and Shopify's are 64-bit. The webhook body is parsed without
 * losing precision (parseWebhookBody): an id above 2^53 arrives as a bigint, a smaller one as a
 * number. Either way it is kept as a string from here on, so none is ever rounded.
 */
const channelId = z
  .union([
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    z.bigint().nonnegative().max(INT64_MAX, { message: `an id is a whole number up to ${INT64_MAX} (64 bits)` }),
    z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._:/#-]+$/, { message: 'an id is letters, digits and . _ : / # - only' }),
  ])
  .transform(String);
const lineQuantity = z.number().int().min(0).max(QUANTITY_MAX, { message: `quantity is at most ${QUANTITY_MAX}` });
/** A line's SKU as the shop sent it: missing or empty becomes an "unknown SKU" exception, not a 400. */
const lineSku = z.string().max(500).nullish().transform((s) => s ?? '');

export const shopifyLineItemSchema = z.object({
  id: channelId,
  sku: lineSku,
  quantity: lineQuantity,
  title: z.string().max(1000).nullish(),
});

export const shopifyOrderSchema = z.object({
  id: channelId,
  name: z.string().max(200).nullish(),
  order_number: z.union([z.number(), z.bigint(), z.string().max(64)]).nullish(),
  line_items: z.array(shopifyLineItemSchema).max(5000),
});

export const SHOPIFY_RESTOCK_TYPES = ['no_restock', 'cancel', 'return', 'legacy_restock'] as const;

export const shopifyRefundSchema = z.object({
  id: channelId,
  order_id: channelId,
  restock: z.boolean().nullish(),
  refund_line_items: z
    .array(
      z.object({
        id: channelId,
        line_item_id: channelId,
        quantity: lineQuantity,
        restock_type: z.string().max(40).nullish(),
        line_item: z.object({ sku: lineSku }).nullish(),
      }),
    )
    .max(5000),
});

export const WOO_STATUSES = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'trash',
  'checkout-draft',
  'draft',
] as const;

export const wooOrderSchema = z.object({
  id: channelId,
  number: z.union([z.string().max(200), z.number(), z.bigint()]).nullish(),
  status: z.string().max(40),
  line_items: z
    .array(
      z.object({
        id: channelId,
        sku: lineSku,
        quantity: lineQuantity,
        name: z.string().max(1000).nullish(),
      }),
    )
    .max(5000),
});

/** `order.deleted` carries only the id. */
export const wooDeletedSchema = z.object({ id: channelId });

// ---- order exceptions (contract) --------------------------------------------------------------

export const EXCEPTION_STATUSES = ['open', 'resolved'] as const;

export const orderExceptionProblemSchema = z.object({
  lineId: z.string(),
  sku: z.string(),
  quantity: z.number(),
  code: z.string(),
  message: z.string(),
});

export const orderExceptionSchema = z.object({
  id: uuidSchema,
  channel: z.enum(CHANNELS),
  orderId: z.string(),
  reference: z.string(),
  topic: z.string(),
  message: z.string(),
  problems: z.array(orderExceptionProblemSchema),
  status: z.enum(EXCEPTION_STATUSES),
  resolution: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export const orderExceptionListInput = z.strictObject({
  status: z.enum(EXCEPTION_STATUSES).optional(),
  limit: limitSchema(500, 100),
});

export const orderExceptionResolveInput = z.strictObject({
  id: uuidSchema,
  /** `retry` applies the order again (after receiving stock or creating the product); `dismiss` closes it. */
  action: z.enum(['retry', 'dismiss']),
  note: z.string().trim().max(500).optional(),
});

export type OrderException = z.output<typeof orderExceptionSchema>;
export type OrderExceptionProblem = z.output<typeof orderExceptionProblemSchema>;
