/**
 * CSV import of the catalogue, all or nothing: every row is checked (schema, then the database),
 * and only a file without a single problem is written, in one transaction through the write queue.
 * A file of more than one batch is written while it is read (import-stream.ts), and rolled back at
 * its first problem; the report always comes from the whole file. The CLI calls this; the UI and
 * the API can hand it any readable stream.
 */
import type { Readable } from 'node:stream';
import type { CsvDelimiter, CsvEncoding, DecimalMark } from '../../../shared/csv/csv-format';
import type { ImportMapping } from '../../../shared/csv/import-fields';
import type { ImportPreset } from '../../../shared/csv/import-presets';
import type { ParsedInput } from '../../../shared/contract';
import type { ImportCountLeftOut, ImportFormatReport, ImportSkipped } from '../../../shared/schemas/catalog';
import type { LocationDirectory } from '../locations/locations';
import type { StockWriteQueue } from '../stock/stock-ops';
import type { SummaryContext } from '../stock/stock-summary';
import { nowIso, type Db } from '../util/db-helpers';
import { nameIssue } from './import-layout';
import { planImport, type ImportPlan, type PlanContext } from './import-plan';
import type { ImportIssue, ParsedRow } from './import-rows';
import { asLargeSqliteImport, DEFER_INDEXES_ROWS, defersIndexesFor, ImportRejected, KEPT_INDEXES, LARGE_IMPORT_ROWS, productCount, writeImport } from './import-write';
import { progressReporter, type ImportProgress, type ProgressReporter } from './import-progress';
import { readRows, type ReadResult } from './import-read';
import { rereadable, streamedWrites, type StreamTotals } from './import-stream';
import { planPurchasingColumns } from '../purchasing/catalog-columns';
import { DuplicateKeys, withIndexesDeferred } from '../db/deferred-indexes';
import { CSV_COLUMNS as FILE_COLUMNS } from '../../../shared/csv/import-fields';

export { DEFER_INDEXES_ROWS } from './import-write';

export type { ImportIssue } from './import-rows';
export type { ImportProgress } from './import-progress';

export type CatalogDeps = {
  db: Db;
  /** The import's transaction, and the stock engine its counts run through inside it. */
  queue: Pick<StockWriteQueue, 'exclusive' | 'applyInChunks'>;
  locations: LocationDirectory;
  /** What the availability rule reads besides product and stock (product edits can cross a buffer). */
  summary: SummaryContext;
  /** Read when an import starts: the location and currency of rows that name none. */
  settings: { current(): ParsedInput<'settings.update'> };
};

export type ImportOptions = {
  /** Check everything, including against the database, and write nothing. */
  dryRun?: boolean;
  /** The file's name, recorded as the reference of each count movement. */
  name?: string;
  /** How to read the file; what is left out is detected (see shared/csv/csv-format.ts). */
  encoding?: CsvEncoding | undefined;
  delimiter?: CsvDelimiter | undefined;
  decimal?: DecimalMark | undefined;
  /** Read a shop system's product export: its columns and its variant rows (import-presets.ts). */
  preset?: ImportPreset | undefined;
  /** The file's column for each field, when its header is not Stockfeed's own. */
  mapping?: ImportMapping | undefined;
  /** Told how far the import is, a few times a second at most (import-progress.ts). */
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  /** The file's size in bytes, when known: the reading phase's share of the percentage follows it. */
  size?: number | undefined;
};

export type ImportReport = {
  ok: boolean;
  dryRun: boolean;
  /** Data rows read (the header not included). */
  rows: number;
  created: number;
  updated: number;
  /** Existing products whose row matched what is stored. */
  unchanged: number;
  /** Count movements recorded (or, in a dry run, that would be). */
  counts: number;
  /** Counts left out because the stock at that location already had the counted figure. */
  countsUnchanged: number;
  /** Every problem found, by row; when there is any, nothing was written. */
  issues: ImportIssue[];
  /** Rows left out on purpose (a preset's image rows, parent products), with the reason. */
  skipped: ImportSkipped[];
  /** Rows imported without their stock figure (a preset's count below zero), with the reason. */
  countsLeftOut: ImportCountLeftOut[];
  /** How the file was read. */
  format: ImportFormatReport;
  elapsedMs: number;
};

