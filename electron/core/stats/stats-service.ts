/**
 * Dashboard figures, read from each product's stock totals and the ledger. Grouped queries only, so
 * they stay quick on a large catalogue; the stock level over time is rebuilt from movements (on
 * hand is the sum of a product's movements, which `check` verifies), never stored twice.
 */
import type { ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { fromMinorUnits } from '../../../shared/domain/money';
import { LOW_STOCK_UNITS } from '../../../shared/domain/replenishment';
import { MOVEMENT_KINDS, type MovementKind } from '../../../shared/schemas/stock';
import type { MovementsPerDay, StatsOverview, StockHistory } from '../../../shared/schemas/stats';
import { latestSeq } from '../changes/change-log';
import { exactSum, num, type Db } from '../util/db-helpers';

const DAY_MS = 86_400_000;

type CountColumn = 'active' | 'out_of_stock' | 'low' | 'low_stock' | 'incoming_units' | 'incoming_products';

/** The `days` UTC dates ending today, oldest first. */
export function dayRange(days: number, now: Date): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

export type StatsDeps = { db: Db; shopBufferStock: () => number; now?: () => Date };

export class StatsService {
  constructor(private readonly deps: StatsDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async overview(): Promise<StatsOverview> {
    const { db } = this.deps;
    // The sequence first: figures read after it are at least this fresh.
    const seq = await latestSeq(db);
    // Per product: how many locations have a reorder point, and at how many of them available is at
    // or below it (few rows: only products someone gave a reorder point).
    const points = db('reorder_settings as r')
      .leftJoin('stock_levels as l', (j) => j.on('l.product_id', 'r.product_id').andOn('l.location_id', 'r.location_id'))
      .whereNotNull('r.reorder_point')
      .select('r.product_id')
      .select(db.raw('count(*) as points'))
      .select(db.raw('sum(case when coalesce(l.on_hand, 0) - coalesce(l.committed, 0) <= r.reorder_point then 1 else 0 end) as below'))
      .groupBy('r.product_id')
      .as('r');
    // One pass over active products, from the index products_status_currency_stock_index: each
    // product's totals are kept with its stock levels. On hand is never negative at any location
    // (the engine refuses it), so a product's total counts exactly its units on hand.
    const available = '(p.total_on_hand - p.total_committed)';
    const buffer = 'coalesce(p.buffer_stock, ?)';
    const shopBuffer = this.deps.shopBufferStock();
    const low = (belowPoint: string) => `case when ${available} > 0 and (${available} <= ${buffer} or ${belowPoint}) then 1 else 0 end`;
    // Low stock counts a product below its reorder point where it has one, else at LOW_STOCK_UNITS
    // or fewer. The pass counts every product by the second rule; this correction, over the few
    // products with a reorder point, swaps in the first. Joining the reorder points into the pass
    // instead cost 145 of its 175 ms at 100,000 products, even with no reorder point at all.
    // From the reorder points outwards (a LEFT JOIN keeps that order): with an inner join SQLite
    // 3.52 chose to walk every active product and look each up in the points (120 ms at 100,000).
    const correction = db
      .from(points)
      .leftJoin('products as p', (j) => j.on('p.id', '=', 'r.product_id').andOnVal('p.status', '=', 'active'))
      .select(db.raw(`coalesce(sum((${low('r.below > 0')}) - (${low(`${available} <= ${LOW_STOCK_UNITS}`)})), 0)`, [shopBuffer, shopBuffer]))
      .as('low_stock_correction');
    const values = (await db('products as p')
      .where('p.status', 'active')
      .select('p.currency')
      .select(db.raw('count(*) as active'))
      // numeric on PostgreSQL (exact at any size); int64 on SQLite, exact as text (see exactSum).
      .select(db.raw('cast(sum(case when p.total_on_hand > 0 then cast(p.total_on_hand as numeric) * p.price_minor else 0 end) as text) as value_minor'))
      .select(db.raw('sum(case when p.total_on_hand > 0 then p.total_on_hand else 0 end) as units'))
      .select(db.raw(`sum(case when ${available} <= 0 then 1 else 0 end) as out_of_stock`))
      .select(db.raw(`sum(case when ${available} > 0 and ${available} <= ${buffer} then 1 else 0 end) as low`, [shopBuffer]))
      .select(db.raw(`sum(${low(`${available} <= ${LOW_STOCK_UNITS}`)}) as low_stock`, [shopBuffer]))
      .select(db.raw('sum(p.total_incoming) as incoming_units'))
      .select(db.raw('sum(case when p.total_incoming > 0 then 1 else 0 end) as incoming_products'))
      // In the same statement, so both read the same moment: one figure, the same on every row.
      .select(correction)
      .groupBy('p.currency')) as Array<{ currency: string; value_minor: unknown; units: unknown; low_stock_correction: unknown } & Record<CountColumn, unknown>>;
    const count = (column: CountColumn) => values.reduce((sum, v) => sum + num(v[column]), 0);

    return {
      stockValue: values
        .filter((v) => num(v.units) > 0)
        .map((v) => ({ currency: v.currency, minor: exactSum(v.value_minor), units: num(v.units) }))
        .sort((a, b) => (b.minor > a.minor ? 1 : b.minor < a.minor ? -1 : 0))
        .map((v) => ({ currency: v.currency, value: fromMinorUnits(v.minor, v.currency), units: v.units })),
      activeProducts: count('active'),
      atOrBelowBuffer: count('low'),
      lowStock: count('low_stock') + (values.length > 0 ? num(values[0]?.low_stock_correction) : 0),
      outOfStock: count('out_of_stock'),
      incomingUnits: count('incoming_units'),
      incomingProducts: count('incoming_products'),
      seq,
    };
  }

  private async productId(sku: string): Promise<string> {
    const row = (await this.deps.db('products').select('id').where({ sku }).first()) as { id: string } | undefined;
    if (!row) throw new AppError('not_found', `No product with SKU ${sku}`, { field: 'sku', sku });
    return row.id;
  }

  /** On hand at the end of each of the last `days` days: the ledger up to that day, summed. */
  async stockHistory(input: ParsedInput<'stats.stockHistory'>): Promise<StockHistory> {
    const { db } = this.deps;
    const productId = input.sku ? await this.productId(input.sku) : null;
    const dates = dayRange(input.days, this.now());
    const first = dates[0] as string;
    const scoped = () => (productId ? db('movements').where('product_id', productId) : db('movements'));
    const before = (await scoped().where('created_at', '<', first).sum({ total: 'quantity' }).first()) as { total: unknown } | undefined;
    const daily = (await scoped()
      .where('created_at', '>=', first)
      .select(db.raw('substr(created_at, 1, 10) as day'))
      .sum({ total: 'quantity' })
      .groupBy(db.raw('substr(created_at, 1, 10)'))) as Array<{ day: string; total: unknown }>;
    const byDay = new Map(daily.map((d) => [d.day, num(d.total)]));
    let level = num(before?.total);
    const points = dates.map((date) => {
      level += byDay.get(date) ?? 0;
      return { date, onHand: level };
    });
    return { sku: input.sku ?? null, points };
  }

  async movementsPerDay(input: ParsedInput<'stats.movementsPerDay'>): Promise<MovementsPerDay> {
    const { db } = this.deps;
    const dates = dayRange(input.days, this.now());
    const rows = (await db('movements')
      .where('created_at', '>=', dates[0] as string)
      .select(db.raw('substr(created_at, 1, 10) as day'), 'kind')
      .count({ n: '*' })
      .select(db.raw('sum(case when quantity > 0 then quantity else 0 end) as units_in'))
      .select(db.raw('sum(case when quantity < 0 then -quantity else 0 end) as units_out'))
      .groupByRaw('substr(created_at, 1, 10), kind')) as Array<{ day: string; kind: string; n: unknown; units_in: unknown; units_out: unknown }>;
    const empty = (): Record<MovementKind, number> => Object.fromEntries(MOVEMENT_KINDS.map((k) => [k, 0])) as Record<MovementKind, number>;
    const days = new Map(dates.map((date) => [date, { date, movements: 0, unitsIn: 0, unitsOut: 0, byKind: empty() }]));
    for (const row of rows) {
      const day = days.get(row.day);
      if (!day) continue;
      const n = num(row.n);
      day.movements += n;
      day.unitsIn += num(row.units_in);
      day.unitsOut += num(row.units_out);
      if ((MOVEMENT_KINDS as readonly string[]).includes(row.kind)) day.byKind[row.kind as MovementKind] += n;
    }
    return { days: [...days.values()] };
  }
}
