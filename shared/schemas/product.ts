import { z } from 'zod';
import {
  amountSchema,
  currencySchema,
  emptyToNull,
  expectedUpdatedAtSchema,
  gtinSchema,
  httpUrlSchema,
  idempotencyKeySchema,
  limitSchema,
  locationCodeSchema,
  quantitySchema,
  skuSchema,
  slugSchema,
  timestampSchema,
  uuidSchema,
} from './common';
import { QUANTITY_MAX } from '../domain/limits';
import { categoryPathProblem, normaliseCategoryPath, normaliseGoogleCategory } from '../domain/category';
import { stockTotalsSchema } from './stock';

export const PRODUCT_STATUSES = ['active', 'archived', 'discontinued'] as const;
export const PRODUCT_CONDITIONS = ['new', 'refurbished', 'used'] as const;

export const TITLE_MAX = 500;
export const DESCRIPTION_MAX = 20_000;
export const BRAND_MAX = 150;
export const MPN_MAX = 70;
export const ITEM_GROUP_ID_MAX = 50;

const noNul = (s: string) => !s.includes('\u0000');
/** The limit in words, with the length found: a long text pasted from a shop system is easy to cut once its size is known. */
const tooLong = (field: string, max: number, counted = '') => ({
  error: (issue: { input?: unknown }) =>
    `${field} is ${typeof issue.input === 'string' ? issue.input.length.toLocaleString('en') : 'more than ' + max.toLocaleString('en')} characters${counted}; the limit is ${max.toLocaleString('en')}`,
});
const NO_NUL = { message: 'must not contain a NUL character (\\u0000)' };

