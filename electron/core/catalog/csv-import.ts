/**
 * CSV import of the catalogue, all or nothing: every row is checked first (schema, then the
 * database), and only a file without a single problem is written, in one transaction through the
 * write queue. The CLI calls this; the UI and the API can hand it any readable stream.
 */
import type { Readable } from 'node:stream';
import type { ParsedInput } from '../../../shared/contract';
import type { LocationDirectory } from '../locations/locations';
import type { StockWriteQueue } from '../stock/stock-ops';
import type { SummaryContext } from '../stock/stock-summary';
import { nowIso, type Db } from '../util/db-helpers';
import { CSV_COLUMNS, readHeader } from './csv-columns';
import { planImport, type ImportPlan, type PlanContext } from './import-plan';
import { parseRecord, type ImportIssue, type ParsedRow } from './import-rows';
import { ImportRejected, writeImport } from './import-write';

export type { ImportIssue } from './import-rows';

export type CatalogDeps = {
  db: Db;
  /** The import's transaction, and the stock engine its counts run through inside it. */
  queue: Pick<StockWriteQueue, 'exclusive' | 'applyIn'>;
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
  elapsedMs: number;
};

type Record_ = { record: string[]; info: { empty_lines: number } };

/** Reads and checks every record; the rows that parse, and the problems of those that do not. */
async function readRows(source: Readable): Promise<{ rows: ParsedRow[]; issues: ImportIssue[]; records: number }> {
  // Loaded when a file is imported, not with the core (a few MB every process would carry).
  const { parse } = await import('csv-parse');
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  const rows: ParsedRow[] = [];
  const issues: ImportIssue[] = [];
  let columns: ReturnType<typeof readHeader>['columns'] | undefined;
  let records = 0;
  let lastLine = 0;
  let emptyLines = 0;
  try {
    for await (const item of parser as AsyncIterable<Record_>) {
      // Rows are numbered by the line they start on, as an editor shows them. Counted here
      // rather than taken from csv-parse's `lines`, which counts a CRLF inside a quoted cell twice.
      const row = lastLine + 1 + (item.info.empty_lines - emptyLines);
      lastLine = row + item.record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
      emptyLines = item.info.empty_lines;
      if (!columns) {
        const header = readHeader(item.record);
        if (header.issues.length > 0) {
          return { rows, issues: header.issues.map((i) => ({ row, ...i })), records };
        }
        columns = header.columns;
        continue;
      }
      records++;
      const parsed = parseRecord(columns, item.record, row);
      if (parsed.row) rows.push(parsed.row);
      else issues.push(...parsed.issues);
    }
  } catch (error) {
    const e = error as Error & { code?: unknown; lines?: unknown };
    if (typeof e.code !== 'string' || !e.code.startsWith('CSV_')) throw error;
    // csv-parse knows the line it stopped on; records parsed just before may not have reached us.
    const row = typeof e.lines === 'number' ? e.lines : lastLine + 1;
    issues.push({ row, column: null, message: `the file is not valid CSV: ${e.message}` });
    return { rows, issues, records };
  }
  if (!columns) {
    issues.push({ row: 1, column: null, message: `the file is empty; its first row must be the header: ${CSV_COLUMNS.join(',')}` });
  }
  return { rows, issues, records };
}

function sortIssues(issues: ImportIssue[]): ImportIssue[] {
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) => a.issue.row - b.issue.row || a.i - b.i).map((x) => x.issue);
}

/** Imports a catalogue CSV (see CSV_COLUMNS); never throws for a problem in the file, reports it. */
export async function importCatalogCsv(deps: CatalogDeps, source: Readable, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const { rows, issues: readIssues, records } = await readRows(source);
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
    issues: sortIssues(issues),
    elapsedMs: performance.now() - started,
  });

  if (rows.length === 0 && readIssues.length > 0) return report(null, readIssues);
  if (dryRun || readIssues.length > 0) {
    // Still check the good rows against the database, so one run lists every problem.
    const plan = await planImport(planContext(deps.db, nowIso()), rows);
    return report(plan, [...readIssues, ...plan.issues]);
  }

  try {
    return await deps.queue.exclusive(async (ctx) => {
      // Planned inside the write transaction: no other writer can take a SKU or slug between
      // the checks and the writes.
      const plan = await planImport(planContext(ctx.trx, ctx.now), rows);
      if (plan.issues.length > 0) return report(plan, plan.issues);
      await writeImport(ctx, plan, deps.queue, deps.summary);
      return report(plan, []);
    });
  } catch (error) {
    if (error instanceof ImportRejected) return report(null, error.issues);
    throw error;
  }
}
