import { z } from 'zod';
import { idempotencyKeySchema, locationCodeSchema, quantitySchema, skuSchema } from './common';

/** One row of a warehouse (3PL) count: what was on the shelf at `countedAt`. */
export const countRowSchema = z.strictObject({
  sku: skuSchema,
  location: locationCodeSchema,
  onHand: quantitySchema.refine((q) => q >= 0, { message: 'a counted quantity cannot be negative' }),
  countedAt: z.iso.datetime({ offset: true, message: 'countedAt must be an ISO 8601 date-time, e.g. 2026-11-26T08:00:00Z' }),
});

export const countBatchInput = z.strictObject({
  counts: z.array(countRowSchema).min(1, { message: 'send at least one count' }).max(10_000, { message: 'at most 10,000 counts per batch' }),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const COUNT_OUTCOMES = ['applied', 'unchanged', 'stale', 'refused'] as const;

export const countRowResultSchema = z.object({
  index: z.number(),
  sku: z.string(),
  location: z.string(),
  onHand: z.number(),
  countedAt: z.string(),
  /**
   * applied: recorded as a count movement; unchanged: matched the stock (recorded, no movement);
   * stale: older than (or as old as) the last count applied for this SKU and location;
   * refused: below the units reserved for orders (a count never overwrites committed stock).
   */
  outcome: z.enum(COUNT_OUTCOMES),
  message: z.string().nullable(),
  /** The change applied to on hand (0 unless applied). */
  delta: z.number(),
});

export const countBatchResultSchema = z.object({
  applied: z.number(),
  unchanged: z.number(),
  stale: z.number(),
  refused: z.number(),
  results: z.array(countRowResultSchema),
});

export type CountBatchResult = z.output<typeof countBatchResultSchema>;
export type CountRowResult = z.output<typeof countRowResultSchema>;
