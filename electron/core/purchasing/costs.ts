/**
 * The weighted average cost of each product, kept in minor units with its currency. Each receipt
 * averages it with what was on hand; a cost can only be averaged with one in the same currency,
 * so a receipt in another currency (a new supplier abroad) starts the average afresh.
 */
import { weightedAverageCost } from '../../../shared/domain/replenishment';
import { num, type Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';

type CostRow = { product_id: string; cost_minor: unknown; currency: string };

export async function costOf(db: Db, productId: string): Promise<{ cost: number; currency: string } | null> {
  const row = (await db('product_costs').where({ product_id: productId }).first()) as CostRow | undefined;
  return row ? { cost: num(row.cost_minor), currency: row.currency } : null;
}

/** Sets the cost outright (a CSV import's `cost` column, the owner's own figure). */
export async function setCost(ctx: WriteContext, productId: string, cost: number, currency: string): Promise<void> {
  await ctx.trx('product_costs').insert({ product_id: productId, cost_minor: cost, currency, updated_at: ctx.now }).onConflict('product_id').merge();
}

/** Averages a receipt into the product's cost; `onHandBefore` is the product's on hand over all locations before it. */
export async function recordReceiptCost(
  ctx: WriteContext,
  productId: string,
  receipt: { onHandBefore: number; quantity: number; unitCost: number; currency: string },
): Promise<number> {
  const before = await costOf(ctx.trx, productId);
  const same = before !== null && before.currency === receipt.currency;
  const cost = weightedAverageCost({ onHand: receipt.onHandBefore, averageCost: same ? before.cost : null }, receipt);
  await setCost(ctx, productId, cost, receipt.currency);
  return cost;
}
