/**
 * "Low stock" on the dashboard. Products will get reorder points (per product and location); until
 * then a product is low when it has something available but no more than LOW_STOCK_UNITS, or no
 * more than its buffer when that is higher. So the card means something in a shop whose buffer is
 * 0, and it never counts fewer products than "At or below buffer".
 */
import type { Product } from '../../shared/schemas/product';

/** The fixed low-stock line, until reorder points exist. */
export const LOW_STOCK_UNITS = 5;

/** How many products the dashboard reads to count the low ones (the API's largest page). */
export const LOW_STOCK_PAGE = 500;

export type LowStockCount = {
  count: number;
  /** True when more products were low than one page holds: `count` is then a lower bound. */
  atLeast: boolean;
};

type Candidate = Pick<Product, 'bufferStock'> & { stock: Pick<Product['stock'], 'available'> };

/**
 * The low products, from two answers: the core's count of products at or below their buffer
 * (`stats.overview`), and the active products with the fewest units available, fewest first,
 * starting after the ones with nothing available (`products.list` sorted by available).
 *
 * Low = (0 < available ≤ buffer) ∪ (0 < available ≤ LOW_STOCK_UNITS). The page holds every product
 * of the second set, with its buffer, so the overlap can be taken out of the core's count exactly.
 */
export function countLowStock(input: { atOrBelowBuffer: number; fewestAvailable: readonly Candidate[]; shopBufferStock: number; pageSize: number }): LowStockCount {
  const { fewestAvailable, shopBufferStock } = input;
  let withinLine = 0;
  let alsoAtOrBelowBuffer = 0;
  for (const product of fewestAvailable) {
    const available = product.stock.available;
    // The page starts after the products with nothing available; a change between the two
    // answers can shift it by a few, so those are skipped here rather than trusted.
    if (available <= 0 || available > LOW_STOCK_UNITS) continue;
    withinLine += 1;
    if (available <= (product.bufferStock ?? shopBufferStock)) alsoAtOrBelowBuffer += 1;
  }
  const last = fewestAvailable[fewestAvailable.length - 1];
  const atLeast = fewestAvailable.length >= input.pageSize && last !== undefined && last.stock.available <= LOW_STOCK_UNITS;
  return { count: Math.max(0, input.atOrBelowBuffer - alsoAtOrBelowBuffer) + withinLine, atLeast };
}
