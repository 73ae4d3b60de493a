/**
 * A product's side of purchasing: who supplies it at what cost and in which packs, its reorder
 * settings per location with the reorder point its sales suggest, and its average cost.
 */
import type { ParsedInput, Output } from '../../../shared/contract';
import { AppError, type FieldIssue } from '../../../shared/errors';
import { amountProblem, fromMinorUnits, toMinorUnits } from '../../../shared/domain/money';
import { dailyVelocity, needsReorder, suggestedReorderPoint } from '../../../shared/domain/replenishment';
import type { ProductSupplier, ReorderSetting } from '../../../shared/schemas/purchasing';
import { withIdempotency } from '../idempotency';
import type { LocationDirectory, LocationRecord } from '../locations/locations';
import { findProductRow, type ProductRow } from '../products/product-repository';
import type { NewChange } from '../changes/change-log';
import { reorderNeeded, stockPosition } from '../stock/reorder-events';
import type { LevelFigures } from '../stock/stock-summary';
import { bool, num, type Db } from '../util/db-helpers';
import type { ExclusiveWriter, WriteContext } from '../write-queue';
import { salesKey, unitsSold, windowStart } from './sales-velocity';

export type PurchasingSettings = {
  reviewPeriodDays: number;
  velocityWindowDays: number;
  shopBufferStock: number;
  defaultLocation: string;
};

/** A product–supplier link joined with its supplier's name, currency and lead time. */
export type LinkRow = {
  supplier_id: string;
  supplier_sku: string | null;
  unit_cost_minor: unknown;
  pack_size: unknown;
  minimum_order_quantity: unknown;
  preferred: unknown;
  name: string;
  currency: string;
  lead_time_days: unknown;
};

export async function productOrFail(db: Db, idOrSku: string): Promise<ProductRow> {
  const row = await findProductRow(db, idOrSku);
  if (!row) throw new AppError('not_found', `No product with id or SKU "${idOrSku}"`, { field: 'idOrSku' });
  return row;
}

function failIf(issues: FieldIssue[]): void {
  const first = issues[0];
  if (first) throw new AppError('validation_failed', `${first.path}: ${first.message}`, { issues });
}

/** The product's supplier links with the supplier's name, currency and lead time; preferred first. */
export async function linksOf(db: Db, productId: string): Promise<Array<ProductSupplier & { leadTimeDays: number }>> {
  const rows = (await db('product_suppliers as ps')
    .join('suppliers as s', 's.id', 'ps.supplier_id')
    .select('ps.*', 's.name', 's.currency', 's.lead_time_days')
    .where('ps.product_id', productId)
    .orderBy([{ column: 'ps.preferred', order: 'desc' }, { column: 's.name' }])) as LinkRow[];
  return rows.map((r) => ({
    supplierId: r.supplier_id,
    supplierName: r.name,
    supplierSku: r.supplier_sku,
    unitCost: r.unit_cost_minor === null ? null : fromMinorUnits(num(r.unit_cost_minor), r.currency),
    currency: r.currency,
    packSize: num(r.pack_size),
    minimumOrderQuantity: num(r.minimum_order_quantity),
    preferred: bool(r.preferred),
    leadTimeDays: num(r.lead_time_days),
  }));
}

export class ProductPurchasing {
  constructor(
    private readonly db: Db,
    private readonly queue: ExclusiveWriter,
    private readonly locations: LocationDirectory,
    private readonly settings: () => PurchasingSettings,
  ) {}

  async suppliers(idOrSku: string, db: Db = this.db): Promise<Output<'products.suppliers.get'>> {
    const product = await productOrFail(db, idOrSku);
    const cost = (await db('product_costs').where({ product_id: product.id }).first()) as { cost_minor: unknown; currency: string } | undefined;
    const links = await linksOf(db, product.id);
    return {
      sku: product.sku,
      averageCost: cost ? fromMinorUnits(num(cost.cost_minor), cost.currency) : null,
      costCurrency: cost?.currency ?? null,
      suppliers: links.map(({ leadTimeDays: _lead, ...link }) => link),
    };
  }

