import { z } from 'zod';
import { actorSchema } from './actor';
import { limitSchema, skuSchema } from './common';

export const CHANGE_TYPES = [
  'stock.changed',
  'reservation.changed',
  'product.created',
  'product.updated',
  /** A product that never had stock was deleted (payload: its fields); the publisher removes it. */
  'product.deleted',
  'location.created',
  'settings.updated',
  'order.changed',
  'order.exception',
  'availability.changed',
  'webhook.changed',
  /** A supplier was added, changed or removed. */
  'supplier.changed',
  /** A product's suppliers or reorder settings changed. */
  'replenishment.changed',
  /** A purchase order was drafted, edited, cancelled or closed (payload: from, to). */
  'purchase_order.changed',
  'purchase_order.ordered',
  /** One receipt against a purchase order (a PO received in three deliveries has three). */
  'purchase_order.received',
  /** A product's available plus incoming stock at a location fell to its reorder point (once per crossing). */
  'reorder.needed',
  /** A storefront token was made or revoked (payload: id, name, action; never the token). */
  'storefront_token.changed',
  /** The publisher wrote the publish folder (payload: seq, counts); the publisher ignores its own entries. */
  'published',
  /** Stock pushes reached a sales channel (payload: channel, pushed, calls, skus, upToSeq); one per round of up to 500 pushes, none when nothing was sent. */
  'channel.synced',
  /** A channel stopped answering, or pushes were parked (payload: channel, error, parked, skus). */
  'channel.failed',
  /** The database was replaced by a backup (payload: backup id, its sequence, the one before); followers should read everything again. */
  'backup.restored',
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
  /** Who made the change (a person, the API token, a sales channel, Stockfeed); null before Stockfeed recorded it. */
  actor: actorSchema.nullable(),
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
