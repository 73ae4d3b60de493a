/**
 * Replenishment arithmetic: how much to order, when to order, and what the stock cost. Pure
 * functions, so the suggestions screen, the API, the CLI and the receipt path agree, and each rule
 * is tested alone. Quantities are whole units; money is integer minor units.
 */

/** The sales window the velocity is measured over, in days (the default). */
export const DEFAULT_VELOCITY_WINDOW_DAYS = 28;

/**
 * The low-stock line for a product without a reorder point: something available but no more than
 * this many units. A product with a reorder point is low at or below that point instead.
 */
export const LOW_STOCK_UNITS = 5;

/** How often the owner places orders, in days: stock must last the lead time plus this. */
export const DEFAULT_REVIEW_PERIOD_DAYS = 7;

/** Average units sold per day over the window (sales given as a positive number of units). */
export function dailyVelocity(unitsSold: number, windowDays: number): number {
  if (windowDays <= 0) throw new RangeError('the sales window is at least one day');
  return Math.max(0, unitsSold) / windowDays;
}

export type ReorderPointFacts = {
  /** Units per day, from `dailyVelocity`. */
  velocity: number;
  leadTimeDays: number;
  reviewPeriodDays: number;
  /** The buffer stock that applies to the product (its own, else the shop's). */
  bufferStock: number;
};

/**
 * The reorder point sales suggest: what sells during the lead time and the review period, plus the
 * buffer. Rounded up: a fraction of a unit sold is a unit that must be on the shelf.
 */
export function suggestedReorderPoint(f: ReorderPointFacts): number {
  // Rounded to 1e-9 first, so that 3 × (10/28 × 14) is 15, not 15.000000000000002 → 16.
  const expected = Math.round(f.velocity * (f.leadTimeDays + f.reviewPeriodDays) * 1e9) / 1e9;
  return Math.ceil(expected) + Math.max(0, f.bufferStock);
}

/**
 * A quantity rounded up to what the supplier sells: at least the minimum order quantity, then up
 * to a whole number of packs. A pack size or minimum below 1 counts as 1.
 */
export function roundToPack(quantity: number, packSize: number, minimumOrderQuantity: number): number {
  if (quantity <= 0) return 0;
  const pack = Math.max(1, Math.floor(packSize));
  const atLeast = Math.max(quantity, Math.max(1, Math.floor(minimumOrderQuantity)));
  return Math.ceil(atLeast / pack) * pack;
}

export type ReorderFacts = {
  /** Available (on hand − committed) plus incoming, at the location. */
  position: number;
  reorderPoint: number | null;
  /** A fixed quantity to order each time. */
  reorderQuantity: number | null;
  /** Or: order up to this level. */
  maxLevel: number | null;
};

/** Whether the stock position is at or below the reorder point (no point set: never). */
export function needsReorder(f: Pick<ReorderFacts, 'position' | 'reorderPoint'>): boolean {
  return f.reorderPoint !== null && f.position <= f.reorderPoint;
}

/**
 * Units to order before pack rounding: the fixed reorder quantity; else up to the max level; else
 * just enough to lift the position above the reorder point. Zero when no reorder is needed.
 */
export function quantityToOrder(f: ReorderFacts): number {
  if (!needsReorder(f)) return 0;
  if (f.reorderQuantity !== null && f.reorderQuantity > 0) return f.reorderQuantity;
  if (f.maxLevel !== null && f.maxLevel > f.position) return f.maxLevel - f.position;
  return (f.reorderPoint as number) - f.position + 1;
}

/**
 * The weighted average cost after a receipt: the value of what was on hand at its average cost
 * plus the receipt at its unit cost, over the units after the receipt; rounded half up to a minor
 * unit. Stock on hand at or below zero, or no cost yet, carries no value: the receipt's cost wins.
 * In BigInt, since on hand × cost can pass 2^53.
 */
export function weightedAverageCost(
  before: { onHand: number; averageCost: number | null },
  receipt: { quantity: number; unitCost: number },
): number {
  if (receipt.quantity <= 0) return before.averageCost ?? receipt.unitCost;
  if (before.averageCost === null || before.onHand <= 0) return receipt.unitCost;
  const value = BigInt(before.onHand) * BigInt(before.averageCost) + BigInt(receipt.quantity) * BigInt(receipt.unitCost);
  const units = BigInt(before.onHand + receipt.quantity);
  return Number((value * 2n + units) / (units * 2n));
}