  /** Replaces the product's supplier list, all or nothing; each bad entry is named by its index. */
  setSuppliers(input: ParsedInput<'products.suppliers.set'>): Promise<Output<'products.suppliers.get'>> {
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'products.suppliers.set', input, async () => {
        const product = await productOrFail(ctx.trx, input.idOrSku);
        await writeLinks(ctx, product, input.suppliers);
        return this.suppliers(product.id, ctx.trx);
      }),
    );
  }

  async reorder(idOrSku: string, db: Db = this.db): Promise<Output<'products.reorder.get'>> {
    const product = await productOrFail(db, idOrSku);
    const settings = this.settings();
    const rows = (await db('reorder_settings').where({ product_id: product.id })) as Array<{
      location_id: string;
      reorder_point: unknown;
      reorder_quantity: unknown;
      max_level: unknown;
    }>;
    const levels = (await db('stock_levels').where({ product_id: product.id })) as LevelFigures[];
    const sold = await unitsSold(db, windowStart(settings.velocityWindowDays), [product.id]);
    const links = await linksOf(db, product.id);
    const leadTimeDays = links[0]?.leadTimeDays ?? 0;
    const buffer = product.buffer_stock === null ? settings.shopBufferStock : num(product.buffer_stock);
    // Every location with a setting, stock or sales, and the default location.
    const ids = new Set([...rows.map((r) => r.location_id), ...levels.map((l) => l.location_id)]);
    for (const key of sold.keys()) ids.add(key.slice(product.id.length + 1));
    const fallback = await this.locations.byCodeOrLoad(db, settings.defaultLocation);
    if (fallback) ids.add(fallback.id);
    const out: ReorderSetting[] = [];
    for (const id of ids) {
      const location = await this.locations.byIdOrLoad(db, id);
      if (!location) continue;
      const row = rows.find((r) => r.location_id === id);
      const level = levels.find((l) => l.location_id === id);
      const velocity = dailyVelocity(sold.get(salesKey(product.id, id)) ?? 0, settings.velocityWindowDays);
      out.push({
        location: location.code,
        reorderPoint: row?.reorder_point == null ? null : num(row.reorder_point),
        reorderQuantity: row?.reorder_quantity == null ? null : num(row.reorder_quantity),
        maxLevel: row?.max_level == null ? null : num(row.max_level),
        position: stockPosition(level && { on_hand: num(level.on_hand), committed: num(level.committed), incoming: num(level.incoming) }),
        velocity,
        suggestedReorderPoint: suggestedReorderPoint({ velocity, leadTimeDays, reviewPeriodDays: settings.reviewPeriodDays, bufferStock: buffer }),
      });
    }
    out.sort((a, b) => (a.location < b.location ? -1 : 1));
    return { sku: product.sku, locations: out };
  }

  /**
   * Sets one location's reorder settings (all null removes them). A point that the stock position
   * has already reached, and had not before, is a crossing: reorder.needed, like a sale would give.
   */
  setReorder(input: ParsedInput<'products.reorder.set'>): Promise<Output<'products.reorder.get'>> {
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'products.reorder.set', input, async () => {
        const product = await productOrFail(ctx.trx, input.idOrSku);
        const location = await this.location(ctx, input.location);
        const where = { product_id: product.id, location_id: location.id };
        const before = (await ctx.trx('reorder_settings').where(where).first()) as { reorder_point: unknown } | undefined;
        const level = (await ctx.trx('stock_levels').where(where).first()) as LevelFigures | undefined;
        const figures = level && { on_hand: num(level.on_hand), committed: num(level.committed), incoming: num(level.incoming) };
        const position = stockPosition(figures);
        const values = { reorder_point: input.reorderPoint, reorder_quantity: input.reorderQuantity, max_level: input.maxLevel };
        if (values.reorder_point === null && values.reorder_quantity === null && values.max_level === null) {
          await ctx.trx('reorder_settings').where(where).delete();
        } else {
          await ctx.trx('reorder_settings').insert({ ...where, ...values, updated_at: ctx.now }).onConflict(['product_id', 'location_id']).merge();
        }
        const settings = { location: location.code, reorderPoint: input.reorderPoint, reorderQuantity: input.reorderQuantity, maxLevel: input.maxLevel };
        const entries: NewChange[] = [{ type: 'replenishment.changed', productId: product.id, sku: product.sku, payload: { sku: product.sku, reorder: settings } }];
        const wasNeeded = before?.reorder_point != null && needsReorder({ position, reorderPoint: num(before.reorder_point) });
        if (input.reorderPoint !== null && !wasNeeded && needsReorder({ position, reorderPoint: input.reorderPoint })) {
          entries.push(reorderNeeded(product, location.code, input.reorderPoint, figures));
        }
        await ctx.append(entries);
        return this.reorder(product.id, ctx.trx);
      }),
    );
  }

  private async location(ctx: WriteContext, code: string | undefined): Promise<LocationRecord> {
    const wanted = code ?? this.settings().defaultLocation;
    const found = await this.locations.byCodeOrLoad(ctx.trx, wanted);
    if (!found) throw new AppError('not_found', `There is no location "${wanted}"`, { field: 'location', location: wanted });
    return found;
  }
}

