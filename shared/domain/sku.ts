import { dotSegmentProblem, isDotSegment } from './dot-segment';

/** The Merchant Center `id` is at most 50 characters and the SKU is what we publish as the id. */
export const SKU_MAX_LENGTH = 50;
const SKU_PATTERN = /^[A-Z0-9._-]+$/;

/** Trims and upper-cases a SKU as typed or scanned; does not validate it. */
export function normaliseSku(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * Why a normalised SKU is not acceptable, or null when it is. The message is written for a shop
 * owner, because it ends up next to a form field or a CSV row.
 */
export function skuProblem(sku: string): string | null {
  if (sku.length === 0) return 'SKU is required';
  if (sku.length > SKU_MAX_LENGTH) return `SKU is ${sku.length} characters; the limit is ${SKU_MAX_LENGTH}`;
  if (isDotSegment(sku)) return dotSegmentProblem('SKU', sku);
  if (!SKU_PATTERN.test(sku)) {
    const bad = [...new Set([...sku].filter((c) => !/[A-Z0-9._-]/.test(c)))].map((c) => JSON.stringify(c));
    return `SKU may contain only letters, digits, "-", "_" and "." (found ${bad.join(', ')})`;
  }
  return null;
}
