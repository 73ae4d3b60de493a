/**
 * How a CSV file is written, guessed from its first bytes so a file from any spreadsheet imports
 * without the owner knowing what an encoding is: Excel on Western Windows saves CSV as
 * Windows-1252 with semicolons where the decimal mark is a comma (Germany, France, …), its
 * "Unicode Text" is UTF-16 with tabs, and Shopify and WooCommerce write UTF-8 with commas. What is
 * guessed is shown before the import and can be overridden; the same guess runs in the page and in
 * the core, so both read a file the same way.
 */
import { completeLines, readCsvStart, type CsvStart } from './csv-text';

/** Encodings Stockfeed reads; ISO-8859-1 is read as Windows-1252, as browsers do (a superset). */
export const CSV_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export const CSV_DELIMITERS = ['comma', 'semicolon', 'tab'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** The character a delimiter name stands for. */
export const DELIMITER_CHARS: Readonly<Record<CsvDelimiter, string>> = { comma: ',', semicolon: ';', tab: '\t' };

/** How the file writes the decimals of prices: 12.50 (point) or 12,50 (comma). */
export const DECIMAL_MARKS = ['point', 'comma'] as const;
export type DecimalMark = (typeof DECIMAL_MARKS)[number];

export type CsvFormat = {
  encoding: CsvEncoding;
  /** Whether the file starts with a byte order mark (it is not part of the first cell). */
  bom: boolean;
  delimiter: CsvDelimiter;
  decimal: DecimalMark;
};

/** Enough of a file to judge it by: a few hundred rows of a typical catalogue. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * The file's encoding from its first bytes: a byte order mark says it outright; without one,
 * zero bytes in every other place mean UTF-16, and bytes that are not valid UTF-8 mean the
 * Windows code page (any byte is valid there, so it is the fallback, never the first guess).
 */
export function detectEncoding(bytes: Uint8Array): { encoding: CsvEncoding; bom: boolean } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  const pairs = Math.floor(Math.min(bytes.length, 4096) / 2);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) evenZeros++;
    if (bytes[2 * i + 1] === 0) oddZeros++;
  }
  // Text in UTF-16 has a zero in one byte of nearly every Latin character; a CSV in an 8-bit
  // encoding has none at all.
  if (pairs >= 2 && oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return { encoding: 'utf-16le', bom: false };
  if (pairs >= 2 && evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return { encoding: 'utf-16be', bom: false };
  try {
    // `stream` leaves a character cut at the end of a sample pending instead of calling it invalid.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return { encoding: 'utf-8', bom: false };
  } catch {
    return { encoding: 'windows-1252', bom: false };
  }
}

/**
 * Why the bytes are not a CSV file at all, from the signature of the formats people pick by
 * mistake (a workbook renamed .csv, or saved without choosing CSV), or null. Read as text these
 * give a header of binary noise and a list of baffling problems; the owner needs one sentence
 * saying what to do instead.
 */
export function notCsvReason(bytes: Uint8Array): string | null {
  const starts = (...signature: number[]) => signature.every((b, i) => bytes[i] === b);
  const save = 'open it in the spreadsheet and save it again with "Save As", choosing "CSV UTF-8 (comma delimited)" or "CSV"';
  // ZIP: Excel's .xlsx, LibreOffice's .ods and Numbers files are all ZIP archives.
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) {
    const name = new TextDecoder('latin1').decode(bytes.subarray(30, 90));
    const kind = name.startsWith('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')
      ? 'a LibreOffice/OpenOffice spreadsheet (.ods)'
      : name.includes('xl/') || name.startsWith('[Content_Types].xml') || name.startsWith('docProps/')
        ? 'an Excel workbook (.xlsx)'
        : 'a ZIP archive (an Excel workbook, or another packed file)';
    return `this is ${kind}, not a CSV file: ${save}`;
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return `this is an Excel 97-2003 workbook (.xls), not a CSV file: ${save}`;
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'this is a PDF document, not a CSV file: export the catalogue from the program that made it as CSV';
  return null;
}

/**
 * The bytes as text, without the byte order mark. `partial`: the bytes are the start of a longer
 * file, so a character cut at the end is left out rather than replaced.
 */
export function decodeCsvBytes(bytes: Uint8Array, encoding: CsvEncoding, partial = false): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  return new TextDecoder(encoding).decode(bytes, { stream: partial });
}

/**
 * Windows-1252 differs from ISO-8859-1 only in 0x80–0x9F, where it has €, „, “, ”, –, —, ™, Š, …
 * Decoded here rather than by TextDecoder: Node 20's TextDecoder reads 'windows-1252' as
 * ISO-8859-1, so € (0x80) would arrive as an invisible control character. One byte is one
 * character, so a file can be decoded chunk by chunk with no state.
 */
const CP1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const codes = Array.from(bytes.subarray(start, start + CHUNK), (b) => (b >= 0x80 && b <= 0x9f ? (CP1252_80_9F[b - 0x80] as number) : b));
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/**
 * The delimiter that splits the header and the first rows into the same number of cells, the
 * most cells on a tie. Each candidate reads the text with quotes, so a quoted "Mug; blue" in a
 * comma file does not count for the semicolon. A file of one column is comma-separated.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  let best: { delimiter: CsvDelimiter; consistent: number; cells: number } = { delimiter: 'comma', consistent: 0, cells: 1 };
  for (const delimiter of CSV_DELIMITERS) {
    const { header, rows } = readCsvStart(text, DELIMITER_CHARS[delimiter], 50);
    if (header.length < 2) continue;
    const records = [header, ...rows];
    const consistent = records.filter((r) => r.length === header.length).length / records.length;
    if (consistent > best.consistent || (consistent === best.consistent && header.length > best.cells)) {
      best = { delimiter, consistent, cells: header.length };
    }
  }
  return best.delimiter;
}

const COMMA_DECIMAL = /^\d+,\d{1,2}$|^\d{1,3}(?:[. \u00a0\u202f']\d{3})+,\d{1,2}$/;
const POINT_DECIMAL = /^\d+\.\d{1,2}$|^\d{1,3}(?:,\d{3})+\.\d{1,2}$/;

/**
 * Whether prices are written 12,50 or 12.50, from the cells that look like amounts. Three digits
 * after the mark ("1,500") could be a thousands separator either way and do not count. A currency
 * around the number ("12,50 €", "€12.50", what a cell formatted as currency is saved as) is looked
 * past.
 */