/**
 * Writes a product's supplier list in the caller's transaction (the PUT, and a CSV import's
 * `supplier` column): every supplier must exist, appear once, and price in its own currency; at
 * most one is preferred.
 */
export async function writeLinks(ctx: WriteContext, product: ProductRow, links: ParsedInput<'products.suppliers.set'>['suppliers']): Promise<void> {
  const issues: FieldIssue[] = [];
  const ids = [...new Set(links.map((l) => l.supplierId))];
  const suppliers = new Map(
    ((await ctx.trx('suppliers').select('id', 'currency').whereIn('id', ids)) as Array<{ id: string; currency: string }>).map((s) => [s.id, s.currency]),
  );
  const seen = new Set<string>();
  links.forEach((link, i) => {
    const currency = suppliers.get(link.supplierId);
    if (!currency) issues.push({ path: `suppliers.${i}.supplierId`, message: `there is no supplier with id ${link.supplierId}` });
    else if (link.unitCost !== null) {
      const problem = amountProblem(link.unitCost, currency);
      if (problem) issues.push({ path: `suppliers.${i}.unitCost`, message: problem });
    }
    if (seen.has(link.supplierId)) issues.push({ path: `suppliers.${i}.supplierId`, message: 'this supplier is listed twice' });
    seen.add(link.supplierId);
  });
  if (links.filter((l) => l.preferred).length > 1) {
    issues.push({ path: `suppliers.${links.findLastIndex((l) => l.preferred)}.preferred`, message: 'only one supplier can be preferred' });
  }
  failIf(issues);
  await ctx.trx('product_suppliers').where({ product_id: product.id }).delete();
  if (links.length > 0) {
    await ctx.trx('product_suppliers').insert(
      links.map((l) => ({
        product_id: product.id,
        supplier_id: l.supplierId,
        supplier_sku: l.supplierSku,
        unit_cost_minor: l.unitCost === null ? null : toMinorUnits(l.unitCost, suppliers.get(l.supplierId) as string),
        pack_size: l.packSize,
        minimum_order_quantity: l.minimumOrderQuantity,
        preferred: l.preferred,
        updated_at: ctx.now,
      })),
    );
  }
  await ctx.append([
    {
      type: 'replenishment.changed',
      productId: product.id,
      sku: product.sku,
      payload: { sku: product.sku, suppliers: links.map((l) => ({ ...l })) },
    },
  ]);
}
