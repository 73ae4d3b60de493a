import { z } from 'zod';
import { normaliseSku, skuProblem } from '../domain/sku';
import { gtinProblem, normaliseGtin } from '../domain/gtin';
import { DECIMAL_PATTERN, isCurrencyCode } from '../domain/money';
import { QUANTITY_MAX } from '../domain/limits';
import { slugProblem } from '../domain/slug';

/** Empty strings from forms and CSV cells mean "no value". */
export function emptyToNull<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullable());
}

function fromProblem<T>(problem: (v: T) => string | null) {
  return (value: T, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
}

export const skuSchema = z
  .string({ error: 'SKU is required' })
  .transform(normaliseSku)
  .superRefine(fromProblem(skuProblem));

export const gtinSchema = z.string().transform(normaliseGtin).superRefine(fromProblem(gtinProblem));

export const slugSchema = z.string().trim().superRefine(fromProblem(slugProblem));

export const currencySchema = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isCurrencyCode, { message: 'currency must be an ISO 4217 code such as EUR, USD or GBP' });

/** What amountSchema says of a string that is not a plain decimal (the CSV import words it for its file). */
export const AMOUNT_PATTERN_MESSAGE = 'amount must be a non-negative decimal such as "12.50"';

/** Money as a decimal string; floats are refused so that no rounding happens on the way in. */
export const amountSchema = z
  .string({ error: 'amount must be a decimal string such as "12.50", not a number' })
  .trim()
  .regex(DECIMAL_PATTERN, { message: AMOUNT_PATTERN_MESSAGE });

/** The longest URL a product may carry (its image links). */
export const URL_MAX = 2000;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

export const httpUrlSchema = z
  .string()
  .trim()
  .max(URL_MAX, { message: 'URL is longer than 2,000 characters' })
  .refine(isHttpUrl, { message: 'must be an absolute http:// or https:// URL' });

/** A location code as stored: lower case, 1–32 characters. */
export const LOCATION_CODE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const locationCodeSchema = z
  .string()
  .trim()
  .transform((s) => s.toLowerCase())
  .pipe(
    z.string().regex(LOCATION_CODE_PATTERN, {
      message: 'location code is 1–32 letters, digits, "-" or "_", starting with a letter or digit',
    }),
  );

/** Any quantity of units: a movement, a count, a reservation (see shared/domain/limits.ts). */
export const quantitySchema = z
  .number({ error: 'quantity must be a number' })
  .int({ message: 'quantity must be a whole number' })
  .min(-QUANTITY_MAX, { message: `quantity is at least -${QUANTITY_MAX}` })
  .max(QUANTITY_MAX, { message: `quantity is at most ${QUANTITY_MAX}` });

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255, { message: 'Idempotency-Key is at most 255 characters' })
  .regex(/^[\x21-\x7e]+$/, { message: 'Idempotency-Key must be printable ASCII without spaces' });

export const uuidSchema = z.uuid({ message: 'must be a UUID' });

/**
 * The `updatedAt` of the version a change was made from: when the record has changed since, the
 * change is refused with 409 `conflict` (`details.field` is `updatedAt`) instead of overwriting the
 * other change. Without it the change applies to whatever version is current.
 */
export const expectedUpdatedAtSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .meta({
    description:
      'The updatedAt of the version the change was made from: when the record has changed since, the request is refused with 409 conflict (details.field "updatedAt"). Without it, no check.',
  });

export const timestampSchema = z.string();

export const limitSchema = (max: number, fallback: number) =>
  z.coerce
    .number({ error: 'limit must be a number' })
    .int({ message: 'limit must be a whole number' })
    .min(1, { message: 'limit must be at least 1' })
    .max(max, { message: `limit is at most ${max}` })
    .default(fallback);
