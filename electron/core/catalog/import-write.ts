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
import type { Knex } from 'knex';
import { bulkInsert, bulkUpdate, PreparedInsert, PreparedUpdate } from '../db/bulk-insert';
import { checkpointAfterCommit, withPageCache } from '../db/sqlite-client';
import { chunkValues, type Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import { INLINE_APPEND_MAX, PreparedAppend, type NewChange } from '../changes/change-log';
import type { ImportIssue } from './import-rows';
import type { ImportPlan } from './import-plan';
import { mapInTurns } from '../util/main-turns';

/**
 * Count operations handed to the stock engine per call: few enough that a call's change-log
 * entries (a stock.changed each and, for a new product, its availability.changed) fit the inline
 * append, so a call is two statements, its read and one write with the entries, levels, totals
 * and movements (the path every group-commit batch takes). Measured on 100,000 new products, 2
 * shared cores, load ≈ 5, alternating runs: 8.9–9.4 s of CPU for the counts in calls of 10,000
 * (entries appended apart, then the stock rows), 7.7–8.1 s in calls of 1,000, and a lower peak.
 */
export const COUNT_CHUNK = INLINE_APPEND_MAX / 2;

/**
 * On SQLite, fewer: node-sqlite3 hands SQLite a connection's next queued call only from the main
 * thread (the finished call's completion callback), so while the main thread plans a chunk, one
 * synchronous stretch, SQLite waits even with the next write queued (stock-engine.ts runChunks).
 * Planning 1,000 counts was such a stretch (an import of 100,000 new rows: 154 stretches of 20 to
 * 100 ms, 5.1 s in all, with SQLite idle ≈ 4.5 s of the 13 s); at 250 they are a quarter as long.
 * Measured on 100,000 rows, quiet, 3 alternated rounds: new rows 12.19–12.94 → 10.93–11.38 s
 * (CPU 14.4–15.3 → 13.1–13.9 s), every price and count changed 11.22–11.83 → 10.24–10.44 s (peak
 * ≈ 740 → 645 MB); 125 was no better. PostgreSQL keeps 1,000 (not measured there).
 */
export const COUNT_CHUNK_SQLITE = 250;

/** Count operations per stock-engine call for the dialect (see above). */
export const countChunkFor = (dialect: WriteContext['dialect']): number => (dialect === 'sqlite' ? COUNT_CHUNK_SQLITE : COUNT_CHUNK);
/** Rows from which an import raises SQLite's page cache, and to what (KiB). */
export const LARGE_IMPORT_ROWS = 1000;
export const IMPORT_CACHE_KIB = 128 * 1024;

/**
 * A large import's transaction on SQLite: a larger page cache while it writes (withPageCache), and
 * a COMMIT that leaves the write-ahead log to the background checkpointer (checkpointAfterCommit).
 */
export async function asLargeSqliteImport<T>(trx: Knex.Transaction, work: () => Promise<T>): Promise<T> {
  await checkpointAfterCommit(trx);
  return withPageCache(trx, IMPORT_CACHE_KIB, work);
}
/**
 * New products from which an import into a catalogue no larger than them builds the products
 * table's indexes once at the end instead of filling them row by row (db/deferred-indexes.ts).
 */
export const DEFER_INDEXES_ROWS = 10_000;

/** The products the catalogue holds, before an import's writes: what DEFER_INDEXES_ROWS is weighed against. */
export async function productCount(trx: Db): Promise<number> {
  const [row] = (await trx('products').count({ n: '*' })) as Array<{ n: unknown }>;
  return Number(row?.n ?? 0);
}

/** Whether `creates` new products into a catalogue of `catalogue` get its indexes built once, at the end. */
export const defersIndexesFor = (creates: number, catalogue: number): boolean => creates >= Math.max(DEFER_INDEXES_ROWS, catalogue);
/**
 * What the import's own writes and reads need while the other indexes are away: the stock engine
 * finds the products it counts by SKU, and the SKU stays checked as each row goes in.
 */
export const KEPT_INDEXES = ['products_sku_unique'];

/** Products written per step (a few statements each). */
const WRITE_SLICE = 10_000;

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

/** The same stored value, whatever the driver made of it (PostgreSQL's bigint as a string, say); null is only null. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && b !== null && typeof a !== typeof b && String(a) === String(b));
}

/** Updates grouped by the columns they change (updated_at always), in the order each group first appears. */
export function byChangedColumns(updates: ImportPlan['updates']): Array<{ merge: Array<keyof ProductRow>; rows: ProductRow[] }> {
  const groups = new Map<string, { merge: Array<keyof ProductRow>; rows: ProductRow[] }>();
  for (const u of updates) {
    const merge = UPDATABLE.filter((c) => c === 'updated_at' || !sameValue(u.row[c], u.before[c]));
    const key = merge.join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { merge, rows: [] }));
    group.rows.push(u.row);
  }
  return [...groups.values()];
}

