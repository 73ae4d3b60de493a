/**
 * A large import written while its file is still read. Reading and checking a row (import-read.ts)
 * and planning it (import-plan.ts) is the main thread's work, writing it is mostly SQLite's; done
 * one after the other for the whole file, 100,000 rows spent ≈ 4 s of the main thread before the
 * first write, and kept every parsed row alive until the commit (the peak memory). Here a batch is
 * written while the next is read, and planned while the batch before it has its counts written,
 * in the import's one transaction; each batch's rows are let go once it is written. Main-thread
 * CPU with no SQLite statement in flight, 100,000 new rows: 5.2 s before, 2.0 s now.
 *
 * All or nothing stays: the transaction opens with the first batch and commits after the last.
 * What the whole file decides is kept exact by giving up instead of guessing: a batch is planned
 * against the database as the batches before it left it, which is what planning the whole file
 * would have seen, except where one row depends on another batch's row: a SKU repeated in another
 * batch, a barcode or slug another row also claims (those surface as problems of the plan), an
 * update that moves a product's slug or barcode (which a later row may take). Then, as on any
 * problem in the file or any row the stock engine refuses, the writes roll back and the caller
 * imports the file the whole-file way (csv-import.ts), from the bytes kept here, so its report
 * lists every problem as before.
 */
import type { PurchasingPlan } from '../purchasing/catalog-columns';
import type { StockWriteQueue } from '../stock/stock-ops';
import type { SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import { DuplicateKeys, dropIndexes, isUniqueViolation } from '../db/deferred-indexes';
import type { ImportPlan } from './import-plan';
import type { RowBatches } from './import-read';
import type { ParsedRow } from './import-rows';
import type { ProgressReporter } from './import-progress';
import { asLargeSqliteImport, defersIndexesFor, ImportRejected, KEPT_INDEXES, prepareWrites, productCount, writeImport } from './import-write';
import { nextTurn } from '../util/main-turns';

/** A file of no more rows is imported the whole-file way. */
export const STREAM_FROM = 5000;

/**
 * Rows per batch. Each batch costs a plan's few queries (≈ 10 statements); smaller batches overlap
 * more of the file's reading with the writes. A batch's parsed rows, plan and new product rows
 * live until it is written: at 5,000 rows that outlived ≈ 10 young-generation collections and was
 * promoted to the old generation. At 2,000 (100,000 rows, docs/benchmarks.md `import`, 2026-12-06)
 * ≈ 10 % fewer bytes are promoted, V8's GC helper threads spend ≈ 0.25 s less (process CPU −0.29 s,
 * medians of 4 alternated pairs) and the peak is ≈ 35 MB lower; at 1,000 the helpers saved more but SQLite's thread spent ≈ 0.2 s more on a
 * file of changes (more batches, more statements), and SQLite's thread is the import's floor.
 */
export const STREAM_ROWS = 2000;

/** The streamed writes stopped for something the whole-file import decides (see above). */
export class StreamAbandoned extends Error {}

type Chunk = Buffer | string;

/**
 * The source's chunks as they are read, kept so the file can be read again from its start (6.7 MB
 * for 100,000 rows, against the ≈ 1 GB the parsed rows took). Every reader pulls through one chain,
 * so a second reader never overtakes a pull the first left in flight.
 */
export function rereadable(source: AsyncIterable<Chunk>): () => AsyncIterable<Chunk> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Chunk[] = [];
  let ended = false;
  let pulling: Promise<void> = Promise.resolve();
  const pull = () =>
    (pulling = pulling.then(async () => {
      if (ended) return;
      const next = await iterator.next();
      if (next.done) ended = true;
      else chunks.push(next.value);
    }));
  return () => ({
    [Symbol.asyncIterator]: () => {
      let at = 0;
      return {
        async next(): Promise<IteratorResult<Chunk>> {
          while (at >= chunks.length && !ended) await pull();
          return at < chunks.length ? { value: chunks[at++] as Chunk, done: false } : { value: undefined, done: true };
        },
      };
    },
  });
}

