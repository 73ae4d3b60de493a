/**
 * One bulk edit applied to stored products, in memory and then in one transaction per batch. Each
 * product is decided on its own: changed, unchanged, or refused with the reason (a price cut
 * below its sale price, an amount its currency cannot hold), so a batch never half-applies one
 * product, and the caller chooses what a refusal means (products.bulk: nothing at all; a job: the
 * others go ahead and the refusals are reported).
 */
import type { ParsedInput } from '../../../shared/contract';
import { MONEY_MAX_MINOR } from '../../../shared/domain/limits';
import { amountProblem, fromMinorUnits, toMinorUnits } from '../../../shared/domain/money';
import { changeByPercent, percentOff } from '../../../shared/domain/price-change';
import type { NewChange } from '../changes/change-log';
import { productCrossings } from '../stock/availability-events';
import type { SummaryContext } from '../stock/stock-summary';
import { chunkRows, num } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import type { ProductRow } from './product-repository';
import { patchProductRow, type ProductPatchFields } from './product-service';

/** The edit of products.bulk and of a bulk job: the action and its value. */
export type BulkEdit = Pick<ParsedInput<'products.bulk'>, 'action' | 'bufferStock' | 'status' | 'price' | 'percent' | 'salePrice' | 'percentOff'>;

export type EditOutcome =
  | { kind: 'changed'; before: ProductRow; next: ProductRow; change: NewChange }
  | { kind: 'unchanged' }
  | { kind: 'refused'; message: string };

const money = (minor: number, currency: string) => `${fromMinorUnits(minor, currency)} ${currency}`;

/** The new price of a `price` edit, in minor units, or why this product cannot take it. */
function newPrice(row: ProductRow, edit: BulkEdit): number | string {
  const currency = row.currency;
  if (edit.price !== undefined) {
    const problem = amountProblem(edit.price, currency);
    return problem ?? toMinorUnits(edit.price, currency);
  }
  const next = changeByPercent(num(row.price_minor), edit.percent ?? 0);
  if (next > MONEY_MAX_MINOR) return `the new price would be more than Stockfeed can store (${money(MONEY_MAX_MINOR, currency)})`;
  return next;
}

/** The new sale price of a `salePrice` edit (null: none), or why this product cannot take it. */
function newSalePrice(row: ProductRow, edit: BulkEdit): number | null | string {
  const currency = row.currency;
  if (edit.percentOff !== undefined) return percentOff(num(row.price_minor), edit.percentOff);
  if (edit.salePrice === null || edit.salePrice === undefined) return null;
  const problem = amountProblem(edit.salePrice, currency);
  return problem ?? toMinorUnits(edit.salePrice, currency);
}

/** The fields the edit sets on this product, or why it cannot. */
function fieldsFor(row: ProductRow, edit: BulkEdit): ProductPatchFields | string {
  switch (edit.action) {
    case 'archive':
      return { status: 'archived' };
    case 'unarchive':
      return { status: 'active' };
    case 'status':
      return { status: edit.status };
    case 'buffer':
      return { bufferStock: edit.bufferStock ?? null };
    case 'price': {
      const price = newPrice(row, edit);
      if (typeof price === 'string') return price;
      const sale = row.sale_price_minor === null ? null : num(row.sale_price_minor);
      if (sale !== null && sale >= price) {
        return `its sale price ${money(sale, row.currency)} would not be below the new price ${money(price, row.currency)}; change or remove the sale price first`;
      }
      return { price: fromMinorUnits(price, row.currency) };
    }
    case 'salePrice': {
      const sale = newSalePrice(row, edit);
      if (typeof sale === 'string') return sale;
      const price = num(row.price_minor);
      if (sale !== null && sale >= price) {
        return `the sale price ${money(sale, row.currency)} would not be below its price ${money(price, row.currency)}`;
      }
      return { salePrice: sale === null ? null : fromMinorUnits(sale, row.currency) };
    }
  }
}

/** What the edit does to one stored product. */
export function editProduct(row: ProductRow, edit: BulkEdit, now: string): EditOutcome {
  const fields = fieldsFor(row, edit);
  if (typeof fields === 'string') return { kind: 'refused', message: fields };
  const patch = patchProductRow(row, fields, now);
  if (patch.issues.length > 0) return { kind: 'refused', message: patch.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  return patch.change ? { kind: 'changed', before: row, next: patch.next, change: patch.change } : { kind: 'unchanged' };
}

/** Columns a bulk edit can change; the upsert below writes only these over the stored row. */
const EDITED_COLUMNS: Array<keyof ProductRow> = ['status', 'buffer_stock', 'price_minor', 'sale_price_minor', 'updated_at'];

/**
 * Writes the changed products of one batch inside the caller's transaction: an upsert on the
 * primary key changes many rows per statement (statement count, not row count, bounds write speed),
 * then their product.updated entries and any availability crossings (a status or buffer change can
 * move a product across its buffer), as single edits record them.
 */
export async function writeEdits(ctx: WriteContext, changed: Array<Extract<EditOutcome, { kind: 'changed' }>>, summary: SummaryContext): Promise<void> {
  if (changed.length === 0) return;
  for (const chunk of chunkRows(changed.map((c) => c.next))) {
    await ctx.trx('products').insert(chunk).onConflict('id').merge(EDITED_COLUMNS);
  }
  const crossings = await productCrossings(ctx.trx, changed.map((c) => ({ before: c.before, after: c.next })), summary);
  await ctx.append([...changed.map((c) => c.change), ...crossings]);
}