/** A category path ("Home > Kitchen > Mugs"), stored in its one spelling (shared/domain/category.ts). */
const categoryPathSchema = (field: string, normalise: (path: string) => string) =>
  emptyToNull(
    z
      .string()
      .superRefine((path, ctx) => {
        const problem = categoryPathProblem(path, field);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform(normalise),
  );

const productFields = {
  sku: skuSchema,
  title: z.string({ error: 'title is required' }).trim().min(1, { message: 'title is required' }).max(TITLE_MAX, tooLong('title', TITLE_MAX)).refine(noNul, NO_NUL),
  description: z.string().max(DESCRIPTION_MAX, tooLong('description', DESCRIPTION_MAX, ' (HTML tags included)')).refine(noNul, NO_NUL),
  brand: z.string().trim().max(BRAND_MAX, tooLong('brand', BRAND_MAX)).refine(noNul, NO_NUL),
  gtin: emptyToNull(gtinSchema),
  mpn: emptyToNull(z.string().trim().max(MPN_MAX, tooLong('MPN', MPN_MAX))),
  condition: z.enum(PRODUCT_CONDITIONS, { message: 'condition is new, refurbished or used' }),
  price: amountSchema,
  salePrice: emptyToNull(amountSchema),
  currency: currencySchema,
  slug: slugSchema,
  imageUrl: emptyToNull(httpUrlSchema),
  additionalImageUrls: z.array(httpUrlSchema).max(10, { message: 'at most 10 additional images' }),
  status: z.enum(PRODUCT_STATUSES, { message: 'status is active, archived or discontinued' }),
  itemGroupId: emptyToNull(z.string().trim().min(1).max(ITEM_GROUP_ID_MAX, tooLong('item group', ITEM_GROUP_ID_MAX))),
  allowBackorder: z.boolean(),
  preorderDate: emptyToNull(z.iso.date({ message: 'preorder date must be a date like 2026-12-24' })),
  bufferStock: emptyToNull(z.number().int().min(0).max(QUANTITY_MAX, { message: `buffer stock is at most ${QUANTITY_MAX}` })),
  /** The shop's own category path, e.g. `Home > Kitchen > Mugs`: the feed's product_type and the collections. */
  productType: categoryPathSchema('product type', normaliseCategoryPath),
  /** Google's product taxonomy: an id (`4`) or a path (`Home & Garden > Kitchen & Dining`). */
  googleProductCategory: categoryPathSchema('Google product category', normaliseGoogleCategory),
};

/**
 * Stock the product starts with, per location (none given: the default location), recorded as a
 * stocktake (a count movement) in the same transaction as the product, like a CSV import's on_hand.
 */
export const openingStockSchema = z
  .array(
    z.strictObject({
      location: locationCodeSchema.optional(),
      quantity: quantitySchema.refine((q) => q >= 0, { message: 'opening stock cannot be negative' }),
    }),
  )
  .max(50, { message: 'opening stock at 50 locations at most' })
  .superRefine((lines, ctx) => {
    const seen = new Set<string>();
    lines.forEach((line, i) => {
      const code = line.location ?? '';
      if (seen.has(code)) {
        ctx.addIssue({ code: 'custom', path: [i, 'location'], message: code ? `the location ${code} is given twice` : 'the default location is given twice' });
      }
      seen.add(code);
    });
  });

export const productCreateInput = z.strictObject({
  ...productFields,
  openingStock: openingStockSchema.optional(),
  description: productFields.description.default(''),
  brand: productFields.brand.default(''),
  gtin: productFields.gtin.default(null),
  mpn: productFields.mpn.default(null),
  condition: productFields.condition.default('new'),
  salePrice: productFields.salePrice.default(null),
  currency: productFields.currency.optional(),
  slug: productFields.slug.optional(),
  imageUrl: productFields.imageUrl.default(null),
  additionalImageUrls: productFields.additionalImageUrls.default([]),
  status: productFields.status.default('active'),
  itemGroupId: productFields.itemGroupId.default(null),
  allowBackorder: productFields.allowBackorder.default(false),
  preorderDate: productFields.preorderDate.default(null),
  bufferStock: productFields.bufferStock.default(null),
  productType: productFields.productType.default(null),
  googleProductCategory: productFields.googleProductCategory.default(null),
  idempotencyKey: idempotencyKeySchema.optional(),
});

/** Read-only fields a client may send back unchanged after a GET; they are ignored. */
const readOnlyEcho = {
  id: z.unknown().optional(),
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  stock: z.unknown().optional(),
};

export const productUpdateInput = z.strictObject({
  idOrSku: z.string().min(1),
  ...readOnlyEcho,
  sku: productFields.sku.optional(),
  title: productFields.title.optional(),
  description: productFields.description.optional(),
  brand: productFields.brand.optional(),
  gtin: productFields.gtin.optional(),
  mpn: productFields.mpn.optional(),
  condition: productFields.condition.optional(),
  price: productFields.price.optional(),
  salePrice: productFields.salePrice.optional(),
  currency: productFields.currency.optional(),
  slug: productFields.slug.optional(),
  imageUrl: productFields.imageUrl.optional(),
  additionalImageUrls: productFields.additionalImageUrls.optional(),
  status: productFields.status.optional(),
  itemGroupId: productFields.itemGroupId.optional(),
  allowBackorder: productFields.allowBackorder.optional(),
  preorderDate: productFields.preorderDate.optional(),
  bufferStock: productFields.bufferStock.optional(),
  productType: productFields.productType.optional(),
  googleProductCategory: productFields.googleProductCategory.optional(),
  /**
   * The `updatedAt` of the version the change was made from: when the product has changed since,
   * the update is refused with 409 `conflict` (`details.field` is `updatedAt`) instead of
   * overwriting the other change. Without it the update applies to whatever version is current.
   * (`updatedAt` itself, sent back from a GET, stays ignored.)
   */
  expectedUpdatedAt: expectedUpdatedAtSchema.optional(),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const productGetInput = z.strictObject({ idOrSku: z.string().min(1) });

export const PRODUCT_SORTS = ['sku', 'title', 'price', 'onHand', 'available'] as const;
/**
 * Stock states to filter by, from the stock figures (all locations, or the chosen location):
 * `in_stock` available above the buffer; `low` above zero but at or below the buffer;
 * `out_of_stock` nothing available; `incoming` stock on its way.
 */
export const STOCK_FILTERS = ['in_stock', 'low', 'out_of_stock', 'incoming'] as const;

/**
 * What the Products screen lists, as filters: the same object narrows the list, its counts per
 * status, a bulk job and the CSV export, so each acts on exactly the products on screen.
 */
export const productFilterFields = {
  query: z.string().trim().max(200).optional(),
  status: z.enum(PRODUCT_STATUSES, { message: 'status is active, archived or discontinued' }).optional(),
  stock: z.enum(STOCK_FILTERS, { message: `stock is one of ${STOCK_FILTERS.join(', ')}` }).optional(),
  /** A location code: only products with stock (on hand, committed or incoming) there. */
  location: z.string().trim().min(1).max(32).optional(),
  itemGroupId: z.string().trim().min(1).max(ITEM_GROUP_ID_MAX).optional(),
  /**
   * Only products whose barcode another product has too (as GTIN-14): what is left to fix from
   * before GTINs were unique. `true` or `false` in a query string.
   */
  duplicateGtin: z
    .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'duplicateGtin is true or false' }))
    .optional(),
};

export const productFilterSchema = z.strictObject(productFilterFields);

export const productListInput = z.strictObject({
  ...productFilterFields,
  limit: limitSchema(500, 50),
  cursor: z.string().max(500).optional(),
  sort: z.enum(PRODUCT_SORTS, { message: `sort is one of ${PRODUCT_SORTS.join(', ')}` }).default('sku'),
  direction: z.enum(['asc', 'desc'], { message: 'direction is asc or desc' }).default('asc'),
  /** Offset paging (for a scrolled list): the answer then carries `total` and no cursor. */
  offset: z.coerce.number({ error: 'offset must be a number' }).int().min(0, { message: 'offset is at least 0' }).optional(),
});

/** The list's filter without the status: the counts are per status (the Products screen's tabs). */
export const productCountsInput = z.strictObject({
  query: productFilterFields.query,
  stock: productFilterFields.stock,
  location: productFilterFields.location,
  itemGroupId: productFilterFields.itemGroupId,
  duplicateGtin: productFilterFields.duplicateGtin,
});

export const productCountsSchema = z.object({
  byStatus: z.object({ active: z.number(), archived: z.number(), discontinued: z.number() }),
  total: z.number(),
});

export const productDeleteInput = z.strictObject({
  idOrSku: z.string().min(1),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const productDeletedSchema = z.object({ id: uuidSchema, sku: z.string(), deleted: z.literal(true) });

export const productSchema = z.object({
  id: uuidSchema,
  sku: z.string(),
  title: z.string(),
  description: z.string(),
  brand: z.string(),
  gtin: z.string().nullable(),
  mpn: z.string().nullable(),
  condition: z.enum(PRODUCT_CONDITIONS),
  price: z.string(),
  salePrice: z.string().nullable(),
  currency: z.string(),
  slug: z.string(),
  imageUrl: z.string().nullable(),
  additionalImageUrls: z.array(z.string()),
  status: z.enum(PRODUCT_STATUSES),
  itemGroupId: z.string().nullable(),
  allowBackorder: z.boolean(),
  preorderDate: z.string().nullable(),
  bufferStock: z.number().nullable(),
  productType: z.string().nullable(),
  googleProductCategory: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  stock: stockTotalsSchema,
});

/** A scanned or typed code: a SKU, or a GTIN in any of its spellings (8 to 14 digits, spaces and hyphens ignored). */
export const productLookupInput = z.strictObject({
  code: z.string({ error: 'code is required: a SKU or a GTIN' }).trim().min(1, { message: 'code is required: a SKU or a GTIN' }).max(200),
});

export const productPageSchema = z.object({
  products: z.array(productSchema),
  next: z.string().nullable(),
  /** How many products match, in all pages; given with offset paging. */
  total: z.number().optional(),
});

/**
 * Every product a code names exactly: the one with that SKU first, then those whose GTIN is that
 * barcode (compared as GTIN-14), by SKU, whatever their status. Empty when none; more than one is
 * for the person to choose from, never for the app to guess.
 */
export const productLookupSchema = z.object({ products: z.array(productSchema) });

export type Product = z.output<typeof productSchema>;
export type ProductCreateInput = z.output<typeof productCreateInput>;
export type ProductUpdateInput = z.output<typeof productUpdateInput>;
export type ProductListInput = z.output<typeof productListInput>;
export type ProductFilter = z.output<typeof productFilterSchema>;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export type ProductCondition = (typeof PRODUCT_CONDITIONS)[number];
