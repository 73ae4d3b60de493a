import { z } from 'zod';
import { limitSchema, skuSchema } from './common';

export const CHANGE_TYPES = [
  'stock.changed',
  'reservation.changed',
  'product.created',
  'product.updated',
  'location.created',
  'settings.updated',
  'order.changed',
  'order.exception',
  'availability.changed',
  'webhook.changed',
  /** A storefront token was made or revoked (payload: id, name, action; never the token). */
  'storefront_token.changed',
  /** The publisher wrote the publish folder (payload: seq, counts); the publisher ignores its own entries. */
  'published',
] as const;

export const changesInput = z.strictObject({
  since: z.coerce.number({ error: 'since must be a sequence number' }).int().min(0).default(0),
  limit: limitSchema(1000, 100),
  type: z.enum(CHANGE_TYPES).optional(),
  sku: skuSchema.optional(),
});

export const changeSchema = z.object({
  seq: z.number(),
  type: z.enum(CHANGE_TYPES),
  sku: z.string().nullable(),
  productId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export const changePageSchema = z.object({
  changes: z.array(changeSchema),
  /** Pass as `since` next time; equals `since` when there was nothing new. */
  next: z.number(),
});

/** The newest sequence number in the log (0 when empty): where a follower starts. */
export const changeHeadSchema = z.object({ seq: z.number() });

export type Change = z.output<typeof changeSchema>;
export type ChangeType = (typeof CHANGE_TYPES)[number];