/** Many new products into a catalogue no larger than them: its indexes are built once, at the end. */
async function defersIndexes(trx: Db, creates: number): Promise<boolean> {
  return creates >= DEFER_INDEXES_ROWS && defersIndexesFor(creates, await productCount(trx));
}

/**
 * The file's rows whose products share a key of a unique index that could not be built again.
 * The plan's checks (SKUs, slugs, GTINs) find these first; this is the index's own word, should
 * one ever slip past them.
 */
function duplicateIssues(error: DuplicateKeys, rows: ParsedRow[]): ImportIssue[] {
  const rowOf = new Map(rows.map((r) => [r.sku, r.row]));
  const field = error.columns.find((c) => c !== 'sku') ?? error.columns[0] ?? null;
  const column = field !== null && (FILE_COLUMNS as readonly string[]).includes(field) ? field : null;
  const what = field ?? error.index;
  const issues = error.keys.flatMap((sku) => {
    const row = rowOf.get(sku);
    const others = error.keys.filter((k) => k !== sku);
    return row === undefined ? [] : [{ row, column, message: `the ${what} of ${sku} is also the ${what} of ${others.join(', ') || 'another product'}; it must be unique` }];
  });
  return issues.length > 0 ? issues : [{ row: 1, column, message: `two products would share a ${what} (the unique index ${error.index}); nothing was imported` }];
}

function sortIssues(issues: ImportIssue[]): ImportIssue[] {
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) => a.issue.row - b.issue.row || a.i - b.i).map((x) => x.issue);
}

/**
 * Imports a catalogue CSV (see CSV_COLUMNS, or any header through a mapping or preset), given as
 * bytes or text; never throws for a problem in the file, reports it. A large file holds the write
 * path while it is read (it is written as it is read), so `source` should be a local file or a body
 * already received, never a slow network stream: every caller passes one of those.
 */
export async function importCatalogCsv(deps: CatalogDeps, source: Readable, options: ImportOptions = {}): Promise<ImportReport> {
  const progress = progressReporter(options.onProgress, options.size);
  try {
    return await runImport(deps, source, options, progress);
  } finally {
    progress.done();
  }
}

/**
 * A file of more than one batch (import-stream.ts) is written while it is read, unless it is a dry
 * run or its preset needs the whole file; when the streamed writes are given up (a problem in the
 * file, a row depending on another batch's) the file is read again from the kept bytes and
 * imported the whole-file way, which reports every problem as it always did.
 */
async function runImport(deps: CatalogDeps, source: Readable, options: ImportOptions, progress: ProgressReporter): Promise<ImportReport> {
  const started = performance.now();
  const settings = deps.settings.current();
  const reading = { ...options, currency: settings.currency };
  if (options.dryRun) return importWhole(deps, await readRows(source, reading, progress), options, progress, started);
  const context = planContext(deps, settings, options);
  const streamed = streamedWrites(
    {
      queue: deps.queue,
      summary: deps.summary,
      plan: (db, now, rows) => planImport(context(db, now), rows),
      purchasing: (db, rows) => purchasingOf(deps, settings, db, rows),
    },
    progress,
  );
  const file = rereadable(source);
  const read = await readRows(file(), reading, progress, streamed.batches);
  if (!streamed.started()) return importWhole(deps, read, options, progress, started);
  const totals = await streamed.finish(read.rows);
  if (totals) return report(read, totals, [], false, started);
  progress.again();
  return importWhole(deps, await readRows(file(), reading, progress), options, progress, started);
}

type Settings = ParsedInput<'settings.update'>;

function planContext(deps: CatalogDeps, settings: Settings, options: ImportOptions) {
  return (db: PlanContext['db'], now: string): PlanContext => ({
    db,
    now,
    locations: deps.locations,
    defaultLocation: settings.defaultLocation,
    defaultCurrency: settings.currency,
    reference: (options.name ?? 'CSV import').slice(0, 200),
  });
}

