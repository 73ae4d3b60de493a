import { z } from 'zod';
import { skuSchema } from './common';
import { MOVEMENT_KINDS } from './stock';

const daysSchema = z.coerce
  .number({ error: 'days must be a number' })
  .int({ message: 'days must be a whole number' })
  .min(1, { message: 'days is at least 1' })
  .max(366, { message: 'days is at most 366' })
  .default(30);

export const statsOverviewInput = z.strictObject({});

/** Retail value of the stock on hand in one currency (there is no cost price: value at price). */
export const stockValueSchema = z.object({ currency: z.string(), value: z.string(), units: z.number() });

export const statsOverviewSchema = z.object({
  /** One entry per currency the active products are priced in, largest first. */
  stockValue: z.array(stockValueSchema),
  activeProducts: z.number(),
  /** Active products with something available, but no more than their buffer. */
  atOrBelowBuffer: z.number(),
  /**
   * Active products with something available that are low: at or below the reorder point at a
   * location that has one (available there, incoming not counted); without a reorder point, at most
   * LOW_STOCK_UNITS available; and, either way, at or below their buffer.
   */
  lowStock: z.number(),
  /** Active products with nothing available (on hand minus committed is zero or less). */
  outOfStock: z.number(),
  incomingUnits: z.number(),
  incomingProducts: z.number(),
  /** The change-log sequence these figures reflect. */
  seq: z.number(),
});

export const stockHistoryInput = z.strictObject({
  /** One product, or the whole shop when absent. */
  sku: skuSchema.optional(),
  days: daysSchema,
});

export const stockHistorySchema = z.object({
  sku: z.string().nullable(),
  /** On hand at the end of each day (UTC), oldest first; the last point is today so far. */
  points: z.array(z.object({ date: z.string(), onHand: z.number() })),
});

export const movementsPerDayInput = z.strictObject({ days: daysSchema });

export const movementsPerDaySchema = z.object({
  days: z.array(
    z.object({
      date: z.string(),
      /** Ledger rows that day (a transfer is two: out of one location, into another). */
      movements: z.number(),
      unitsIn: z.number(),
      unitsOut: z.number(),
      byKind: z.record(z.enum(MOVEMENT_KINDS), z.number()),
    }),
  ),
});

export type StatsOverview = z.output<typeof statsOverviewSchema>;
export type StockHistory = z.output<typeof stockHistorySchema>;
export type MovementsPerDay = z.output<typeof movementsPerDaySchema>;
