/**
 * Changing many products at once: `products.bulk` for a short list of SKUs in one all-or-nothing
 * step, and bulk jobs for any number (a whole filtered list of 100,000), applied by the core in
 * batches with progress and cancel. Both take the same edit.
 */
import { z } from 'zod';
import { QUANTITY_MAX } from '../domain/limits';
import { amountSchema, emptyToNull, idempotencyKeySchema, skuSchema, timestampSchema, uuidSchema } from './common';
import { PRODUCT_STATUSES, productFilterSchema } from './product';

/**
 * `archive` and `unarchive` (back to active) set the status, as does `status` with any status;
 * `buffer` sets the buffer stock (null: the shop-wide buffer); `price` sets the price or changes it
 * by a percentage; `salePrice` sets the sale price, makes it a percentage off the price, or removes it.
 */
export const BULK_ACTIONS = ['archive', 'unarchive', 'status', 'buffer', 'price', 'salePrice'] as const;

/** Percentages with at most two decimals (12.5, −7.25), so each is an exact number of basis points. */
const percentSchema = (min: number, max: number, what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(min, { message: `${what} is at least ${min}` })
    .max(max, { message: `${what} is at most ${max}` })
    .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-6, { message: `${what} has two decimals at most` });

const editFields = {
  action: z.enum(BULK_ACTIONS, { message: `action is one of ${BULK_ACTIONS.join(', ')}` }),
  bufferStock: z
    .number()
    .int()
    .min(0, { message: 'buffer stock is 0 or more' })
    .max(QUANTITY_MAX, { message: `buffer stock is at most ${QUANTITY_MAX}` })
    .nullable()
    .optional(),
  /** For `status`. */
  status: z.enum(PRODUCT_STATUSES, { message: 'status is active, archived or discontinued' }).optional(),
  /** For `price`: the new price, in each product's currency. */
  price: amountSchema.optional(),
  /** For `price`: change every price by this many percent (−99.99 to +1000), rounded to the currency's minor unit. */
  percent: percentSchema(-99.99, 1000, 'percent').refine((p) => p !== 0, { message: 'a change of 0 % changes nothing' }).optional(),
  /** For `salePrice`: the new sale price; null or "" removes the sale price. */
  salePrice: emptyToNull(amountSchema).optional(),
  /** For `salePrice`: the sale price becomes the price less this many percent (0.01 to 99.99). */
  percentOff: percentSchema(0.01, 99.99, 'percentOff').optional(),
};

type EditShape = {
  action: (typeof BULK_ACTIONS)[number];
  bufferStock?: number | null | undefined;
  status?: string | undefined;
  price?: string | undefined;
  percent?: number | undefined;
  salePrice?: string | null | undefined;
  percentOff?: number | undefined;
};

/** Which fields an action needs, and which it must not have: every mistake by name. */
function checkEdit(edit: EditShape, ctx: z.RefinementCtx): void {
  const needs: Record<EditShape['action'], Array<keyof EditShape>> = {
    archive: [],
    unarchive: [],
    status: ['status'],
    buffer: ['bufferStock'],
    price: ['price', 'percent'],
    salePrice: ['salePrice', 'percentOff'],
  };
  const wanted = needs[edit.action];
  const fields: Array<keyof EditShape> = ['bufferStock', 'status', 'price', 'percent', 'salePrice', 'percentOff'];
  for (const field of fields) {
    if (edit[field] !== undefined && !wanted.includes(field)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} does not go with the action ${edit.action}` });
    }
  }
  const given = wanted.filter((f) => edit[f] !== undefined);
  if (wanted.length === 1 && given.length === 0) {
    const field = wanted[0] as keyof EditShape;
    const message = field === 'bufferStock' ? 'bufferStock is required to set the buffer (null for the shop-wide buffer)' : `${field} is required for the action ${edit.action}`;
    ctx.addIssue({ code: 'custom', path: [field], message });
  }
  if (wanted.length === 2 && given.length !== 1) {
    const [a, b] = wanted as [keyof EditShape, keyof EditShape];
    ctx.addIssue({ code: 'custom', path: [a], message: `give either ${a} or ${b} for the action ${edit.action}` });
  }
}

export const productBulkInput = z
  .strictObject({
    skus: z.array(skuSchema).min(1, { message: 'choose at least one product' }).max(1000, { message: 'at most 1,000 products at a time' }),
    ...editFields,
    idempotencyKey: idempotencyKeySchema.optional(),
  })
  .superRefine(checkEdit);

export const productBulkResultSchema = z.object({ updated: z.number(), unchanged: z.number() });

/** Most SKUs a job takes by name; a larger selection goes by its filter. */
export const BULK_JOB_MAX_SKUS = 10_000;

/**
 * A bulk job: the products are named by SKU or by the list's filter (`{}` is the whole catalogue),
 * never both. The filter is resolved once, when the job starts.
 */
export const bulkJobStartInput = z
  .strictObject({
    skus: z
      .array(skuSchema)
      .min(1, { message: 'choose at least one product' })
      .max(BULK_JOB_MAX_SKUS, { message: `at most ${BULK_JOB_MAX_SKUS.toLocaleString('en')} SKUs by name; name more by their filter` })
      .optional(),
    filter: productFilterSchema.optional(),
    ...editFields,
    idempotencyKey: idempotencyKeySchema.optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.skus === undefined) === (input.filter === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['filter'], message: 'name the products either by skus or by filter' });
    }
    checkEdit(input, ctx);
  });

export const BULK_JOB_STATES = ['running', 'finished', 'cancelled', 'failed'] as const;

/** How many refused products a job lists by SKU (it counts them all). */
export const BULK_JOB_REFUSALS_LISTED = 100;

export const bulkJobSchema = z.object({
  id: uuidSchema,
  /** `running` until every batch is applied (`finished`), it is cancelled, or a batch failed. */
  state: z.enum(BULK_JOB_STATES),
  action: z.enum(BULK_ACTIONS),
  /** Products the job covers, as they matched when it started. */
  total: z.number(),
  /** Products dealt with so far (updated, unchanged or refused). */
  processed: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  /** Products the change could not apply to (and products gone meanwhile); see refusals. */
  refused: z.number(),
  /** The first refused products, each with the reason. */
  refusals: z.array(z.object({ sku: z.string(), message: z.string() })),
  /** Why a failed job stopped; the batches before it stay applied. */
  error: z.string().nullable(),
  startedAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
});

export const bulkJobIdInput = z.strictObject({ id: uuidSchema });

export const bulkJobListSchema = z.object({ jobs: z.array(bulkJobSchema) });

export type BulkAction = (typeof BULK_ACTIONS)[number];
export type BulkJob = z.output<typeof bulkJobSchema>;
