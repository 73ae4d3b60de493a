/**
 * CSV import of the catalogue, all or nothing: every row is checked first (schema, then the
 * database), and only a file without a single problem is written, in one transaction through the
 * write queue. The CLI calls this; the UI and the API can hand it any readable stream.
 */
import { Readable } from 'node:stream';
import { DELIMITER_CHARS, detectDecimalMark, type CsvDelimiter, type CsvEncoding, type DecimalMark } from '../../../shared/csv/csv-format';
import { readCsvStart } from '../../../shared/csv/csv-text';
import type { ImportMapping } from '../../../shared/csv/import-fields';
import type { ImportPreset } from '../../../shared/csv/import-presets';
import type { ParsedInput } from '../../../shared/contract';
import type { ImportFormatReport, ImportSkipped } from '../../../shared/schemas/catalog';
import type { LocationDirectory } from '../locations/locations';
import type { StockWriteQueue } from '../stock/stock-ops';
import type { SummaryContext } from '../stock/stock-summary';
import { nowIso, type Db } from '../util/db-helpers';
import { CSV_COLUMNS } from './csv-columns';
import { InvalidEncoding, openCsvSource } from './csv-source';
import { amountCells, nameIssue, resolveLayout, rowValues, type ImportLayout } from './import-layout';
import { planImport, type ImportPlan, type PlanContext } from './import-plan';
import { rowRule } from './import-presets';
import { parseValues, type ImportIssue, type ParsedRow } from './import-rows';
import { ImportRejected, writeImport } from './import-write';
import { progressReporter, type ImportProgress, type ProgressReporter } from './import-progress';
import { planPurchasingColumns } from '../purchasing/catalog-columns';
import { withPageCache } from '../db/sqlite-client';
import { DuplicateKeys, withIndexesDeferred } from '../db/deferred-indexes';
import { CSV_COLUMNS as FILE_COLUMNS } from '../../../shared/csv/import-fields';

/** Rows from which an import raises SQLite's page cache, and to what (KiB). */
const LARGE_IMPORT_ROWS = 1000;
const IMPORT_CACHE_KIB = 128 * 1024;
/**
 * New products from which an import into a catalogue no larger than them builds the products
 * table's indexes once at the end instead of filling them row by row (db/deferred-indexes.ts).
 */
export const DEFER_INDEXES_ROWS = 10_000;
/**
 * What the import's own writes and reads need while the other indexes are away: the stock engine
 * finds the products it counts by SKU, and the SKU stays checked as each row goes in.
 */
const KEPT_INDEXES = ['products_sku_unique'];

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
  /** How the file was read. */
  format: ImportFormatReport;
  elapsedMs: number;
};

type ReadResult = {
  rows: ParsedRow[];
  issues: ImportIssue[];
  skipped: ImportSkipped[];
  records: number;
  format: ImportFormatReport;
  layout: ImportLayout | null;
};

/** What csv-parse tells about each record (its `InfoRecord`), as far as it is read here. */
type RecordInfo = { empty_lines: number; bytes: number };

/**
 * Reads and checks every record; the rows that parse, and the problems of those that do not.
 * Records are taken in csv-parse's `on_record` hook, as the parser finds them, and never pushed
 * through the stream: object-mode pushes and the async iterator cost more than the parse itself
 * (measured on 100,000 rows: 0.75 s of stream machinery against 0.55 s for the raw parse).
 */
async function readRows(input: Readable, options: ImportOptions, progress: ProgressReporter): Promise<ReadResult> {
  const source = await openCsvSource(input, options);
  const format: ImportFormatReport = {
    encoding: source.encoding,
    delimiter: source.delimiter,
    decimal: options.decimal ?? 'point',
    preset: options.preset ?? null,
  };
  const rule = rowRule(format.preset);
  const rows: ParsedRow[] = [];
  const issues: ImportIssue[] = [];
  const skipped: ImportSkipped[] = [];
  let layout: ImportLayout | null = null;
  let cell: (cells: string[], name: string) => string = () => '';
  let records = 0;
  let lastLine = 0;
  let emptyLines = 0;
  /** Set when the header cannot be read: nothing after it is looked at. */
  let halted = false;
  const result = () => ({ rows, issues, skipped, records, format, layout });
  const delimiter = DELIMITER_CHARS[source.delimiter];

  const take = (record: string[], info: RecordInfo): void => {
    if (halted) return;
    // Rows are numbered by the line they start on, as an editor shows them. Counted here
    // rather than taken from csv-parse's `lines`, which counts a CRLF inside a quoted cell twice.
    const row = lastLine + 1 + (info.empty_lines - emptyLines);
    let breaks = 0;
    for (const c of record) if (c.includes('\n') || c.includes('\r')) breaks += c.match(/\r\n|\r|\n/g)?.length ?? 0;
    lastLine = row + breaks;
    emptyLines = info.empty_lines;
    if (!layout) {
      const resolved = resolveLayout(record, options);
      if (!resolved.layout) {
        issues.push(...resolved.issues);
        halted = true;
        return;
      }
      layout = resolved.layout;
      const at = new Map(layout.header.map((name, i) => [name.toLowerCase(), i] as const).reverse());
      cell = (cells, name) => cells[at.get(name.toLowerCase()) ?? -1] ?? '';
      if (!options.decimal) {
        format.decimal = detectDecimalMark(amountCells(layout, readCsvStart(source.sample, delimiter, 200).rows));
      }
      return;
    }
    records++;
    progress.read(records, info.bytes);
    if (record.length !== layout.fields.length) {
      issues.push({ row, column: null, message: `the row has ${record.length} cells but the header has ${layout.fields.length} columns` });
      return;
    }
    const cells = record;
    const taken = rule.take(rowValues(layout, cells), (name) => cell(cells, name), row);
    if (taken.skip !== undefined) {
      skipped.push({ row, reason: taken.skip });
      return;
    }
    const parsed = parseValues(taken.values, row, format.decimal);
    if (parsed.row) rows.push(parsed.row);
    else issues.push(...parsed.issues);
  };

  // Loaded when a file is imported, not with the core (a few MB every process would carry).
  const { parse } = await import('csv-parse');
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    delimiter,
    on_record: (record: string[], info: RecordInfo) => {
      take(record, info);
      return null;
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('finish', resolve);
  });
  // Awaited below; a failure before then must not count as unhandled.
  finished.catch(() => undefined);
  try {
    for await (const chunk of source.text) {
      if (halted || parser.destroyed) break;
      if (!parser.write(chunk)) await new Promise<void>((resolve) => parser.once('drain', resolve));
    }
    if (halted) return result();
    parser.end();
    await finished;
  } catch (error) {
    if (error instanceof InvalidEncoding) {
      issues.push({ row: lastLine + 1, column: null, message: error.message });
      return result();
    }
    const e = error as Error & { code?: unknown; lines?: unknown };
    if (typeof e.code !== 'string' || !e.code.startsWith('CSV_')) throw error;
    // csv-parse knows the line it stopped on; records parsed just before may not have reached us.
    const row = typeof e.lines === 'number' ? e.lines : lastLine + 1;
    issues.push({ row, column: null, message: `the file is not valid CSV: ${e.message}` });
    return result();
  } finally {
    if (!parser.writableFinished) parser.destroy();
  }
  if (!layout) {
    issues.push({ row: 1, column: null, message: `the file is empty; its first row must be the header: ${CSV_COLUMNS.join(',')}` });
  }
  rule.finish(rows);
  return result();
}

