/**
 * Purchase orders and the replenishment suggestions they are drafted from. A PO's lines name
 * products by SKU; money is a decimal string in the PO's currency (the supplier's).
 */
import { z } from 'zod';
import { amountSchema, emptyToNull, expectedUpdatedAtSchema, idempotencyKeySchema, limitSchema, locationCodeSchema, skuSchema, uuidSchema } from './common';
import { positiveUnitsSchema } from './purchasing';

/**
 * draft → ordered → partly_received → received; cancelled from any open status; closed: an ordered
 * or partly received PO whose missing units will not come (the shortfall is written off).
 */
export const PURCHASE_ORDER_STATUSES = ['draft', 'ordered', 'partly_received', 'received', 'closed', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

/** Statuses whose open quantities are on their way (they make up `incoming`). */
export const OPEN_PURCHASE_ORDER_STATUSES = ['ordered', 'partly_received'] as const satisfies readonly PurchaseOrderStatus[];

const dateSchema = z.iso.date({ message: 'must be a date such as 2027-01-31' });
const notes = z.string().trim().max(5000, { message: 'notes are at most 5,000 characters' });

export const purchaseOrderLineInput = z.strictObject({
  /** Keeps a line of a draft (PATCH); a new line has none. */
  id: uuidSchema.optional(),
  sku: skuSchema,
  quantity: positiveUnitsSchema,
  /** The supplier's cost from the product–supplier link when absent. */
  unitCost: amountSchema.optional(),
  /** The supplier's lead time from the order date when absent. */
  expectedDate: emptyToNull(dateSchema).optional(),
});

export const purchaseOrderCreateInput = z.strictObject({
  supplierId: uuidSchema,
  /** Where the goods are received; the default location when absent. */
  location: locationCodeSchema.optional(),
  notes: notes.default(''),
  lines: z.array(purchaseOrderLineInput).max(1000, { message: 'a purchase order has at most 1,000 lines' }).default([]),
  idempotencyKey: idempotencyKeySchema.optional(),
});

/** A line's expected date, the one thing of a line that may change once the PO is ordered. */
export const lineDateInput = z.strictObject({ id: uuidSchema, expectedDate: emptyToNull(dateSchema) });

export const purchaseOrderUpdateInput = z.strictObject({
  id: uuidSchema,
  notes: notes.optional(),
  /** Draft only. */
  location: locationCodeSchema.optional(),
  /** Draft only: the whole list of lines (a line keeps its id when sent with it). */
  lines: z.array(purchaseOrderLineInput).max(1000, { message: 'a purchase order has at most 1,000 lines' }).optional(),
  /** Ordered or partly received: move lines' expected dates. */
  expectedDates: z.array(lineDateInput).max(1000).optional(),
  /**
   * The `updatedAt` of the version the change was made from: when the PO has changed since, the
   * update is refused with 409 `conflict` (`details.field` is `updatedAt`) instead of overwriting
   * the other change. Without it the update applies to whatever version is current.
   */
  expectedUpdatedAt: expectedUpdatedAtSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const purchaseOrderGetInput = z.strictObject({ id: uuidSchema });
/**
 * Place, cancel or close. With `expectedUpdatedAt` the step is taken only on the version it was
 * decided on: a PO changed since (lines edited, goods received) is refused with 409 `conflict`
 * (`details.field` `updatedAt`). A status the step does not apply to is refused first, as before.
 */
export const purchaseOrderActionInput = z.strictObject({ id: uuidSchema, expectedUpdatedAt: expectedUpdatedAtSchema.optional(), idempotencyKey: idempotencyKeySchema.optional() });

export const purchaseOrderReceiveInput = z.strictObject({
  id: uuidSchema,
  lines: z
    .array(z.strictObject({ lineId: uuidSchema, quantity: positiveUnitsSchema }))
    .min(1, { message: 'name at least one line and the quantity that arrived' })
    .max(1000),
  /** As for the other steps: a receipt counted against a version that has changed since is refused (409). */
  expectedUpdatedAt: expectedUpdatedAtSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const purchaseOrderListInput = z.strictObject({
  status: z.enum([...PURCHASE_ORDER_STATUSES, 'open', 'late']).optional(),
  supplier: z.string().trim().min(1).optional(),
  sku: skuSchema.optional(),
  limit: limitSchema(500, 100),
});

export const purchaseOrderLineSchema = z.object({
  id: z.string(),
  sku: z.string(),
  /** The supplier's own code for the product (its product–supplier link), for the PO it reads. */
  supplierSku: z.string().nullable(),
  title: z.string(),
  quantity: z.number(),
  unitCost: z.string(),
  expectedDate: z.string().nullable(),
  received: z.number(),
});

export const purchaseOrderSchema = z.object({
  id: z.string(),
  number: z.string(),
  supplierId: z.string(),
  supplierName: z.string(),
  location: z.string(),
  status: z.enum(PURCHASE_ORDER_STATUSES),
  currency: z.string(),
  notes: z.string(),
  lines: z.array(purchaseOrderLineSchema),
  /** Σ quantity × unit cost. */
  total: z.string(),
  /** Open lines past their expected date. */
  late: z.boolean(),
  orderedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const purchaseOrderListSchema = z.object({ purchaseOrders: z.array(purchaseOrderSchema) });

export const suggestionsInput = z.strictObject({
  /** A supplier's id or name. */
  supplier: z.string().trim().min(1).optional(),
  location: locationCodeSchema.optional(),
});

export const suggestionLineSchema = z.object({
  sku: z.string(),
  title: z.string(),
  location: z.string(),
  available: z.number(),
  incoming: z.number(),
  reorderPoint: z.number(),
  reorderQuantity: z.number().nullable(),
  maxLevel: z.number().nullable(),
  /** Rounded up to the pack size and the minimum order quantity. */
  quantity: z.number(),
  packSize: z.number(),
  minimumOrderQuantity: z.number(),
  supplierSku: z.string().nullable(),
  unitCost: z.string().nullable(),
  velocity: z.number(),
  suggestedReorderPoint: z.number(),
});

export const suggestionGroupSchema = z.object({
  /** null: products with no supplier yet. */
  supplierId: z.string().nullable(),
  supplierName: z.string().nullable(),
  currency: z.string().nullable(),
  lines: z.array(suggestionLineSchema),
  /** Σ quantity × unit cost of the lines with a cost. */
  total: z.string().nullable(),
  /** The supplier's minimum order value, and whether the suggestion reaches it. */
  minimumOrderValue: z.string().nullable(),
  belowMinimum: z.boolean(),
});

export const suggestionsSchema = z.object({ groups: z.array(suggestionGroupSchema) });

/** The dashboard's purchasing figures. */
export const replenishmentOverviewSchema = z.object({
  /**
   * Stock on hand at its average cost, per cost currency, beside the retail value of the same
   * units (products priced in that currency) and the margin between them, in percent of retail.
   */
  stockValueAtCost: z.array(z.object({ currency: z.string(), cost: z.string(), retail: z.string(), units: z.number(), marginPercent: z.string().nullable() })),
  /** Active products with stock on hand and no cost yet: their value at cost is unknown. */
  productsWithoutCost: z.number(),
  /** Active products at or below a reorder point at some location (available plus incoming). */
  productsToReorder: z.number(),
  openPurchaseOrders: z.number(),
  /** Open purchase orders with a line past its expected date and goods still missing. */
  latePurchaseOrders: z.array(z.object({ id: z.string(), number: z.string(), supplierName: z.string(), expectedDate: z.string() })),
});

export type PurchaseOrder = z.output<typeof purchaseOrderSchema>;
export type PurchaseOrderLine = z.output<typeof purchaseOrderLineSchema>;
export type SuggestionGroup = z.output<typeof suggestionGroupSchema>;
export type SuggestionLine = z.output<typeof suggestionLineSchema>;