function purchasingOf(deps: CatalogDeps, settings: Settings, db: PlanContext['db'], rows: ParsedRow[]) {
  return planPurchasingColumns(
    db,
    rows.map((r) => ({ row: r.row, sku: r.sku, currency: r.fields.currency, location: r.location, cells: r.purchasing })),
    { currency: settings.currency, location: settings.defaultLocation, locations: deps.locations },
  );
}

function report(read: ReadResult, totals: StreamTotals | null, issues: ImportIssue[], dryRun: boolean, started: number): ImportReport {
  return {
    ok: issues.length === 0,
    dryRun,
    rows: read.records,
    created: totals?.created ?? 0,
    updated: totals?.updated ?? 0,
    unchanged: totals?.unchanged ?? 0,
    counts: totals?.counts ?? 0,
    countsUnchanged: totals?.countsUnchanged ?? 0,
    issues: sortIssues(issues).map((issue) => nameIssue(read.layout, issue)),
    skipped: read.skipped,
    countsLeftOut: read.countsLeftOut,
    format: read.format,
    elapsedMs: performance.now() - started,
  };
}

const totalsOf = (plan: ImportPlan | null): StreamTotals | null =>
  plan && { created: plan.creates.length, updated: plan.updates.length, unchanged: plan.unchanged, counts: plan.counts.length, countsUnchanged: plan.countsUnchanged };

/** The whole file's rows checked against the database and, without a single problem, written. */
async function importWhole(deps: CatalogDeps, read: ReadResult, options: ImportOptions, progress: ProgressReporter, started: number): Promise<ImportReport> {
  const dryRun = options.dryRun ?? false;
  const { rows, issues: readIssues, records } = read;
  progress.checking(records);
  const settings = deps.settings.current();
  const context = planContext(deps, settings, options);
  const result = (plan: ImportPlan | null, issues: ImportIssue[]) => report(read, totalsOf(plan), issues, dryRun, started);

  if (rows.length === 0 && readIssues.length > 0) return result(null, readIssues);
  if (dryRun || readIssues.length > 0) {
    // Still check the good rows against the database, so one run lists every problem.
    const plan = await planImport(context(deps.db, nowIso()), rows);
    return result(plan, [...readIssues, ...plan.issues, ...(await purchasingOf(deps, settings, deps.db, rows)).issues]);
  }

  try {
    return await deps.queue.exclusive(async (ctx) => {
      const work = async () => {
        // Planned inside the write transaction: no other writer can take a SKU or slug between
        // the checks and the writes.
        const plan = await planImport(context(ctx.trx, ctx.now), rows);
        const purchasing = await purchasingOf(deps, settings, ctx.trx, rows);
        if (plan.issues.length > 0 || purchasing.issues.length > 0) return result(plan, [...plan.issues, ...purchasing.issues]);
        const write = async () => {
          await writeImport(ctx, plan, deps.queue, deps.summary, progress.writing(plan.creates.length + plan.updates.length + plan.counts.length));
          await purchasing.write(ctx);
        };
        if (ctx.dialect === 'sqlite' && (await defersIndexes(ctx.trx, plan.creates.length))) {
          try {
            await withIndexesDeferred(ctx.trx, 'products', { keep: KEPT_INDEXES, keyColumn: 'sku' }, write);
          } catch (error) {
            if (error instanceof DuplicateKeys) throw new ImportRejected(duplicateIssues(error, rows));
            throw error;
          }
        } else await write();
        return result(plan, []);
      };
      // A large file gets a larger SQLite page cache for its transaction, and its COMMIT leaves the
      // log to the background checkpointer (import-write.ts).
      return ctx.dialect === 'sqlite' && rows.length >= LARGE_IMPORT_ROWS ? asLargeSqliteImport(ctx.trx, work) : work();
    });
  } catch (error) {
    if (error instanceof ImportRejected) return result(null, error.issues);
    throw error;
  }
}
