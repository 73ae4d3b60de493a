/**
 * The catalogue CSV's purchasing columns: `cost` (the product's cost, in the row's currency),
 * `supplier` (a supplier's name: the product's preferred supplier), `supplier_sku` (that
 * supplier's code for it), `reorder_point` and `reorder_quantity` (at the row's location). All
 * optional: a file without them imports as before, and an empty cell changes nothing.
 */
import { amountProblem, DECIMAL_PATTERN, fromMinorUnits, toMinorUnits } from '../../../shared/domain/money';
import { QUANTITY_MAX } from '../../../shared/domain/limits';
import type { LocationDirectory } from '../locations/locations';
import { bool, chunkValues, num, type Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import { setCost } from './costs';

import { amountCellProblem } from '../../../shared/csv/csv-format';
import { PURCHASING_COLUMNS, type PurchasingColumn } from '../../../shared/csv/import-fields';

export { PURCHASING_COLUMNS, type PurchasingColumn };

export type PurchasingCells = Partial<Record<PurchasingColumn, string>>;

type Issue = { row: number; column: string; message: string };

/** A row's purchasing cells with what the rest of the row says about it. */
export type PurchasingRow = {
  row: number;
  sku: string;
  /** The row's currency cell, when given. */
  currency: string | undefined;
  /** The row's location code, null for the default. */
  location: string | null;
  cells: PurchasingCells;
};

const UNITS = /^\s*\d+\s*$/;

function unitsProblem(value: string, column: string, min: number): string | null {
  if (!UNITS.test(value) || Number(value) < min || Number(value) > QUANTITY_MAX) {
    return `${column} must be a whole number of ${min} or more (found "${value.trim()}")`;
  }
  return null;
}

/**
 * How the catalogue import reads what a spreadsheet did to a cell, as it does for the price and
 * SKU (catalog/import-rows.ts), handed down since purchasing sits below the catalogue. Asked only
 * about a cell that is not plainly valid (a cost that is no plain amount, a supplier SKU with
 * "E+"), so a plain row pays nothing for it.
 */
export type CellReading = {
  /**
   * The amount of a cost written as a spreadsheet formats money ("12,50 €", "$1,234.00"): a
   * string to use, undefined when refused (the problem is reported), null when the cell is no such amount.
   */
  amount(cell: string, column: 'cost'): string | null | undefined;
  /** What a spreadsheet did to a code it took for a number (4,00638E+12), or null. */
  damage(column: 'supplier_sku', cell: string): string | null;
};

/**
 * Checks the cells that need no database. With `read`, a cost written with its currency is read
 * (the cell is rewritten to the amount) and a supplier SKU in scientific notation is refused.
 */
export function purchasingCellIssues(row: number, cells: PurchasingCells, read?: CellReading): Issue[] {
  const issues: Issue[] = [];
  if (cells.cost && !DECIMAL_PATTERN.test(cells.cost.trim())) {
    const amount = read?.amount(cells.cost, 'cost');
    if (typeof amount === 'string') cells.cost = amount;
    // Without a reader the file's decimal mark is not known: told in the point form.
    else if (amount === null || read === undefined) issues.push({ row, column: 'cost', message: amountCellProblem('cost', cells.cost, 'point') });
  }
  const damage = cells.supplier_sku && read ? read.damage('supplier_sku', cells.supplier_sku) : null;
  if (damage) issues.push({ row, column: 'supplier_sku', message: damage });
  for (const column of ['reorder_point', 'reorder_quantity'] as const) {
    const value = cells[column];
    const problem = value ? unitsProblem(value, column, column === 'reorder_point' ? 0 : 1) : null;
    if (problem) issues.push({ row, column, message: problem });
  }
  if (cells.supplier_sku && cells.supplier_sku.trim().length > 100) issues.push({ row, column: 'supplier_sku', message: 'a supplier SKU is at most 100 characters' });
  if (cells.supplier_sku?.trim() && !cells.supplier?.trim()) issues.push({ row, column: 'supplier_sku', message: 'a supplier SKU needs the supplier column' });
  return issues;
}

export type PurchasingPlan = { issues: Issue[]; write(ctx: WriteContext): Promise<void> };

/**
 * Checks the rows against the database (the supplier exists, the cost fits its currency, the
 * location exists) and returns what writes them, in the import's transaction, after its products.
 */
export async function planPurchasingColumns(
  db: Db,
  rows: PurchasingRow[],
  defaults: { currency: string; location: string; locations: LocationDirectory },
): Promise<PurchasingPlan> {
  const used = rows.filter((r) => PURCHASING_COLUMNS.some((c) => (r.cells[c] ?? '').trim() !== ''));
  if (used.length === 0) return { issues: [], write: async () => undefined };
  const issues: Issue[] = [];
  const names = [...new Set(used.flatMap((r) => (r.cells.supplier?.trim() ? [r.cells.supplier.trim()] : [])))];
  const suppliers = new Map<string, string>();
  for (const chunk of chunkValues(names)) {
    for (const s of (await db('suppliers').select('id', 'name').whereIn('name', chunk)) as Array<{ id: string; name: string }>) suppliers.set(s.name, s.id);
  }
  const stored = new Map<string, string>();
  for (const chunk of chunkValues([...new Set(used.map((r) => r.sku))])) {
    for (const p of (await db('products').select('sku', 'currency').whereIn('sku', chunk)) as Array<{ sku: string; currency: string }>) stored.set(p.sku, p.currency);
  }
  const currencyOf = (r: PurchasingRow) => r.currency?.trim().toUpperCase() || stored.get(r.sku) || defaults.currency;
  for (const r of used) {
    const supplier = r.cells.supplier?.trim();
    if (supplier && !suppliers.has(supplier)) issues.push({ row: r.row, column: 'supplier', message: `there is no supplier named "${supplier}"; add it under Purchasing first` });
    const cost = r.cells.cost?.trim();
    if (cost) {
      const problem = amountProblem(cost, currencyOf(r));
      if (problem) issues.push({ row: r.row, column: 'cost', message: problem });
    }
    if ((r.cells.reorder_point?.trim() || r.cells.reorder_quantity?.trim()) && !(await defaults.locations.byCodeOrLoad(db, r.location ?? defaults.location))) {
      issues.push({ row: r.row, column: 'location', message: `there is no location "${r.location ?? defaults.location}"` });
    }
  }
  return {
    issues,
    async write(ctx) {
      const ids = new Map<string, { id: string; currency: string }>();
      for (const chunk of chunkValues([...new Set(used.map((r) => r.sku))])) {
        for (const p of (await ctx.trx('products').select('id', 'sku', 'currency').whereIn('sku', chunk)) as Array<{ id: string; sku: string; currency: string }>) {
          ids.set(p.sku, { id: p.id, currency: p.currency });
        }
      }
      const touched = new Map<string, string>();
      for (const r of used) {
        const product = ids.get(r.sku);
        if (!product) continue;
        touched.set(product.id, r.sku);
        const cost = r.cells.cost?.trim();
        if (cost) await setCost(ctx, product.id, toMinorUnits(cost, product.currency), product.currency);
        const supplier = r.cells.supplier?.trim();
        const supplierId = supplier ? suppliers.get(supplier) : undefined;
        if (supplierId) await preferSupplier(ctx, product.id, supplierId, r.cells.supplier_sku?.trim() || undefined);
        const point = r.cells.reorder_point?.trim();
        const quantity = r.cells.reorder_quantity?.trim();
        if (point || quantity) {
          const location = (await defaults.locations.byCodeOrLoad(ctx.trx, r.location ?? defaults.location))?.id as string;
          const values = { ...(point ? { reorder_point: Number(point) } : {}), ...(quantity ? { reorder_quantity: Number(quantity) } : {}) };
          await ctx.trx('reorder_settings')
            .insert({ product_id: product.id, location_id: location, reorder_point: null, reorder_quantity: null, max_level: null, ...values, updated_at: ctx.now })
            .onConflict(['product_id', 'location_id'])
            .merge({ ...values, updated_at: ctx.now });
        }
      }
      await ctx.append([...touched].map(([productId, sku]) => ({ type: 'replenishment.changed' as const, productId, sku, payload: { sku, source: 'import' } })));
    },
  };
}

/** Makes the supplier the product's preferred one (linking it if it was not), keeping the link's other figures. */
async function preferSupplier(ctx: WriteContext, productId: string, supplierId: string, supplierSku: string | undefined): Promise<void> {
  await ctx.trx('product_suppliers').where({ product_id: productId }).whereNot({ supplier_id: supplierId }).update({ preferred: false });
  const existing = await ctx.trx('product_suppliers').where({ product_id: productId, supplier_id: supplierId }).first();
  if (existing) {
    await ctx.trx('product_suppliers')
      .where({ product_id: productId, supplier_id: supplierId })
      .update({ preferred: true, ...(supplierSku !== undefined ? { supplier_sku: supplierSku } : {}), updated_at: ctx.now });
  } else {
    await ctx.trx('product_suppliers').insert({
      product_id: productId,
      supplier_id: supplierId,
      supplier_sku: supplierSku ?? null,
      unit_cost_minor: null,
      pack_size: 1,
      minimum_order_quantity: 1,
      preferred: true,
      updated_at: ctx.now,
    });
  }
}

/** The purchasing cells of a page of exported products: per product, and reorder settings per product and location code. */
export async function exportPurchasingCells(
  db: Db,
  products: Array<{ id: string; currency: string }>,
): Promise<{ cells(productId: string, location: string): Record<PurchasingColumn, string>; reorderLocations(productId: string): string[] }> {
  const ids = products.map((p) => p.id);
  const currencyOf = new Map(products.map((p) => [p.id, p.currency]));
  const costs = new Map<string, string>();
  for (const c of (await db('product_costs').whereIn('product_id', ids)) as Array<{ product_id: string; cost_minor: unknown; currency: string }>) {
    // A cost in another currency than the product's would be read back in the product's: left out.
    if (c.currency === currencyOf.get(c.product_id)) costs.set(c.product_id, fromMinorUnits(num(c.cost_minor), c.currency));
  }
  const preferred = new Map<string, { name: string; sku: string | null }>();
  const links = (await db('product_suppliers as ps')
    .join('suppliers as s', 's.id', 'ps.supplier_id')
    .select('ps.product_id', 'ps.supplier_sku', 'ps.preferred', 's.name')
    .whereIn('ps.product_id', ids)) as Array<{ product_id: string; supplier_sku: string | null; preferred: unknown; name: string }>;
  for (const l of links) if (bool(l.preferred)) preferred.set(l.product_id, { name: l.name, sku: l.supplier_sku });
  const reorder = new Map<string, { point: unknown; quantity: unknown }>();
  const byProduct = new Map<string, string[]>();
  const settings = (await db('reorder_settings as r')
    .join('locations as l', 'l.id', 'r.location_id')
    .select('r.product_id', 'l.code', 'r.reorder_point', 'r.reorder_quantity')
    .whereIn('r.product_id', ids)) as Array<{ product_id: string; code: string; reorder_point: unknown; reorder_quantity: unknown }>;
  for (const s of settings) {
    reorder.set(`${s.product_id}|${s.code}`, { point: s.reorder_point, quantity: s.reorder_quantity });
    byProduct.set(s.product_id, [...(byProduct.get(s.product_id) ?? []), s.code]);
  }
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(num(v)));
  return {
    cells(productId, location) {
      const link = preferred.get(productId);
      const r = reorder.get(`${productId}|${location}`);
      return {
        cost: costs.get(productId) ?? '',
        supplier: link?.name ?? '',
        supplier_sku: link?.sku ?? '',
        reorder_point: text(r?.point),
        reorder_quantity: text(r?.quantity),
      };
    },
    reorderLocations: (productId) => byProduct.get(productId) ?? [],
  };
}
