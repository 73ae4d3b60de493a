/**
 * One bulk edit applied to stored products, in memory and then in one transaction per batch. Each
 * product is decided on its own: changed, unchanged, or refused with the reason (a price cut
 * below its sale price, an amount its currency cannot hold), so a batch never half-applies one
 * product, and the caller chooses what a refusal means (products.bulk: nothing at all; a job: the
 * others go ahead and the refusals are reported).
 */
import type { Knex } from 'knex';
import type { ParsedInput } from '../../../shared/contract';
import { MONEY_MAX_MINOR } from '../../../shared/domain/limits';
import { amountProblem, fromMinorUnits, toMinorUnits } from '../../../shared/domain/money';
import { changeByPercent, percentOff } from '../../../shared/domain/price-change';
import type { NewChange } from '../changes/change-log';
import { productCrossings } from '../stock/availability-events';
import type { SummaryContext } from '../stock/stock-summary';
import { num } from '../util/db-helpers';
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

/** Columns a bulk edit can change; the update below writes only these. */
const EDITED_COLUMNS = ['status', 'buffer_stock', 'price_minor', 'sale_price_minor', 'updated_at'] as const;

/**
 * One UPDATE for the batch: a column every product gets the same value in (a status, a buffer, a
 * price set to an amount, the time) is `col = ?`; columns whose value differs per product (a price
 * changed by a percentage) come from a VALUES list joined on the id (UPDATE … FROM, the same
 * statement on SQLite and PostgreSQL; both name a VALUES list's columns column1, column2, …).
 * Statement count, not row count, bounds write speed with node-sqlite3 (~100 µs a statement), so
 * nothing here runs per row; a CASE on the id instead compares every row with every branch.
 */
async function updateRows(ctx: WriteContext, before: ProductRow[], rows: ProductRow[]): Promise<void> {
  const uniform: Array<[string, Knex.Value]> = [];
  const varying: Array<(typeof EDITED_COLUMNS)[number]> = [];
  for (const column of EDITED_COLUMNS) {
    if (rows.every((r, i) => r[column] === (before[i] as ProductRow)[column])) continue;
    const first = (rows[0] as ProductRow)[column] as Knex.Value;
    if (rows.every((r) => r[column] === first)) uniform.push([column, first]);
    else varying.push(column);
  }
  const sets = [...uniform.map(([column]) => `${column} = ?`), ...varying.map((column, k) => `${column} = v.column${k + 2}`)].join(', ');
  const values = uniform.map(([, value]) => value);
  if (varying.length === 0) {
    await ctx.trx.raw(`UPDATE products SET ${sets} WHERE id IN (${rows.map(() => '?').join(', ')})`, [...values, ...rows.map((r) => r.id)]);
    return;
  }
  // Only money columns differ per product; the cast tells PostgreSQL the parameters' type.
  const tuple = `(?${varying.map(() => ', CAST(? AS BIGINT)').join('')})`;
  const bindings = rows.flatMap((r) => [r.id, ...varying.map((column) => r[column] as Knex.Value)]);
  await ctx.trx.raw(`UPDATE products SET ${sets} FROM (VALUES ${rows.map(() => tuple).join(', ')}) AS v WHERE products.id = v.column1`, [...values, ...bindings]);
}

/** Products per UPDATE: three parameters each at most, well inside either engine's limit. */
const UPDATE_CHUNK = 1000;

/**
 * Writes the changed products of one batch inside the caller's transaction, then their
 * product.updated entries and any availability crossings (a status or buffer change can move a
 * product across its buffer), as single edits record them.
 */
export async function writeEdits(ctx: WriteContext, changed: Array<Extract<EditOutcome, { kind: 'changed' }>>, summary: SummaryContext): Promise<void> {
  if (changed.length === 0) return;
  for (let i = 0; i < changed.length; i += UPDATE_CHUNK) {
    const chunk = changed.slice(i, i + UPDATE_CHUNK);
    await updateRows(ctx, chunk.map((c) => c.before), chunk.map((c) => c.next));
  }
  const crossings = await productCrossings(ctx.trx, changed.map((c) => ({ before: c.before, after: c.next })), summary);
  await ctx.append([...changed.map((c) => c.change), ...crossings]);
}
