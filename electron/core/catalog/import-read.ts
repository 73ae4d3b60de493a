/**
 * The reading half of an import: every CSV record taken as the parser finds it and checked on its
 * own (import-rows.ts), no database involved. Rows are kept for the caller, or handed on in
 * batches while the file is still read (a streamed import, import-stream.ts).
 */
import { DELIMITER_CHARS, detectDecimalMark, type CsvDelimiter, type CsvEncoding, type DecimalMark } from '../../../shared/csv/csv-format';
import { readCsvStart } from '../../../shared/csv/csv-text';
import type { ImportMapping } from '../../../shared/csv/import-fields';
import type { ImportPreset } from '../../../shared/csv/import-presets';
import type { ImportCountLeftOut, ImportFormatReport, ImportSkipped } from '../../../shared/schemas/catalog';
import { CSV_COLUMNS } from './csv-columns';
import { InvalidEncoding, NotCsvFile, openCsvSource, type CsvSource } from './csv-source';
import { amountCells, isBlankRecord, misfit, resolveLayout, rowValues, type ImportLayout } from './import-layout';
import { rowRule } from './import-presets';
import { parseValues, type ImportIssue, type ParsedRow } from './import-rows';
import type { ProgressReporter } from './import-progress';
import { giveTurn } from '../util/main-turns';

/** How to read the file (the import's options, as far as reading goes). */
export type ReadOptions = {
  encoding?: CsvEncoding | undefined;
  delimiter?: CsvDelimiter | undefined;
  decimal?: DecimalMark | undefined;
  preset?: ImportPreset | undefined;
  mapping?: ImportMapping | undefined;
  /** The shop's currency: a price written with its sign or code ("12,50 €") is read when it is this one. */
  currency?: string | undefined;
};

/**
 * Characters handed to the parser at a time when streaming (≈ 120 rows of an ordinary file, ≈ 1 ms
 * of the main thread), with a turn of the event loop between pieces when due (giveTurn): the
 * batch before is written meanwhile, and each of its writes waits for the main thread to be sent
 * to SQLite (util/main-turns.ts). Pieces of 64 KB were stretches of ≈ 10 ms.
 */
const FEED_CHARS = 8 * 1024;

/** `rows` cut into batches of `size` or a few more: a batch ends between two SKUs. */
export function inBatches(rows: ParsedRow[], size: number): ParsedRow[][] {
  const out: ParsedRow[][] = [];
  let start = 0;
  for (let i = size; i < rows.length; i++) {
    if (i - start >= size && (rows[i] as ParsedRow).sku !== (rows[i - 1] as ParsedRow).sku) {
      out.push(rows.slice(start, i));
      start = i;
    }
  }
  out.push(start === 0 ? rows : rows.slice(start));
  return out;
}

/** Where a streamed import takes the rows while the file is read. */
export type RowBatches = {
  /** Rows per batch (a batch ends between two SKUs, so it may hold a few more). */
  size: number;
  /**
   * Rows read before the first batch is handed on: a file of no more is imported the whole-file
   * way. The rows read by then are handed on in batches of `size`.
   */
  from: number;
  /** Takes the next batch; reading goes on meanwhile. */
  take(rows: ParsedRow[]): void;
  /**
   * Undefined when the reader may go on now (the batches taken and not yet written are few enough,
   * none is being planned); else a promise to await before asking again.
   */
  room(): Promise<void> | undefined;
  /** The writes stopped (a problem found, or a failure): reading stops too. */
  stopped(): boolean;
  /** The file has a problem: no batch is handed on any more, and what was taken is not to be kept. */
  problem(): void;
};

export type ReadResult = {
  rows: ParsedRow[];
  issues: ImportIssue[];
  skipped: ImportSkipped[];
  /** Rows read without their stock figure (the rule's `countLeftOut`), their product kept. */
  countsLeftOut: ImportCountLeftOut[];
  records: number;
  format: ImportFormatReport;
  layout: ImportLayout | null;
};

/** What csv-parse counts as it reads (its `info`), as far as it is read here. */
type RecordInfo = { empty_lines: number; bytes: number };

/**
 * Reads and checks every record; the rows that parse, and the problems of those that do not.
 * Records are taken as the parser hands each one out (the `push` of its Transform), with its
 * running counts (`parser.info`), and never go through the stream: object-mode pushes and the
 * async iterator cost more than the parse itself (measured on 100,000 rows: 0.75 s of stream
 * machinery against 0.55 s for the raw parse). Nor through the `on_record` hook: csv-parse builds
 * its info argument for every record by spreading its counters twice, ≈ 17 % of reading and
 * checking 100,000 rows (CPU profile of readRows; 1.33 → 1.03 s of the main thread, 4.1 → 3.4 KB allocated a row).
 * With `batches`, rows are handed on as they come, a batch at a time, while the file is still read
 * (import-stream.ts), until the first problem: from then on they are kept, as without.
 */