/** Many new products into a catalogue no larger than them: its indexes are built once, at the end. */
async function defersIndexes(trx: Db, creates: number): Promise<boolean> {
  if (creates < DEFER_INDEXES_ROWS) return false;
  const [row] = (await trx('products').count({ n: '*' })) as Array<{ n: unknown }>;
  return Number(row?.n ?? 0) <= creates;
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
 * bytes or text; never throws for a problem in the file, reports it.
 */
export async function importCatalogCsv(deps: CatalogDeps, source: Readable, options: ImportOptions = {}): Promise<ImportReport> {
  const progress = progressReporter(options.onProgress, options.size);
  try {
    return await runImport(deps, source, options, progress);
  } finally {
    progress.done();
  }
}

async function runImport(deps: CatalogDeps, source: Readable, options: ImportOptions, progress: ProgressReporter): Promise<ImportReport> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const { rows, issues: readIssues, records, skipped, format, layout } = await readRows(source, options, progress);
  progress.checking(records);
  const settings = deps.settings.current();
  const planContext = (db: PlanContext['db'], now: string): PlanContext => ({
    db,
    now,
    locations: deps.locations,
    defaultLocation: settings.defaultLocation,
    defaultCurrency: settings.currency,
    reference: (options.name ?? 'CSV import').slice(0, 200),
  });
  const report = (plan: ImportPlan | null, issues: ImportIssue[]): ImportReport => ({
    ok: issues.length === 0,
    dryRun,
    rows: records,
    created: plan?.creates.length ?? 0,
    updated: plan?.updates.length ?? 0,
    unchanged: plan?.unchanged ?? 0,
    counts: plan?.counts.length ?? 0,
    countsUnchanged: plan?.countsUnchanged ?? 0,
    issues: sortIssues(issues).map((issue) => nameIssue(layout, issue)),
    skipped,
    format,
    elapsedMs: performance.now() - started,
  });

  const purchasingOf = (db: PlanContext['db']) =>
    planPurchasingColumns(
      db,
      rows.map((r) => ({ row: r.row, sku: r.sku, currency: r.fields.currency, location: r.location, cells: r.purchasing })),
      { currency: settings.currency, location: settings.defaultLocation, locations: deps.locations },
    );
  if (rows.length === 0 && readIssues.length > 0) return report(null, readIssues);
  if (dryRun || readIssues.length > 0) {
    // Still check the good rows against the database, so one run lists every problem.
    const plan = await planImport(planContext(deps.db, nowIso()), rows);
    return report(plan, [...readIssues, ...plan.issues, ...(await purchasingOf(deps.db)).issues]);
  }

  try {
    return await deps.queue.exclusive(async (ctx) => {
      const work = async () => {
        // Planned inside the write transaction: no other writer can take a SKU or slug between
        // the checks and the writes.
        const plan = await planImport(planContext(ctx.trx, ctx.now), rows);
        const purchasing = await purchasingOf(ctx.trx);
        if (plan.issues.length > 0 || purchasing.issues.length > 0) return report(plan, [...plan.issues, ...purchasing.issues]);
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
        return report(plan, []);
      };
      // A large file gets a larger SQLite page cache for its transaction (db/sqlite-client.ts).
      return ctx.dialect === 'sqlite' && rows.length >= LARGE_IMPORT_ROWS ? withPageCache(ctx.trx, IMPORT_CACHE_KIB, work) : work();
    });
  } catch (error) {
    if (error instanceof ImportRejected) return report(null, error.issues);
    throw error;
  }
}
