/**
 * How the import screen reads a chosen file before anything is sent: its encoding, delimiter and
 * decimal mark (detected, or as the user chose), the kind of file (Stockfeed's own, or a Shopify
 * or WooCommerce export) and the Stockfeed field of each column. What is shown is what is sent,
 * so the server reads the file exactly as it was previewed. No DOM here: unit-tested under Node.
 */
import {
  detectDecimalMark,
  sniffCsv,
  type CsvDelimiter,
  type CsvEncoding,
  type DecimalMark,
} from '../../shared/csv/csv-format';
import type { CsvStart } from '../../shared/csv/csv-text';
import { AMOUNT_FIELDS, CSV_COLUMNS, IMPORT_FIELDS, REQUIRED_FIELDS, type ImportField, type ImportMapping } from '../../shared/csv/import-fields';
import { detectPreset, guessMapping, type ImportPreset } from '../../shared/csv/import-presets';

export type ImportChoices = {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  decimal: DecimalMark;
  preset: ImportPreset | null;
  /** The field each column of the file fills, by position; null leaves the column out. */
  columns: Array<ImportField | null>;
};

export type DetectedFormat = { encoding: CsvEncoding; delimiter: CsvDelimiter; decimal: DecimalMark; preset: ImportPreset | null };

/** The start of the chosen file. */
export type FileHead = { bytes: Uint8Array; whole: boolean };

export type FileChoices = {
  detected: DetectedFormat;
  choices: ImportChoices;
  /** The header and first rows, read with the choices. */
  preview: CsvStart;
};

/** What the import request carries: the choices, as the contract names them. */
export type ImportRequestFormat = {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  decimal: DecimalMark;
  preset?: ImportPreset;
  mapping?: ImportMapping;
};

const PREVIEW_ROWS = 10;

function columnsFor(header: readonly string[], mapping: ImportMapping): Array<ImportField | null> {
  return header.map((name) => IMPORT_FIELDS.find((field) => mapping[field] === name) ?? null);
}

function decimalOf(sample: CsvStart, columns: ReadonlyArray<ImportField | null>): DecimalMark {
  const amounts = columns.flatMap((field, i) => (field && AMOUNT_FIELDS.includes(field) ? [i] : []));
  return detectDecimalMark(sample.rows.flatMap((row) => amounts.map((i) => row[i] ?? '')));
}

/** Whether the header is Stockfeed's own: every column known, none twice, the required ones there. */
export function isOwnHeader(header: readonly string[]): boolean {
  const names = header.map((h) => h.trim().toLowerCase());
  return (
    names.every((n) => (CSV_COLUMNS as readonly string[]).includes(n)) &&
    new Set(names).size === names.length &&
    REQUIRED_FIELDS.every((f) => names.includes(f))
  );
}

/**
 * Reads the file's start with the user's choices (`chosen`), detecting the rest; with `previous`,
 * the column choices are kept while the header and the kind of file stay the same.
 */
export function readFileChoices(head: FileHead, chosen?: ImportChoices, previous?: FileChoices): FileChoices {
  const detectedRead = previous ? null : sniffCsv(head.bytes, { whole: head.whole, limit: 200 });
  const read = chosen
    ? sniffCsv(head.bytes, { whole: head.whole, limit: 200, encoding: chosen.encoding, delimiter: chosen.delimiter })
    : (detectedRead as NonNullable<typeof detectedRead>);
  const header = read.sample.header;
  const headerPreset = detectPreset(header);
  // The user's choices hold while the header stays the same; a new header starts afresh.
  const same = chosen !== undefined && previous !== undefined && sameHeader(previous.preview.header, header);
  const preset = same ? chosen.preset : headerPreset;
  const columns = same && chosen.preset === previous.choices.preset ? chosen.columns : columnsFor(header, guessMapping(header, preset));
  const decimal = same ? chosen.decimal : decimalOf(read.sample, columns);
  const detected: DetectedFormat = previous
    ? previous.detected
    : { encoding: read.format.encoding, delimiter: read.format.delimiter, decimal, preset: headerPreset };
  const rows = read.sample.rows.slice(0, PREVIEW_ROWS);
  return {
    detected,
    choices: { encoding: read.format.encoding, delimiter: read.format.delimiter, decimal, preset, columns },
    preview: { header, rows, lines: read.sample.lines.slice(0, PREVIEW_ROWS), more: read.sample.more || read.sample.rows.length > PREVIEW_ROWS },
  };
}

function sameHeader(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** The columns with `field` given to the column at `index` (and taken from any other column). */
export function assignColumn(columns: ReadonlyArray<ImportField | null>, index: number, field: ImportField | null): Array<ImportField | null> {
  return columns.map((current, i) => (i === index ? field : field !== null && current === field ? null : current));
}

/** The fields every product needs that no column fills yet. */
export function missingFields(columns: ReadonlyArray<ImportField | null>): ImportField[] {
  return REQUIRED_FIELDS.filter((field) => !columns.includes(field));
}

/** What to send: the format always, the mapping unless the file is in Stockfeed's own format. */
export function requestFormat(choices: ImportChoices, header: readonly string[]): ImportRequestFormat {
  const { encoding, delimiter, decimal, preset, columns } = choices;
  const own = preset === null && isOwnHeader(header) && columns.every((field, i) => field === header[i]?.trim().toLowerCase());
  if (own) return { encoding, delimiter, decimal };
  const mapping: ImportMapping = {};
  columns.forEach((field, i) => {
    if (field) mapping[field] = header[i] as string;
  });
  return { encoding, delimiter, decimal, ...(preset ? { preset } : {}), mapping };
}
