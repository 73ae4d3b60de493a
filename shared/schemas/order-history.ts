import { z } from 'zod';
import { CHANNELS } from './channels';
import { limitSchema, timestampSchema } from './common';
import { reservationSchema, SETTLED_BY } from './stock';

/** How an order left the held list. */
export const ORDER_SETTLEMENTS = ['fulfilled', 'released', 'expired'] as const;

export const orderHistoryInput = z.strictObject({
  limit: limitSchema(100, 20),
  /**
   * Orders settled before this instant: the `next` of the page before. Normalised to the stored
   * form (UTC, milliseconds), so that `…T12:00:00Z` and `…T12:00:00.000Z` page alike.
   */
  before: z.iso
    .datetime({ offset: true, message: 'before must be an ISO 8601 date-time, such as the `next` of the page before' })
    .transform((value) => new Date(value).toISOString())
    .optional(),
});

/**
 * One order as it was settled: the lines of one reference that were fulfilled, released or
 * expired at the same moment. Lines of one order settled at different times (shipped one by one)
 * are separate entries, each with its own time.
 */
export const orderHistoryEntrySchema = z.object({
  reference: z.string(),
  channel: z.enum(CHANNELS).nullable(),
  status: z.enum(ORDER_SETTLEMENTS),
  settledAt: timestampSchema,
  settledBy: z.enum(SETTLED_BY).nullable(),
  lines: z.array(reservationSchema),
});

export const orderHistoryPageSchema = z.object({
  orders: z.array(orderHistoryEntrySchema),
  /** Pass as `before` for older orders; null when there are none. */
  next: z.string().nullable(),
});

export type OrderHistoryEntry = z.output<typeof orderHistoryEntrySchema>;
export type OrderHistoryPage = z.output<typeof orderHistoryPageSchema>;
export type OrderSettlement = (typeof ORDER_SETTLEMENTS)[number];
