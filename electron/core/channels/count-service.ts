/**
 * Counts from a warehouse (3PL). A batch is checked as a whole first (every unknown SKU or
 * location is listed with its row, and nothing is applied), then applied in one transaction as
 * count movements through the stock engine. Deliveries arrive out of order, so the time of the last
 * count applied per SKU and location is kept, and an older (or equally old) count is reported as
 * stale instead of overwriting a newer one. The engine refuses a count below the units reserved for
 * orders; such a row is reported as refused and the rest of the batch still applies.
 */
import { AppError, type FieldIssue } from '../../../shared/errors';
import type { ParsedInput } from '../../../shared/contract';
import type { CountBatchResult, CountRowResult } from '../../../shared/schemas/counts';
import { withIdempotency } from '../idempotency';
import type { LocationDirectory } from '../locations/locations';
import { chunkValues } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import type { StockWriteQueue } from '../stock/stock-ops';

type Row = ParsedInput<'stock.counts'>['counts'][number];
type Mark = { product_id: string; location_id: string; counted_at: string };

const markKey = (productId: string, locationId: string) => `${productId}|${locationId}`;
/** Compared as instants, so `+02:00` and `Z` spellings of one moment are equal. */
const instant = (iso: string) => new Date(iso).toISOString();

export class CountService {
  constructor(
    private readonly queue: Pick<StockWriteQueue, 'exclusive' | 'applyIn'>,
    private readonly locations: LocationDirectory,
  ) {}

  apply(input: ParsedInput<'stock.counts'>): Promise<CountBatchResult> {
    return this.queue.exclusive((ctx) => withIdempotency(ctx, 'stock.counts', input, () => this.applyIn(ctx, input.counts)));
  }

  private async applyIn(ctx: WriteContext, counts: Row[]): Promise<CountBatchResult> {
    const { trx } = ctx;
    const products = new Map<string, string>();
    for (const chunk of chunkValues([...new Set(counts.map((c) => c.sku))])) {
      const rows = (await trx('products').select('id', 'sku').whereIn('sku', chunk)) as Array<{ id: string; sku: string }>;
      for (const r of rows) products.set(r.sku, r.id);
    }
    const issues: FieldIssue[] = [];
    const locationIds = new Map<string, string>();
    for (const [index, row] of counts.entries()) {
      if (!products.has(row.sku)) issues.push({ path: `counts.${index}.sku`, message: `no product with SKU ${row.sku}` });
      const location = await this.locations.byCodeOrLoad(trx, row.location);
      if (location) locationIds.set(row.location, location.id);
      else issues.push({ path: `counts.${index}.location`, message: `no location with code "${row.location}"` });
    }
    if (issues.length > 0) {
      const first = issues[0] as FieldIssue;
      throw new AppError('validation_failed', `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}; nothing was applied`, { issues });
    }

    const marks = new Map<string, string>();
    for (const chunk of chunkValues([...new Set(products.values())], 5000)) {
      const rows = (await trx('stock_count_marks').whereIn('product_id', chunk)) as Mark[];
      for (const m of rows) marks.set(markKey(m.product_id, m.location_id), m.counted_at);
    }

    // The newest count per SKU and location wins; within a batch an older row is stale too.
    const results: CountRowResult[] = counts.map((row, index) => ({
      index,
      sku: row.sku,
      location: row.location,
      onHand: row.onHand,
      countedAt: row.countedAt,
      outcome: 'applied',
      message: null,
      delta: 0,
    }));
    const newest = new Map<string, number>();
    counts.forEach((row, index) => {
      const key = markKey(products.get(row.sku) as string, locationIds.get(row.location) as string);
      const last = marks.get(key);
      const at = instant(row.countedAt);
      if (last !== undefined && at <= last) {
        Object.assign(results[index] as CountRowResult, {
          outcome: 'stale',
          message: `counted at ${at}, not after the last count applied (${last}); ignored`,
        });
        return;
      }
      const previous = newest.get(key);
      if (previous === undefined) return newest.set(key, index);
      const older = instant((counts[previous] as Row).countedAt) < at ? previous : index;
      const kept = older === previous ? index : previous;
      newest.set(key, kept);
      Object.assign(results[older] as CountRowResult, { outcome: 'stale', message: `a newer count for ${row.sku} at ${row.location} is in the same batch; ignored` });
    });

    const indexes = [...newest.values()];
    const inputs = indexes.map((i) => {
      const row = counts[i] as Row;
      return { sku: row.sku, location: row.location, quantity: row.onHand, reason: '3PL count', reference: `3PL count ${instant(row.countedAt)}` };
    });
    const outcomes = await this.queue.applyIn(
      ctx,
      inputs.map((input) => ({ op: 'stock.count', input })),
    );
    const newMarks: Mark[] = [];
    indexes.forEach((i, n) => {
      const outcome = outcomes[n];
      const result = results[i] as CountRowResult;
      const row = counts[i] as Row;
      if (!outcome?.ok) {
        Object.assign(result, { outcome: 'refused', message: outcome ? outcome.error.message : 'not applied' });
        return;
      }
      const delta = outcome.value.movements.reduce((sum, m) => sum + m.quantity, 0);
      Object.assign(result, { outcome: delta === 0 ? 'unchanged' : 'applied', delta });
      newMarks.push({ product_id: products.get(row.sku) as string, location_id: locationIds.get(row.location) as string, counted_at: instant(row.countedAt) });
    });
    for (const mark of newMarks) {
      await trx('stock_count_marks')
        .insert({ ...mark, updated_at: ctx.now })
        .onConflict(['product_id', 'location_id'])
        .merge(['counted_at', 'updated_at']);
    }
    const tally = (o: CountRowResult['outcome']) => results.filter((r) => r.outcome === o).length;
    return { applied: tally('applied'), unchanged: tally('unchanged'), stale: tally('stale'), refused: tally('refused'), results };
  }
}