/** Thrown inside the transaction so it rolls back; carries the rows the engine refused. */
export class ImportRejected extends AppError {
  constructor(readonly issues: ImportIssue[]) {
    super('validation_failed', `${issues.length} row(s) were refused while writing; nothing was imported`, { issues });
  }
}

/**
 * A plan's products as written: each new row with its stock total, and its product.created entries;
 * with a write context (a streamed import's batch, SQLite), the statements' text built ahead too:
 * the new rows' insert (db/bulk-insert.ts PreparedInsert), the changed rows' updates
 * (PreparedUpdate) and the entries of both (WriteContext.prepareAppend).
 */
export type PreparedWrites = {
  rows: Array<ProductRow & { total_on_hand: number }>;
  changes: NewChange[] | PreparedAppend;
  insert: PreparedInsert | null;
  updates: { statements: PreparedUpdate[]; changes: PreparedAppend } | null;
};

/**
 * What writeImport writes of a plan's products, made apart from the writes so that a streamed
 * import (import-stream.ts) makes it while the batch before has its counts written: made at the
 * write, it was main-thread work SQLite waited for between two batches (≈ 13 ms a batch of 5,000
 * rows for the rows, ≈ 17 ms for the entries, measured at load ≈ 4; with the statements' text
 * too, a batch of 2,000 new rows' insert and entries 51 → 38 ms, docs/benchmarks.md `import`).
 */
export async function prepareWrites(
  plan: Pick<ImportPlan, 'creates' | 'counts' | 'updates'>,
  ctx?: Pick<WriteContext, 'prepareAppend' | 'dialect'>,
): Promise<PreparedWrites> {
  // A new product's stock is what the file counts of it, so its total goes in with its row: the
  // stock engine, which sets the totals of the products it counted, then finds them right and
  // leaves those rows alone (stock-writes.ts), where it would rewrite each row and four of its
  // indexes again (1.3 s of SQLite for 100,000 new products).
  const counted = new Map<string, number>();
  for (const c of plan.counts) counted.set(c.input.sku, (counted.get(c.input.sku) ?? 0) + c.input.quantity);
  // The total first: a row spread and then given one more property cost V8 twice the time
  // (≈ 3.5 against ≈ 1.7 µs a product, 100,000 rows of 23 columns, 3 rounds); the statement
  // takes its columns by name (createColumns), whatever the order of the object's keys.
  const rows = await mapInTurns(plan.creates, (p) => ({ total_on_hand: counted.get(p.sku) ?? 0, ...p }));
  const changes = await mapInTurns(plan.creates, productCreatedChange);
  if (!ctx || ctx.dialect !== 'sqlite') return { rows, changes, insert: null, updates: null };
  const insert = await PreparedInsert.build('products', createColumnsOf(plan.creates), rows);
  let updates: PreparedWrites['updates'] = null;
  if (plan.updates.length > 0) {
    const statements: PreparedUpdate[] = [];
    for (const group of byChangedColumns(plan.updates)) statements.push(await PreparedUpdate.build('products', 'id', group.merge, group.rows));
    const appended = await ctx.prepareAppend(plan.updates.map((u) => u.change));
    if (appended instanceof PreparedAppend) updates = { statements, changes: appended };
  }
  const appended = await ctx.prepareAppend(changes);
  return { rows, changes: appended, insert, updates };
}

/** The columns of a new product's row as written: a stored row's, and its stock total. */
const createColumnsOf = (creates: ImportPlan['creates']): string[] => [...Object.keys(creates[0] ?? {}), 'total_on_hand'];

/**
 * Writes a checked plan in the caller's transaction; `wrote` is told how many products and stock
 * counts each step wrote (the import's progress), `counting` when the products and their change-log
 * entries are written and the counts begin (from then on, only stock rows, movements, products'
 * totals and change-log entries are written).
 */