/** What a streamed import wrote. */
export type StreamTotals = { created: number; updated: number; unchanged: number; counts: number; countsUnchanged: number };

/** The import's own steps, as csv-import.ts sets them up for this file. */
export type StreamSteps = {
  queue: Pick<StockWriteQueue, 'exclusive' | 'applyInChunks'>;
  summary: SummaryContext;
  plan(db: Db, now: string, rows: ParsedRow[]): Promise<ImportPlan>;
  purchasing(db: Db, rows: ParsedRow[]): Promise<PurchasingPlan>;
};

/**
 * Indexes a batch's plan reads by (import-plan.ts: slugs, barcodes), kept while later batches are
 * still to be planned: without them each plan scanned the products written so far (measured at
 * 20,000 products: 39 ms for a batch's slugs and 21 ms for its barcodes, growing with the table,
 * ≈ 1.2 s of SQLite over 100,000 new products). The last batch needs them no more.
 */
const PLAN_INDEXES = ['products_slug_unique', 'products_gtin_index'];

/** A later row could take what this update frees, which the batches before it have then written. */
const movesKey = (u: ImportPlan['updates'][number]) => u.row.slug !== u.before.slug || u.row.gtin !== u.before.gtin;

/**
 * The batches' writer: `batches` goes to readRows; `finish` hands it the rows left after the last
 * batch and gives the totals, or null when the writes were given up (rolled back) and the file
 * must be imported the whole-file way. A failure (the database's) is thrown, after the rollback.
 */
