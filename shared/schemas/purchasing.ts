/**
 * Suppliers, the product–supplier links (what a supplier sells a product for, in which packs) and
 * the reorder settings per product and location. Money travels as decimal strings in the
 * supplier's currency and is checked against that currency's minor unit in the core.
 */
import { z } from 'zod';
import { QUANTITY_MAX } from '../domain/limits';
import { amountSchema, currencySchema, emptyToNull, expectedUpdatedAtSchema, idempotencyKeySchema, locationCodeSchema, uuidSchema } from './common';

const name = z.string().trim().min(1, { message: 'a supplier needs a name' }).max(150, { message: 'a supplier name is at most 150 characters' });
const email = emptyToNull(z.string().trim().max(254).pipe(z.email({ message: 'must be an e-mail address such as orders@supplier.example' })));
const phone = emptyToNull(z.string().trim().max(50, { message: 'a phone number is at most 50 characters' }));
const leadTimeDays = z
  .number({ error: 'the lead time must be a number of days' })
  .int({ message: 'the lead time must be a whole number of days' })
  .min(0, { message: 'the lead time cannot be negative' })
  .max(365, { message: 'the lead time is at most 365 days' });
const notes = z.string().trim().max(5000, { message: 'notes are at most 5,000 characters' });

/** A whole number of units, 0 or more (a reorder point or level). */
export const unitsSchema = z
  .number({ error: 'must be a number of units' })
  .int({ message: 'must be a whole number of units' })
  .min(0, { message: 'cannot be negative' })
  .max(QUANTITY_MAX, { message: `is at most ${QUANTITY_MAX}` });

/** A whole number of units, 1 or more (a pack, a minimum order, an ordered quantity). */
export const positiveUnitsSchema = unitsSchema.refine((n) => n >= 1, { message: 'must be at least 1' });

export const supplierCreateInput = z.strictObject({
  name,
  email: email.optional(),
  phone: phone.optional(),
  /** The currency the supplier invoices in; the shop's currency when absent. */
  currency: currencySchema.optional(),
  leadTimeDays: leadTimeDays.default(7),
  minimumOrderValue: emptyToNull(amountSchema).optional(),
  notes: notes.default(''),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const supplierUpdateInput = z.strictObject({
  id: uuidSchema,
  name: name.optional(),
  email: email.optional(),
  phone: phone.optional(),
  currency: currencySchema.optional(),
  leadTimeDays: leadTimeDays.optional(),
  minimumOrderValue: emptyToNull(amountSchema).optional(),
  notes: notes.optional(),
  /**
   * The `updatedAt` of the version the change was made from: when the supplier has changed since,
   * the update is refused with 409 `conflict` (`details.field` is `updatedAt`). Without it the
   * update applies to whatever version is current.
   */
  expectedUpdatedAt: expectedUpdatedAtSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const supplierIdInput = z.strictObject({ id: uuidSchema, idempotencyKey: idempotencyKeySchema.optional() });
export const supplierGetInput = z.strictObject({ id: uuidSchema });

export const supplierSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  currency: z.string(),
  leadTimeDays: z.number(),
  minimumOrderValue: z.string().nullable(),
  notes: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const supplierListSchema = z.object({ suppliers: z.array(supplierSchema) });
export const supplierDeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });

/** One supplier of a product, as the PUT takes it. */
export const productSupplierInput = z.strictObject({
  supplierId: uuidSchema,
  supplierSku: emptyToNull(z.string().trim().max(100, { message: 'a supplier SKU is at most 100 characters' })).default(null),
  /** In the supplier's currency; null when not known yet. */
  unitCost: emptyToNull(amountSchema).default(null),
  packSize: positiveUnitsSchema.default(1),
  minimumOrderQuantity: positiveUnitsSchema.default(1),
  preferred: z.boolean().default(false),
});

/** `PUT /products/{id-or-sku}/suppliers`: the product's whole list (a JSON array body). */
export const productSuppliersInput = z.strictObject({
  idOrSku: z.string().trim().min(1),
  suppliers: z.array(productSupplierInput, { error: 'send the list of the product’s suppliers as a JSON array' }).max(100),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const productSuppliersGetInput = z.strictObject({ idOrSku: z.string().trim().min(1) });

export const productSupplierSchema = z.object({
  supplierId: z.string(),
  supplierName: z.string(),
  supplierSku: z.string().nullable(),
  unitCost: z.string().nullable(),
  currency: z.string(),
  packSize: z.number(),
  minimumOrderQuantity: z.number(),
  preferred: z.boolean(),
});

export const productSuppliersSchema = z.object({
  sku: z.string(),
  /** The weighted average cost of the stock, in `costCurrency`; null: the product has no cost yet. */
  averageCost: z.string().nullable(),
  costCurrency: z.string().nullable(),
  suppliers: z.array(productSupplierSchema),
});

/** `PUT /products/{id-or-sku}/reorder`: one location's settings; null clears a value. */
export const reorderInput = z.strictObject({
  idOrSku: z.string().trim().min(1),
  location: locationCodeSchema.optional(),
  reorderPoint: unitsSchema.nullable(),
  reorderQuantity: positiveUnitsSchema.nullable().default(null),
  /** Order up to this level instead of a fixed quantity. */
  maxLevel: positiveUnitsSchema.nullable().default(null),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const reorderGetInput = z.strictObject({ idOrSku: z.string().trim().min(1) });

export const reorderSettingSchema = z.object({
  location: z.string(),
  reorderPoint: z.number().nullable(),
  reorderQuantity: z.number().nullable(),
  maxLevel: z.number().nullable(),
  /** Available plus incoming at the location: what the reorder point is compared with. */
  position: z.number(),
  /** Units sold per day over the velocity window, at this location. */
  velocity: z.number(),
  /** velocity × (lead time + review period) + buffer; shown, never applied by itself. */
  suggestedReorderPoint: z.number(),
});

export const productReorderSchema = z.object({ sku: z.string(), locations: z.array(reorderSettingSchema) });

export type Supplier = z.output<typeof supplierSchema>;
export type ProductSupplier = z.output<typeof productSupplierSchema>;
export type ReorderSetting = z.output<typeof reorderSettingSchema>;