export async function writeImport(
  ctx: WriteContext,
  plan: ImportPlan & { prepared?: PreparedWrites },
  queue: Pick<StockWriteQueue, 'applyInChunks'>,
  summary: SummaryContext,
  wrote: (count: number) => void = () => {},
  counting: () => void = () => {},
): Promise<void> {
  const { trx } = ctx;
  // A barcode may move from one product to another within the file (import-gtins.ts): free every
  // GTIN that changes first, so the unique index never sees it on two products between statements.
  const moving = plan.updates.filter((u) => u.before.gtin !== null && u.row.gtin !== u.before.gtin).map((u) => u.row.id);
  for (const chunk of chunkValues(moving)) await trx('products').whereIn('id', chunk).update({ gtin: null });
  // The columns of a stored row, so a column added to products needs no change here.
  const columns = Object.keys(plan.updates[0]?.row ?? {});
  const creates = plan.prepared ?? (await prepareWrites(plan));
  const createColumns = createColumnsOf(plan.creates);
  if (creates.changes instanceof PreparedAppend) {
    // Built ahead (a streamed import's batch), so the entries' statement follows the products' at
    // once. Not sent before the products' is answered: should SQLite roll the transaction back by
    // itself there (SQLITE_FULL, say), a statement waiting behind would run, and commit, alone.
    await (creates.insert ? creates.insert.run(trx) : bulkInsert(trx, 'products', createColumns, creates.rows));
    await ctx.append(creates.changes);
    wrote(creates.rows.length);
  } else {
    // In slices, so progress moves; the change log still lists the products in the file's order.
    for (let i = 0; i < creates.rows.length; i += WRITE_SLICE) {
      const end = Math.min(creates.rows.length, i + WRITE_SLICE);
      await bulkInsert(trx, 'products', createColumns, creates.rows.slice(i, end));
      await ctx.append(creates.changes.slice(i, end));
      wrote(end - i);
    }
  }

  // Many rows per statement on both SQLite and PostgreSQL (bulkUpdate). Each sets only the
  // columns that changed, grouped by which: setting a column rewrites the entry of every index on
  // it, changed or not, and products has 17 indexes (a price list's 100,000 new prices took
  // SQLite 4.8 s setting every column against 1.3 s setting the price alone).
  const updates = creates.updates;
  if (updates) {
    // Built ahead, as the new products' (above).
    for (const statement of updates.statements) await statement.run(trx);
    wrote(plan.updates.length);
  } else {
    for (let i = 0; i < plan.updates.length; i += WRITE_SLICE) {
      const slice = plan.updates.slice(i, i + WRITE_SLICE);
      for (const group of byChangedColumns(slice)) await bulkUpdate(trx, 'products', 'id', columns, group.merge, group.rows);
      wrote(slice.length);
    }
  }
  // Edits of status, buffer, backorder or preorder can move a product across its buffer.
  const crossings = await productCrossings(trx, plan.updates.map((u) => ({ before: u.before, after: u.row })), summary);
  if (updates) {
    // The same entries in the same order as one append: the updates', then the crossings'.
    await ctx.append(updates.changes);
    if (crossings.length > 0) await ctx.append(crossings);
  } else await ctx.append([...plan.updates.map((u) => u.change), ...crossings]);

  counting();
  // In chunks whose planning overlaps the statements of the chunk before (the engine's runChunks).
  const refused: ImportIssue[] = [];
  const chunks: Array<typeof plan.counts> = [];
  const size = countChunkFor(ctx.dialect);
  for (let i = 0; i < plan.counts.length; i += size) chunks.push(plan.counts.slice(i, i + size));
  await queue.applyInChunks(
    ctx,
    chunks.map((chunk) => chunk.map((c) => ({ op: 'stock.count' as const, input: c.input }))),
    (outcomes, index) => {
      const chunk = chunks[index] as typeof plan.counts;
      outcomes.forEach((outcome, j) => {
        if (!outcome.ok) refused.push({ row: (chunk[j] as (typeof chunk)[number]).row, column: 'on_hand', message: outcome.error.message });
      });
      wrote(chunk.length);
    },
  );
  if (refused.length > 0) throw new ImportRejected(refused);
}