export async function readRows(
  input: AsyncIterable<Buffer | string>,
  options: ReadOptions,
  progress: ProgressReporter,
  batches?: RowBatches,
): Promise<ReadResult> {
  let source: CsvSource;
  try {
    source = await openCsvSource(input, options);
  } catch (error) {
    if (!(error instanceof NotCsvFile)) throw error;
    batches?.problem();
    const format = { encoding: null, delimiter: options.delimiter ?? 'comma', decimal: options.decimal ?? 'point', preset: options.preset ?? null } as const;
    return { rows: [], issues: [{ row: 1, column: null, message: error.message }], skipped: [], countsLeftOut: [], records: 0, format, layout: null };
  }
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
  const countsLeftOut: ImportCountLeftOut[] = [];
  let layout: ImportLayout | null = null;
  let cell: (cells: string[], name: string) => string = () => '';
  // The record being taken, for the preset's reader of any column by name: one function for every
  // row, not a closure made per row.
  let current: string[] = [];
  const cellOfCurrent = (name: string) => cell(current, name);
  let records = 0;
  let lastLine = source.skippedLines;
  let emptyLines = 0;
  /** Set when the header cannot be read: nothing after it is looked at. */
  let halted = false;
  const result = () => {
    if (issues.length > 0) batches?.problem();
    return { rows, issues, skipped, countsLeftOut, records, format, layout };
  };
  const handOn = () => batches !== undefined && !rule.wholeFile && issues.length === 0;
  /** Rows held before the next hand-on: `from` until the first, then a batch's `size`. */
  let handAt = batches?.from ?? 0;
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
      // Rows of empty cells above the header (a sheet whose table starts lower down).
      if (isBlankRecord(record)) return;
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
    if (record.length !== layout.fields.length || layout.unnamed.length > 0) {
      const bad = misfit(layout, record);
      if (bad !== null) {
        // A row of empty cells is skipped as a blank line is.
        if ('blank' in bad) records--;
        else issues.push({ row, column: null, message: bad.problem });
        return;
      }
    }
    current = record;
    const taken = rule.take(rowValues(layout, record), cellOfCurrent, row);
    if (taken.skip !== undefined) {
      if (isBlankRecord(record)) records--;
      else skipped.push({ row, reason: taken.skip });
      return;
    }
    const parsed = parseValues(taken.values, row, format.decimal, options.currency ?? null);
    if (parsed.row) {
      // A batch ends between two SKUs, so the rows of a SKU (its stock at several locations) stay together.
      const last = rows[rows.length - 1];
      if (handOn() && rows.length >= handAt && last && last.sku !== parsed.row.sku) {
        const { size } = batches as RowBatches;
        for (const batch of inBatches(rows.splice(0, rows.length), size)) (batches as RowBatches).take(batch);
        handAt = size;
      }
      rows.push(parsed.row);
      if (taken.countLeftOut !== undefined) countsLeftOut.push({ row, reason: taken.countLeftOut });
    } else if (isBlankRecord(record)) records--;
    else issues.push(...parsed.issues);
  };

  // Loaded when a file is imported, not with the core (a few MB every process would carry).
  const { parse } = await import('csv-parse');
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, delimiter });
  const info: RecordInfo = parser.info;
  const end = parser.push.bind(parser);
  parser.push = (record: string[] | null) => {
    if (record === null) return end(null);
    take(record, info);
    return true;
  };
  const finished = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('finish', resolve);
  });
  // Awaited below; a failure before then must not count as unhandled.
  finished.catch(() => undefined);
  try {
    for await (const text of source.text) {
      // Streamed, a source that gives the whole text at once (the JSON operation) is parsed a
      // piece at a time too, so the writes can begin and keep pace.
      const step = batches ? FEED_CHARS : text.length;
      for (let at = 0; at < text.length && !halted; at += step) {
        if (batches) {
          // Asked right before each piece is parsed (no turn of the event loop in between): no
          // more than a batch or two ahead of the writes, none while a batch is planned, none
          // once the writes stopped.
          await giveTurn();
          for (let wait = batches.room(); wait; wait = batches.room()) await wait;
          if (batches.stopped()) {
            halted = true;
            break;
          }
        }
        if (parser.destroyed) break;
        const chunk = step >= text.length ? text : text.slice(at, at + step);
        if (!parser.write(chunk)) await new Promise<void>((resolve) => parser.once('drain', resolve));
        if (batches && issues.length > 0) batches.problem();
      }
      if (halted || parser.destroyed) break;
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
  // A header without a line break after it is taken only at the parser's end, and may have halted.
  if (!layout && !halted) {
    issues.push({ row: 1, column: null, message: `the file is empty; its first row must be the header: ${CSV_COLUMNS.join(',')}` });
  }
  rule.finish(rows);
  return result();
}
