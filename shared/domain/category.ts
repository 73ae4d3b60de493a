/**
 * Category paths: the shop's own `product_type` ("Home > Kitchen > Mugs") and Google's product
 * taxonomy (an id such as "4", or a path in Google's words). Both are written with " > " between
 * levels, the way Google's taxonomy and Merchant Center's product_type are; a path is stored in
 * that one spelling, so "Home>Kitchen" and "Home >  Kitchen" are the same category.
 */

/** Merchant Center's limit for product_type and google_product_category. */
export const CATEGORY_MAX_LENGTH = 750;
/** Levels a path may have; Google's own taxonomy is at most 7 deep. */
export const CATEGORY_MAX_LEVELS = 10;

/** The levels of a path, each trimmed with its inner spaces collapsed; an empty text has none. */
export function categoryLevels(path: string | null | undefined): string[] {
  if (!path || path.trim() === '') return [];
  return path.split('>').map((level) => level.trim().replace(/\s+/g, ' '));
}

/** The path in its one spelling: levels joined by " > ". */
export function normaliseCategoryPath(path: string): string {
  return categoryLevels(path).join(' > ');
}

/** Why a category path cannot be stored, or null when it can (after normalising). */
export function categoryPathProblem(path: string, field: string): string | null {
  const levels = categoryLevels(path);
  if (levels.some((level) => level === '')) return `${field} has an empty level; write levels like Home > Kitchen > Mugs`;
  if (levels.length > CATEGORY_MAX_LEVELS) return `${field} has ${levels.length} levels; at most ${CATEGORY_MAX_LEVELS}`;
  if (levels.join(' > ').length > CATEGORY_MAX_LENGTH) return `${field} is at most ${CATEGORY_MAX_LENGTH} characters`;
  if (path.includes('\u0000')) return `${field} must not contain a NUL character (\\u0000)`;
  return null;
}

/**
 * Google's product category: a taxonomy id (digits, such as 4 for "Animals & Pet Supplies > Pet
 * Supplies") or a path of the taxonomy's names. An id is kept as digits; a path is normalised.
 */
export function normaliseGoogleCategory(value: string): string {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? trimmed.replace(/^0+(?=\d)/, '') : normaliseCategoryPath(trimmed);
}
