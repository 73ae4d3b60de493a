/**
 * The write half of an import, inside the caller's transaction: multi-row statements for the
 * products, the stock engine's own batch logic for the counts. Statement count, not row count,
 * bounds write speed with node-sqlite3 (~100 µs per statement), so nothing here runs per row.
 */
import { AppError } from '../../../shared/errors';
import { productCrossings } from '../stock/availability-events';
import { productCreatedChange } from '../products/product-service';
import type { SummaryContext } from '../stock/stock-summary';
import type { ProductRow } from '../products/product-repository';
import type { StockWriteQueue } from '../stock/stock-ops';
import { chunkRows, chunkValues, insertRows } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import type { ImportIssue } from './import-rows';
import type { ImportPlan } from './import-plan';

/** Count operations handed to the stock engine per call; each call is a handful of statements. */
const COUNT_CHUNK = 2000;

/** Columns an update may change; id and created_at stay as they are. */
const UPDATABLE: Array<keyof ProductRow> = [
  'sku',
  'title',
  'description',
  'brand',
  'gtin',
  'mpn',
  'condition',
  'price_minor',
  'sale_price_minor',
  'currency',
  'slug',
  'image_url',
  'additional_image_urls',
  'status',
  'item_group_id',
  'allow_backorder',
  'preorder_date',
  'buffer_stock',
  'product_type',
  'google_product_category',
  'updated_at',
];

/** Thrown inside the transaction so it rolls back; carries the rows the engine refused. */
export class ImportRejected extends AppError {
  constructor(readonly issues: ImportIssue[]) {
    super('validation_failed', `${issues.length} row(s) were refused while writing; nothing was imported`, { issues });
  }
}

export async function writeImport(
  ctx: WriteContext,
  plan: ImportPlan,
  queue: Pick<StockWriteQueue, 'applyIn'>,
  summary: SummaryContext,
): Promise<void> {
  const { trx } = ctx;
  // A barcode may move from one product to another within the file (import-gtins.ts): free every
  // GTIN that changes first, so the unique index never sees it on two products between statements.
  const moving = plan.updates.filter((u) => u.before.gtin !== null && u.row.gtin !== u.before.gtin).map((u) => u.row.id);
  for (const chunk of chunkValues(moving)) await trx('products').whereIn('id', chunk).update({ gtin: null });
  await insertRows(trx, 'products', plan.creates);
  await ctx.append(plan.creates.map(productCreatedChange));

  // An upsert on the primary key updates many rows per statement on both SQLite and PostgreSQL.
  for (const chunk of chunkRows(plan.updates.map((u) => u.row))) {
    await trx('products').insert(chunk).onConflict('id').merge(UPDATABLE);
  }
  // Edits of status, buffer, backorder or preorder can move a product across its buffer.
  const crossings = await productCrossings(trx, plan.updates.map((u) => ({ before: u.before, after: u.row })), summary);
  await ctx.append([...plan.updates.map((u) => u.change), ...crossings]);

  const refused: ImportIssue[] = [];
  for (let i = 0; i < plan.counts.length; i += COUNT_CHUNK) {
    const chunk = plan.counts.slice(i, i + COUNT_CHUNK);
    const outcomes = await queue.applyIn(
      ctx,
      chunk.map((c) => ({ op: 'stock.count', input: c.input })),
    );
    outcomes.forEach((outcome, j) => {
      if (!outcome.ok) refused.push({ row: (chunk[j] as (typeof chunk)[number]).row, column: 'on_hand', message: outcome.error.message });
    });
  }
  if (refused.length > 0) throw new ImportRejected(refused);
}