export function streamedWrites(steps: StreamSteps, progress: ProgressReporter) {
  const waiting: ParsedRow[][] = [];
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    const resolve = wake;
    changed = new Promise<void>((r) => (wake = r));
    resolve();
  };
  let ended = false;
  let stopped = false;
  let problem = false;
  /**
   * A batch is being planned: the reading waits (room). Both are main-thread work done while the
   * batch before has its counts written, sliced by turns of the event loop (util/main-turns.ts);
   * the plan is what the writes wait for next, the reading only keeps a batch ahead.
   */
  let planning = false;
  let run: Promise<StreamTotals> | null = null;

  const next = async (): Promise<ParsedRow[] | null> => {
    for (;;) {
      if (problem) throw new StreamAbandoned('the file has a problem');
      const rows = waiting.shift();
      if (rows) {
        // Planned from here on (planNext resets it): set before the reading looks again (room).
        planning = true;
        notify();
        return rows;
      }
      if (ended || stopped) return null;
      await changed;
    }
  };

  const write = async (ctx: WriteContext): Promise<StreamTotals> => {
    const totals: StreamTotals = { created: 0, updated: 0, unchanged: 0, counts: 0, countsUnchanged: 0 };
    /** The file's rows taken into batches so far. */
    let planned = 0;
    const seen = new Set<string>();
    const sqlite = ctx.dialect === 'sqlite';
    const work = async () => {
      // As the whole-file import decides it (csv-import.ts), once enough new products are known.
      const catalogue = sqlite ? await productCount(ctx.trx) : 0;
      let restore: (() => Promise<void>) | null = null;
      const wrote = progress.streaming();
      /** The next batch's plan: the batch taken and checked against the database, not yet written. */
      const planNext = async () => {
        try {
          const rows = await next();
          if (!rows) return null;
          if (rows.some((r) => seen.has(r.sku))) throw new StreamAbandoned('a SKU repeats in another batch');
          for (const r of rows) seen.add(r.sku);
          const plan = await steps.plan(ctx.trx, ctx.now, rows);
          const purchasing = await steps.purchasing(ctx.trx, rows);
          if (plan.issues.length > 0 || purchasing.issues.length > 0) throw new StreamAbandoned('a row was refused');
          if (plan.updates.some(movesKey)) throw new StreamAbandoned('an update moves a slug or barcode');
          return { rows: rows.length, plan: { ...plan, prepared: await prepareWrites(plan, ctx) }, purchasing };
        } finally {
          planning = false;
          notify();
        }
      };
      for (let batch = await planNext(); batch; ) {
        const { plan, purchasing } = batch;
        const later = !ended || waiting.length > 0;
        planned += batch.rows;
        // While more of the file follows, its new products are projected at this batch's share over
        // the rows still to come (from the file's size; unknown, one more batch as large), so a
        // large import into an empty catalogue writes its first batch without the indexes too,
        // which it otherwise filled row by row and then dropped (SQLite's CPU to the 10,000th
        // product of 100,000: see docs/benchmarks.md `import`). A wrong guess costs little either
        // way: a catalogue no larger than the import has its indexes rebuilt over no more rows
        // than the import writes.
        const fileRows = progress.fileRows();
        const toCome = !later ? 0 : fileRows !== null ? Math.max(0, fileRows - planned) : batch.rows;
        const expected = totals.created + plan.creates.length + Math.ceil((plan.creates.length / Math.max(1, batch.rows)) * toCome);
        if (sqlite && !restore && defersIndexesFor(expected, catalogue)) {
          restore = await dropIndexes(ctx.trx, 'products', { keep: later ? [...KEPT_INDEXES, ...PLAN_INDEXES] : KEPT_INDEXES, keyColumn: 'sku' });
        }
        // The next batch is planned while this one's counts are written: its reads (its own
        // products by SKU, slugs, barcodes, its stock rows) are none of what the counts write, and
        // this batch's products and slugs are in by then. Its writes wait for the counts: the
        // counts' writes sent ahead are guarded against SQLite rolling the transaction back by
        // itself (stock-engine.ts runChunks), and a write from here beside them would not be (it
        // would run, and commit, alone after such a rollback).
        let following: Promise<Awaited<ReturnType<typeof planNext>>> | null = null;
        // A turn later: the first chunk of counts is sent before the plan's first stretch (a loop
        // over the batch) runs.
        const startNext = () => {
          following = nextTurn().then(planNext);
          following.catch(() => undefined);
        };
        try {
          await writeImport(ctx, plan, steps.queue, steps.summary, (n) => wrote(n, 0), startNext);
          await purchasing.write(ctx);
        } catch (error) {
          // Settled before the transaction rolls back, so none of its reads outlives it; the
          // reading stops.
          stopped = true;
          notify();
          await (following as Promise<unknown> | null)?.catch(() => undefined);
          throw error;
        }
        wrote(0, batch.rows);
        totals.created += plan.creates.length;
        totals.updated += plan.updates.length;
        totals.unchanged += plan.unchanged;
        totals.counts += plan.counts.length;
        totals.countsUnchanged += plan.countsUnchanged;
        batch = await (following ?? planNext());
      }
      if (restore) await restore();
      return totals;
    };
    try {
      return await (sqlite ? asLargeSqliteImport(ctx.trx, work) : work());
    } catch (error) {
      // A unique index the products still had refusing a row another batch also claims (the
      // plan checks each batch against the database, so only a duplicate that slipped past it):
      // the whole-file import names the rows.
      if (error instanceof ImportRejected || error instanceof DuplicateKeys || isUniqueViolation(error)) throw new StreamAbandoned((error as Error).message, { cause: error });
      throw error;
    }
  };

  const batches: RowBatches = {
    size: STREAM_ROWS,
    from: STREAM_FROM,
    take(rows) {
      waiting.push(rows);
      if (!run) {
        run = steps.queue.exclusive(write).finally(() => {
          stopped = true;
          notify();
        });
        // Awaited in finish; until then a failure only stops the reading.
        run.catch(() => undefined);
      }
      notify();
    },
    room() {
      return !stopped && (waiting.length > 1 || planning) ? changed : undefined;
    },
    stopped: () => stopped,
    problem() {
      if (run && !problem) {
        problem = true;
        notify();
      }
    },
  };

  return {
    batches,
    /** Whether a batch was taken (the transaction is open or done). */
    started: () => run !== null,
    async finish(rest: ParsedRow[]): Promise<StreamTotals | null> {
      if (rest.length > 0) waiting.push(rest);
      ended = true;
      notify();
      try {
        return await (run as Promise<StreamTotals>);
      } catch (error) {
        if (error instanceof StreamAbandoned) return null;
        throw error;
      }
    },
  };
}