export function detectDecimalMark(cells: readonly string[]): DecimalMark {
  let comma = 0;
  let point = 0;
  for (const raw of cells) {
    const cell = raw.replace(/^\D+|\D+$/g, '');
    if (COMMA_DECIMAL.test(cell)) comma++;
    else if (POINT_DECIMAL.test(cell)) point++;
  }
  return comma > point ? 'comma' : 'point';
}

const COMMA_AMOUNT = /^(\d{1,3}(?:([. \u00a0\u202f'])\d{3})(?:\2\d{3})*|\d+)(?:,(\d+))?$/;

/**
 * An amount as the file writes it, as the contract's decimal string: "1.234,50" → "1234.50" when
 * the decimal mark is a comma. A point that cannot be grouping ("12.50") is the decimal point.
 * Anything else comes back as it was, for the schema to refuse in its own words.
 */
export function normaliseAmount(cell: string, decimal: DecimalMark): string {
  if (decimal === 'point') return cell;
  const value = cell.trim();
  const match = COMMA_AMOUNT.exec(value);
  if (!match) return cell;
  const whole = (match[1] as string).replace(/[^\d]/g, '');
  return match[3] === undefined ? whole : `${whole}.${match[3]}`;
}

/** A cell written with a decimal comma, as a decimal-point file should not hold. */
const COMMA_DECIMAL_CELL = /^\s*\d+,\d{1,2}\s*$/;

/** A cell quoted in a message: at most 40 characters, so a description in the price column stays readable. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * An amount cell that cannot be read, told in the file's own form (12,50 in a decimal-comma file)
 * with the cell it holds; in a decimal-point file, a cell written with a decimal comma says so.
 * Every amount column of an import (price, sale_price, compare_at_price, cost) is refused in these
 * words, not in the API's ("such as 12.50", AMOUNT_PATTERN_MESSAGE).
 */
export function amountCellProblem(column: string, cell: string, decimal: DecimalMark): string {
  const hint = decimal === 'point' && COMMA_DECIMAL_CELL.test(cell) ? `; this file writes decimals with a comma ("${cell.trim()}"): choose the decimal comma` : '';
  return `${column} must be an amount such as "${decimal === 'comma' ? '12,50' : '12.50'}" (found "${clip(cell.trim())}")${hint}`;
}

export type SniffOptions = {
  /** The bytes are the whole file (not a slice of its start). */
  whole: boolean;
  /** Choices that win over detection. */
  encoding?: CsvEncoding | undefined;
  delimiter?: CsvDelimiter | undefined;
  decimal?: DecimalMark | undefined;
  /** Rows to read after the header. */
  limit?: number;
};

export type Sniffed = { format: CsvFormat; sample: CsvStart };

/**
 * Excel's own "sep=;" line before the header, which some programs write so that Excel splits the
 * file right whatever the computer's list separator: the delimiter it names, and its length with
 * its line break (the line is not part of the table, but still counts when rows are numbered).
 */
export function sepLine(text: string): { delimiter: CsvDelimiter; length: number } | null {
  const match = /^\ufeff?sep=([,;\t])[ \t]*(?:\r\n|\r|\n)/i.exec(text);
  if (!match) return null;
  const delimiter = CSV_DELIMITERS.find((d) => DELIMITER_CHARS[d] === match[1]) as CsvDelimiter;
  return { delimiter, length: match[0].length };
}

/** The format of a file from its start (see SNIFF_BYTES), and its first rows read with it. */
export function sniffCsv(bytes: Uint8Array, options: SniffOptions): Sniffed {
  const detected = detectEncoding(bytes.subarray(0, SNIFF_BYTES));
  const encoding = options.encoding ?? detected.encoding;
  const text = decodeCsvBytes(bytes.subarray(0, options.whole ? bytes.length : SNIFF_BYTES), encoding, !options.whole);
  const sniffed = sniffText(completeLines(text, options.whole), options);
  return { format: { ...sniffed.format, encoding, bom: detected.bom && encoding === detected.encoding }, sample: sniffed.sample };
}

/** As sniffCsv, for a file that is already text (its encoding is then not known: UTF-8 is said). */
export function sniffText(whole: string, options: Omit<SniffOptions, 'whole' | 'encoding'>): Sniffed {
  const sep = sepLine(whole);
  const text = sep ? whole.slice(sep.length) : whole;
  const delimiter = options.delimiter ?? sep?.delimiter ?? detectDelimiter(text);
  const sample = readCsvStart(text, DELIMITER_CHARS[delimiter], options.limit ?? 200);
  if (sep) sample.lines = sample.lines.map((line) => line + 1);
  const decimal = options.decimal ?? detectDecimalMark(sample.rows.flat());
  return { format: { encoding: 'utf-8', bom: whole.charCodeAt(0) === 0xfeff, delimiter, decimal }, sample };
}
