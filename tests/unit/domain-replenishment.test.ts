/**
 * The replenishment arithmetic: sales velocity, the suggested reorder point, pack and minimum
 * order rounding, the quantity to order, and the weighted average cost of a receipt.
 */
import { describe, expect, it } from 'vitest';
import {
  dailyVelocity,
  needsReorder,
  quantityToOrder,
  roundToPack,
  suggestedReorderPoint,
  weightedAverageCost,
} from '../../shared/domain/replenishment';

describe('sales velocity', () => {
  it('is the units sold over the window, per day', () => {
    expect(dailyVelocity(56, 28)).toBe(2);
    expect(dailyVelocity(7, 28)).toBe(0.25);
    expect(dailyVelocity(0, 28)).toBe(0);
  });

  it('never goes negative (returns outweighing sales sell nothing) and needs a window', () => {
    expect(dailyVelocity(-3, 28)).toBe(0);
    expect(() => dailyVelocity(10, 0)).toThrow(RangeError);
  });
});

describe('suggested reorder point', () => {
  it('is velocity × (lead time + review period) + buffer, rounded up to a whole unit', () => {
    expect(suggestedReorderPoint({ velocity: 2, leadTimeDays: 10, reviewPeriodDays: 7, bufferStock: 3 })).toBe(37);
    expect(suggestedReorderPoint({ velocity: 0.25, leadTimeDays: 5, reviewPeriodDays: 7, bufferStock: 0 })).toBe(3);
    expect(suggestedReorderPoint({ velocity: 0.3, leadTimeDays: 5, reviewPeriodDays: 0, bufferStock: 2 })).toBe(4);
  });

  it('does not add a unit for floating-point dust', () => {
    // 10 sold in 28 days, 14 + 7 days: exactly 7.5 → 8; 3 × 10/28 × 14 = 15 exactly.
    expect(suggestedReorderPoint({ velocity: dailyVelocity(10, 28), leadTimeDays: 14, reviewPeriodDays: 7, bufferStock: 0 })).toBe(8);
    expect(suggestedReorderPoint({ velocity: dailyVelocity(30, 28), leadTimeDays: 14, reviewPeriodDays: 0, bufferStock: 0 })).toBe(15);
  });

  it('is just the buffer for a product that does not sell', () => {
    expect(suggestedReorderPoint({ velocity: 0, leadTimeDays: 14, reviewPeriodDays: 7, bufferStock: 5 })).toBe(5);
  });
});

describe('pack size and minimum order quantity', () => {
  it('rounds up to whole packs', () => {
    expect(roundToPack(13, 12, 1)).toBe(24);
    expect(roundToPack(12, 12, 1)).toBe(12);
    expect(roundToPack(1, 6, 1)).toBe(6);
  });

  it('orders at least the minimum, then whole packs of it', () => {
    expect(roundToPack(5, 1, 20)).toBe(20);
    expect(roundToPack(5, 12, 30)).toBe(36);
    expect(roundToPack(40, 12, 30)).toBe(48);
  });

  it('orders nothing when nothing is needed, and treats sizes below 1 as 1', () => {
    expect(roundToPack(0, 12, 30)).toBe(0);
    expect(roundToPack(7, 0, 0)).toBe(7);
  });
});

describe('quantity to order', () => {
  const at = (position: number, extra: Partial<Parameters<typeof quantityToOrder>[0]> = {}) =>
    quantityToOrder({ position, reorderPoint: 10, reorderQuantity: null, maxLevel: null, ...extra });

  it('orders only at or below the reorder point', () => {
    expect(needsReorder({ position: 10, reorderPoint: 10 })).toBe(true);
    expect(needsReorder({ position: 11, reorderPoint: 10 })).toBe(false);
    expect(needsReorder({ position: -5, reorderPoint: null })).toBe(false);
    expect(at(11, { reorderQuantity: 50 })).toBe(0);
  });

  it('orders the fixed reorder quantity, else up to the max level, else just above the point', () => {
    expect(at(4, { reorderQuantity: 50 })).toBe(50);
    expect(at(4, { maxLevel: 40 })).toBe(36);
    expect(at(4)).toBe(7);
    // Backordered: the position is below zero, the max level still fills up to 40.
    expect(at(-6, { maxLevel: 40 })).toBe(46);
  });
});

describe('weighted average cost', () => {
  it('averages what was on hand with the receipt, by units', () => {
    // 10 at 2.00 and 30 at 3.00: 110.00 / 40 = 2.75.
    expect(weightedAverageCost({ onHand: 10, averageCost: 200 }, { quantity: 30, unitCost: 300 })).toBe(275);
  });

  it('rounds half up to a minor unit', () => {
    // (1 × 100 + 2 × 101) / 3 = 100.67 → 101; (1 × 100 + 1 × 101) / 2 = 100.5 → 101.
    expect(weightedAverageCost({ onHand: 1, averageCost: 100 }, { quantity: 2, unitCost: 101 })).toBe(101);
    expect(weightedAverageCost({ onHand: 1, averageCost: 100 }, { quantity: 1, unitCost: 101 })).toBe(101);
    expect(weightedAverageCost({ onHand: 2, averageCost: 100 }, { quantity: 1, unitCost: 101 })).toBe(100);
  });

  it('takes the receipt cost when there was no cost or nothing on hand', () => {
    expect(weightedAverageCost({ onHand: 10, averageCost: null }, { quantity: 5, unitCost: 450 })).toBe(450);
    expect(weightedAverageCost({ onHand: 0, averageCost: 200 }, { quantity: 5, unitCost: 450 })).toBe(450);
    expect(weightedAverageCost({ onHand: -3, averageCost: 200 }, { quantity: 5, unitCost: 450 })).toBe(450);
  });

  it('stays exact past 2^53 in the intermediate value', () => {
    // 10^12 units at 9,999.99 plus 10^12 at 10,000.01: the sum of values is ~2 × 10^18.
    expect(weightedAverageCost({ onHand: 1e12, averageCost: 999_999 }, { quantity: 1e12, unitCost: 1_000_001 })).toBe(1_000_000);
  });
});
