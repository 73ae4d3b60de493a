/**
 * What to order now: every active product whose stock position (available plus incoming) at a
 * location is at or below its reorder point, grouped by the supplier to order from (the preferred
 * one, or the one asked for), with the quantity rounded up to that supplier's packs and minimum.
 */
import type { ParsedInput, Output } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { fromMinorUnits } from '../../../shared/domain/money';
import { dailyVelocity, quantityToOrder, roundToPack, suggestedReorderPoint } from '../../../shared/domain/replenishment';
import type { SuggestionGroup, SuggestionLine } from '../../../shared/schemas/purchase-orders';
import type { LocationDirectory } from '../locations/locations';
import { chunkValues, num, type Db } from '../util/db-helpers';
import type { LinkRow, PurchasingSettings } from './product-purchasing';
import { salesKey, unitsSold, windowStart } from './sales-velocity';
import { findSupplier } from './supplier-service';

type Candidate = {
  product_id: string;
  location_id: string;
  reorder_point: unknown;
  reorder_quantity: unknown;
  max_level: unknown;
  sku: string;
  title: string;
  buffer_stock: unknown;
  on_hand: unknown;
  committed: unknown;
  incoming: unknown;
};

/** A link as the suggestions read it: which product, and the supplier's minimum order value too. */
type Link = LinkRow & { product_id: string; minimum_order_minor: unknown };

const nullable = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

export async function replenishmentSuggestions(
  db: Db,
  locations: LocationDirectory,
  settings: PurchasingSettings,
  input: ParsedInput<'replenishment.suggestions'>,
): Promise<Output<'replenishment.suggestions'>> {
  let onlySupplier: string | null = null;
  if (input.supplier) {
    const found = await findSupplier(db, input.supplier);
    if (!found) throw new AppError('not_found', `No supplier with id or name "${input.supplier}"`, { field: 'supplier' });
    onlySupplier = found.id;
  }
  let q = db('reorder_settings as r')
    .join('products as p', 'p.id', 'r.product_id')
    .leftJoin('stock_levels as s', (j) => j.on('s.product_id', 'r.product_id').andOn('s.location_id', 'r.location_id'))
    .select('r.*', 'p.sku', 'p.title', 'p.buffer_stock', 's.on_hand', 's.committed', 's.incoming')
    .where('p.status', 'active')
    .whereNotNull('r.reorder_point')
    .orderBy('p.sku');
  if (input.location) {
    const location = await locations.byCodeOrLoad(db, input.location);
    if (!location) throw new AppError('not_found', `There is no location "${input.location}"`, { field: 'location' });
    q = q.where('r.location_id', location.id);
  }
  const due = ((await q) as Candidate[]).filter((c) => num(c.on_hand) - num(c.committed) + num(c.incoming) <= num(c.reorder_point));
  const productIds = [...new Set(due.map((c) => c.product_id))];
  const links = new Map<string, Link[]>();
  for (const chunk of chunkValues(productIds)) {
    const rows = (await db('product_suppliers as ps')
      .join('suppliers as su', 'su.id', 'ps.supplier_id')
      .select('ps.*', 'su.name', 'su.currency', 'su.lead_time_days', 'su.minimum_order_minor')
      .whereIn('ps.product_id', chunk)
      .orderBy([{ column: 'ps.preferred', order: 'desc' }, { column: 'su.name' }])) as Link[];
    for (const r of rows) links.set(r.product_id, [...(links.get(r.product_id) ?? []), r]);
  }
  const sold = productIds.length > 0 ? await unitsSold(db, windowStart(settings.velocityWindowDays), productIds) : new Map<string, number>();

  const groups = new Map<string, { link: Link | null; lines: SuggestionLine[]; total: bigint; costed: boolean }>();
  for (const c of due) {
    const candidates = links.get(c.product_id) ?? [];
    const link = onlySupplier ? candidates.find((l) => l.supplier_id === onlySupplier) : candidates[0];
    if (onlySupplier && !link) continue;
    const available = num(c.on_hand) - num(c.committed);
    const incoming = num(c.incoming);
    const point = num(c.reorder_point);
    const base = quantityToOrder({ position: available + incoming, reorderPoint: point, reorderQuantity: nullable(c.reorder_quantity), maxLevel: nullable(c.max_level) });
    const packSize = link ? num(link.pack_size) : 1;
    const moq = link ? num(link.minimum_order_quantity) : 1;
    const quantity = roundToPack(base, packSize, moq);
    const velocity = dailyVelocity(sold.get(salesKey(c.product_id, c.location_id)) ?? 0, settings.velocityWindowDays);
    const buffer = c.buffer_stock === null ? settings.shopBufferStock : num(c.buffer_stock);
    const unitCost = link && link.unit_cost_minor !== null ? num(link.unit_cost_minor) : null;
    const key = link?.supplier_id ?? '';
    const group = groups.get(key) ?? { link: link ?? null, lines: [], total: 0n, costed: false };
    group.lines.push({
      sku: c.sku,
      title: c.title,
      location: locations.cachedById(c.location_id)?.code ?? (await locations.byIdOrLoad(db, c.location_id))?.code ?? c.location_id,
      available,
      incoming,
      reorderPoint: point,
      reorderQuantity: nullable(c.reorder_quantity),
      maxLevel: nullable(c.max_level),
      quantity,
      packSize,
      minimumOrderQuantity: moq,
      supplierSku: link?.supplier_sku ?? null,
      unitCost: unitCost === null || !link ? null : fromMinorUnits(unitCost, link.currency),
      velocity,
      suggestedReorderPoint: suggestedReorderPoint({ velocity, leadTimeDays: link ? num(link.lead_time_days) : 0, reviewPeriodDays: settings.reviewPeriodDays, bufferStock: buffer }),
    });
    if (unitCost !== null) {
      group.total += BigInt(quantity) * BigInt(unitCost);
      group.costed = true;
    }
    groups.set(key, group);
  }

  const out: SuggestionGroup[] = [...groups.values()].map(({ link, lines, total, costed }) => {
    const minimum = link ? nullable(link.minimum_order_minor) : null;
    return {
      supplierId: link?.supplier_id ?? null,
      supplierName: link?.name ?? null,
      currency: link?.currency ?? null,
      lines,
      total: link && costed ? fromMinorUnits(total, link.currency) : null,
      minimumOrderValue: link && minimum !== null ? fromMinorUnits(minimum, link.currency) : null,
      belowMinimum: minimum !== null && total < BigInt(minimum),
    };
  });
  // Suppliers by name, the products without one last.
  out.sort((a, b) => (a.supplierName === null ? 1 : b.supplierName === null ? -1 : a.supplierName.localeCompare(b.supplierName)));
  return { groups: out };
}
