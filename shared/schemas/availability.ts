import { z } from 'zod';
import { AVAILABILITIES } from '../domain/availability';
import { skuSchema } from './common';

/** The most SKUs one `GET /availability?skus=` may ask for. */
export const MAX_AVAILABILITY_SKUS = 100;

export const availabilityGetInput = z.strictObject({ sku: skuSchema });

export const availabilityListInput = z.strictObject({
  skus: z
    .string({ error: `skus is required: a comma-separated list of up to ${MAX_AVAILABILITY_SKUS} SKUs` })
    .transform((value) => [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s !== ''))])
    .pipe(
      z
        .array(skuSchema)
        .min(1, 'skus: name at least one SKU')
        .max(MAX_AVAILABILITY_SKUS, `skus: at most ${MAX_AVAILABILITY_SKUS} SKUs per request`),
    ),
});

/**
 * What a storefront may show for one SKU: the same rule as the Merchant feed. `available` is what
 * it may sell from the locations that sell online: available stock above the buffer (never below
 * 0; 0 for a product that is not listed), so `in_stock` exactly when it is above 0.
 */
export const storefrontAvailabilitySchema = z.object({
  sku: z.string(),
  available: z.number(),
  availability: z.enum(AVAILABILITIES),
  /** YYYY-MM-DD for preorder and backorder, else null. */
  availabilityDate: z.string().nullable(),
});

export const availabilityListSchema = z.object({
  items: z.array(storefrontAvailabilitySchema),
  /** Asked-for SKUs no product has. */
  unknown: z.array(z.string()),
});

export const storefrontTokenCreateInput = z.strictObject({
  name: z.string({ error: 'name is required' }).trim().min(1, 'name: must not be empty').max(100, 'name: at most 100 characters'),
});

export const storefrontTokenSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });

/** The answer to creating one: the token itself, shown this once (only its hash is kept). */
export const storefrontTokenCreatedSchema = z.object({ id: z.string(), name: z.string(), token: z.string() });

export const storefrontTokenListSchema = z.object({ tokens: z.array(storefrontTokenSchema) });

export const storefrontTokenIdInput = z.strictObject({ id: z.string().trim().min(1, 'id: must not be empty').max(36, 'id: not a storefront token id') });

export const storefrontTokenDeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });

export type StorefrontAvailability = z.infer<typeof storefrontAvailabilitySchema>;
export type StorefrontToken = z.infer<typeof storefrontTokenSchema>;
