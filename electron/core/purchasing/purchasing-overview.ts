/**
 * The dashboard's purchasing figures, in grouped queries: stock value at cost beside retail (with
 * the margin), what has no cost yet, what needs ordering and which purchase orders are late.
 */
import type { Output } from '../../../shared/contract';
import { utcToday } from '../../../shared/domain/availability';
import { fromMinorUnits } from '../../../shared/domain/money';
import { OPEN_PURCHASE_ORDER_STATUSES } from '../../../shared/schemas/purchase-orders';
import { exactSum, num, type Db } from '../util/db-helpers';

/** (retail − cost) / retail in percent, one decimal, rounded half up; null without retail value. */
export function marginPercent(cost: bigint, retail: bigint): string | null {
  if (retail <= 0n) return null;
  const tenths = ((retail - cost) * 2000n + retail) / (2n * retail);
  const sign = tenths < 0n ? '-' : '';
  const abs = tenths < 0n ? -tenths : tenths;
  return `${sign}${abs / 10n}.${abs % 10n}`;
}

export async function replenishmentOverview(db: Db): Promise<Output<'replenishment.overview'>> {
  const onHand = db('stock_levels').select('product_id').sum({ units: 'on_hand' }).groupBy('product_id').as('s');
  const values = (await db('products as p')
    .join(onHand, 's.product_id', 'p.id')
    .join('product_costs as c', 'c.product_id', 'p.id')
    .where('p.status', 'active')
    .andWhere('s.units', '>', 0)
    .select('c.currency')
    // Exact at any size: numeric on PostgreSQL, text of an int64 on SQLite (see exactSum).
    .select(db.raw('cast(sum(cast(s.units as numeric) * c.cost_minor) as text) as cost_minor'))
    .select(db.raw('cast(sum(case when p.currency = c.currency then cast(s.units as numeric) * p.price_minor else 0 end) as text) as retail_minor'))
    .select(db.raw('sum(s.units) as units'))
    .groupBy('c.currency')
    .orderBy('c.currency')) as Array<{ currency: string; cost_minor: unknown; retail_minor: unknown; units: unknown }>;
  const withoutCost = (await db('products as p')
    .join(onHand, 's.product_id', 'p.id')
    .leftJoin('product_costs as c', 'c.product_id', 'p.id')
    .where('p.status', 'active')
    .andWhere('s.units', '>', 0)
    .whereNull('c.product_id')
    .count({ n: '*' })
    .first()) as { n: unknown } | undefined;
  const toReorder = (await db('reorder_settings as r')
    .join('products as p', 'p.id', 'r.product_id')
    .leftJoin('stock_levels as l', (j) => j.on('l.product_id', 'r.product_id').andOn('l.location_id', 'r.location_id'))
    .where('p.status', 'active')
    .whereNotNull('r.reorder_point')
    .andWhereRaw('coalesce(l.on_hand, 0) - coalesce(l.committed, 0) + coalesce(l.incoming, 0) <= r.reorder_point')
    .countDistinct({ n: 'r.product_id' })
    .first()) as { n: unknown } | undefined;
  const open = (await db('purchase_orders').whereIn('status', [...OPEN_PURCHASE_ORDER_STATUSES]).count({ n: '*' }).first()) as { n: unknown } | undefined;
  const late = (await db('purchase_orders as o')
    .join('purchase_order_lines as l', 'l.purchase_order_id', 'o.id')
    .join('suppliers as s', 's.id', 'o.supplier_id')
    .whereIn('o.status', [...OPEN_PURCHASE_ORDER_STATUSES])
    .andWhere('l.expected_date', '<', utcToday())
    .andWhereRaw('l.received < l.quantity')
    .select('o.id', 'o.number', 's.name as supplier_name')
    .min({ expected: 'l.expected_date' })
    .groupBy('o.id', 'o.number', 's.name')
    .orderBy('expected')) as Array<{ id: string; number: string; supplier_name: string; expected: string }>;
  return {
    stockValueAtCost: values.map((v) => {
      const cost = exactSum(v.cost_minor);
      const retail = exactSum(v.retail_minor);
      return { currency: v.currency, cost: fromMinorUnits(cost, v.currency), retail: fromMinorUnits(retail, v.currency), units: num(v.units), marginPercent: marginPercent(cost, retail) };
    }),
    productsWithoutCost: num(withoutCost?.n),
    productsToReorder: num(toReorder?.n),
    openPurchaseOrders: num(open?.n),
    latePurchaseOrders: late.map((l) => ({ id: l.id, number: l.number, supplierName: l.supplier_name, expectedDate: l.expected })),
  };
}
