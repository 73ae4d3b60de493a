import { z } from 'zod';
import { AVAILABILITIES } from '../domain/availability';
import {
  idempotencyKeySchema,
  limitSchema,
  locationCodeSchema,
  quantitySchema,
  skuSchema,
  timestampSchema,
  uuidSchema,
} from './common';

export const MOVEMENT_KINDS = ['receive', 'sale', 'adjust', 'count', 'transfer', 'return'] as const;
export const RESERVATION_STATUSES = ['held', 'fulfilled', 'released', 'expired'] as const;

const positive = quantitySchema.refine((q) => q > 0, { message: 'quantity must be greater than 0' });
const reason = z.string().trim().max(500);
const reference = z.string().trim().max(200);

const writeBase = {
  sku: skuSchema,
  location: locationCodeSchema.optional(),
  reason: reason.optional(),
  reference: reference.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
};

export const receiveInput = z.strictObject({ ...writeBase, quantity: positive });
export const returnInput = z.strictObject({ ...writeBase, quantity: positive });
export const adjustInput = z.strictObject({
  ...writeBase,
  quantity: quantitySchema.refine((q) => q !== 0, { message: 'an adjustment of 0 changes nothing' }),
  reason: reason.min(1, { message: 'an adjustment needs a reason (damaged, lost, found, …)' }),
});
/** A stocktake: `quantity` is the counted figure; the ledger records the difference. */
export const countInput = z.strictObject({
  ...writeBase,
  quantity: quantitySchema.refine((q) => q >= 0, { message: 'a counted quantity cannot be negative' }),
});
/** An in-store sale: units leave on hand at the location, as a `sale` movement. */
export const sellInput = z.strictObject({ ...writeBase, quantity: positive });
export const transferInput = z.strictObject({ ...writeBase, quantity: positive, toLocation: locationCodeSchema });

export const reserveInput = z.strictObject({
  sku: skuSchema,
  location: locationCodeSchema.optional(),
  quantity: positive,
  reference: reference.min(1, { message: 'a reservation needs a reference (an order number)' }),
  expiresAt: z.iso.datetime({ offset: true, message: 'expiresAt must be an ISO 8601 date-time' }).optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const reservationActionInput = z.strictObject({
  id: uuidSchema,
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const stockGetInput = z.strictObject({ sku: skuSchema });

export const reservationListInput = z.strictObject({
  status: z.enum(RESERVATION_STATUSES).optional(),
  sku: skuSchema.optional(),
  limit: limitSchema(500, 100),
});

export const movementListInput = z.strictObject({
  sku: skuSchema.optional(),
  limit: limitSchema(500, 50),
  /** Movements recorded before this change-log sequence (paging backwards through history). */
  before: z.coerce.number().int().min(1).optional(),
});

export const stockFiguresSchema = z.object({
  onHand: z.number(),
  committed: z.number(),
  incoming: z.number(),
  available: z.number(),
});

/** Totals plus the availability every host shows (shared/domain/availability.ts decides it). */
export const stockSummarySchema = stockFiguresSchema.extend({
  availability: z.enum(AVAILABILITIES),
  /** Merchant availability_date for preorder and backorder; null otherwise. */
  availabilityDate: z.string().nullable(),
});

export const stockTotalsSchema = stockSummarySchema;

export const locationStockSchema = stockFiguresSchema.extend({ location: z.string() });

export const stockSnapshotSchema = stockSummarySchema.extend({
  sku: z.string(),
  byLocation: z.array(locationStockSchema),
});

export const movementSchema = z.object({
  id: uuidSchema,
  seq: z.number(),
  sku: z.string(),
  location: z.string(),
  quantity: z.number(),
  kind: z.enum(MOVEMENT_KINDS),
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  reservationId: z.string().nullable(),
  transferId: z.string().nullable(),
  createdAt: timestampSchema,
});

export const reservationSchema = z.object({
  id: uuidSchema,
  sku: z.string(),
  location: z.string(),
  quantity: z.number(),
  reference: z.string(),
  status: z.enum(RESERVATION_STATUSES),
  expiresAt: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const stockResultSchema = z.object({
  seq: z.number(),
  movements: z.array(movementSchema),
  stock: stockSnapshotSchema,
});

export const reservationResultSchema = reservationSchema.extend({
  seq: z.number(),
  stock: stockSnapshotSchema,
});

export const movementPageSchema = z.object({
  movements: z.array(movementSchema),
  next: z.number().nullable(),
});

export type StockFigures = z.output<typeof stockFiguresSchema>;
export type StockSummary = z.output<typeof stockSummarySchema>;
export type StockSnapshot = z.output<typeof stockSnapshotSchema>;
export type Movement = z.output<typeof movementSchema>;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export type Reservation = z.output<typeof reservationSchema>;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
export type StockResult = z.output<typeof stockResultSchema>;
export type ReservationResult = z.output<typeof reservationResultSchema>;
