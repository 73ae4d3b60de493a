/**
 * The first pass of an import: each CSV record checked on its own, with no database, against the
 * contract's product schema. Every problem is kept so the user sees all of them at once.
 */
import { amountCellProblem, normaliseAmount, type DecimalMark } from '../../../shared/csv/csv-format';
import { AMOUNT_FIELDS, CSV_COLUMNS, type ImportField } from '../../../shared/csv/import-fields';
import { DECIMAL_PATTERN } from '../../../shared/domain/money';
import { gtinProblem, normaliseGtin } from '../../../shared/domain/gtin';
import { unmarkAmount } from './import-currency-marks';
import { AMOUNT_PATTERN_MESSAGE, locationCodeSchema, quantitySchema } from '../../../shared/schemas/common';
import { productCreateInput } from '../../../shared/schemas/product';
import { fieldIssues } from '../../../shared/validation';
import { purchasingCellIssues, type CellReading, type PurchasingCells } from '../purchasing/catalog-columns';
import { plainLocationCode, plainProductFields, plainQuantity, type ProductFields } from './import-row-check';
import {
  FIELD_OF_COLUMN,
  KEEP_WHEN_EMPTY,
  REQUIRED_COLUMNS,
  columnOfField,
  isProductColumn,
  isPurchasingColumn,
  type ProductField,
} from './csv-columns';

/**
 * A problem in the file: row as numbered in the file (the header is row 1), the column as the
 * file's header names it, and the field it fills when a mapping gave it another name.
 */
export type ImportIssue = { row: number; column: string | null; field?: string; message: string };

/** A row's cells by field; a field whose column the file has is present, even when its cell is empty. */
export type RowValues = Partial<Record<ImportField, string>>;

export type { ProductFields };

export type ParsedRow = {
  row: number;
  sku: string;
  /** Parsed with the create schema, so defaults are filled for a new product. */
  fields: ProductFields;
  /** Fields whose cells this row actually sets; an update applies only these. */
  given: ProductField[];
  /** The row's stock: a location code (null means the default location) and the counted figure. */
  count: { location: string | null; quantity: number } | null;
  /** The row's location cell (null: the default location). */
  location: string | null;
  /** The optional purchasing cells (cost, supplier, supplier_sku, reorder_point, reorder_quantity). */
  purchasing: PurchasingCells;
};

const ON_HAND_PATTERN = /^\s*\d+\s*$/;

/** A count written with a thousands separator (1.000, 1,000, 1 000, 1'000): refused, named. */
const GROUPED_COUNT = /^\s*\d{1,3}(?:([.,'\u0020\u00a0\u202f])\d{3})(?:\1\d{3})*\s*$/;

/** A number as a spreadsheet shows it in scientific notation: 4.00639E+12, or 4,00639E+12 in Germany. */
const SCIENTIFIC = /^\s*\d+(?:[.,]\d+)?E\+?\d+\s*$/i;
const GTIN_LENGTHS = [8, 12, 13, 14];
/** Columns that take one of a few words: a refused cell is quoted back in the problem. */
const WORD_COLUMNS: readonly string[] = ['status', 'condition'];

/** The codes a spreadsheet may take for numbers, as a problem names them: one, and several. */
const CODES: Readonly<Record<string, readonly [string, string]>> = {
  gtin: ['a barcode (GTIN)', 'barcodes'],
  sku: ['a SKU', 'SKUs'],
  mpn: ['an MPN', 'MPNs'],
  supplier_sku: ["a supplier's SKU", "supplier's SKUs"],
};

/**
 * What a spreadsheet did to a code it took for a number, when that is why the cell is refused:
 * a long barcode, SKU, MPN or supplier's SKU shown as 4.00639E+12 (its last digits are gone from the file, so nothing
 * can be recovered), or a barcode whose leading zero was dropped (a UPC-A of 12 digits left with
 * 11). Only looked at for a cell the schema already refused, never for a good row.
 */
function spreadsheetDamage(column: string, cell: string): string | null {
  const what = CODES[column] ?? null;
  if (what === null) return null;
  if (SCIENTIFIC.test(cell)) {
    return (
      `"${cell.trim()}" is ${what[0]} the spreadsheet turned into a number in scientific notation, which lost its last digits; ` +
      `format the column as Text in the spreadsheet, type the ${what[1]} again (or export them again) and save as CSV`
    );
  }
  if (column !== 'gtin') return null;
  const digits = normaliseGtin(cell.trim());
  if (!/^\d+$/.test(digits) || GTIN_LENGTHS.includes(digits.length) || digits.length > 14) return null;
  const length = GTIN_LENGTHS.find((l) => l > digits.length) as number;
  const padded = digits.padStart(length, '0');
  if (gtinProblem(padded) !== null) return null;
  return (
    `GTIN has ${digits.length} digits: the spreadsheet probably dropped its leading zero${length - digits.length > 1 ? 's' : ''} ` +
    `(${padded} is a valid ${length}-digit GTIN); format the column as Text and write the barcode in full`
  );
}

/** a > b, for two decimal strings the caller has checked (compared exactly, never as floats). */
function greater(a: string, b: string): boolean {
  const scaled = (v: string) => {
    const [whole = '0', fraction = ''] = v.trim().split('.');
    return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
  };
  return scaled(a) > scaled(b);
}

/** What parseValues does with each column's cell, worked out once rather than per row. */
const COLUMNS = CSV_COLUMNS.map((column) => ({
  column,
  purchasing: isPurchasingColumn(column),
  field: isProductColumn(column) ? FIELD_OF_COLUMN[column] : null,
  amount: AMOUNT_FIELDS.includes(column),
  required: REQUIRED_COLUMNS.includes(column),
  keepWhenEmpty: KEEP_WHEN_EMPTY.has(column),
}));

/** Parses one data row's values (see rowValues); returns the row or every issue found in it. */
export function parseValues(
  values: RowValues,
  row: number,
  decimal: DecimalMark = 'point',
  shopCurrency: string | null = null,
): { row: ParsedRow; issues?: undefined } | { row?: undefined; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const raw: Record<string, string> = {};
  const given: ProductField[] = [];
  const purchasing: PurchasingCells = {};
  /** A purchasing cell is not plainly valid, so purchasing's checks get the readers of spreadsheet cells. */
  let odd = false;
  for (const { column, purchasing: isPurchasing, field, amount, required, keepWhenEmpty } of COLUMNS) {
    const cell = values[column];
    if (cell === undefined) continue;
    if (isPurchasing) {
      const value = column === 'cost' ? normaliseAmount(cell, decimal) : cell;
      purchasing[column as keyof PurchasingCells] = value;
      // A cost that is no plain amount, a supplier SKU with "E+": read as the price and SKU are (below).
      if (column === 'cost') odd ||= value.trim() !== '' && !DECIMAL_PATTERN.test(value.trim());
      else if (column === 'supplier_sku') odd ||= value.includes('E+') || value.includes('e+');
      continue;
    }
    if (field === null) continue;
    const value = amount ? normaliseAmount(cell, decimal) : cell;
    const empty = value.trim() === '';
    if (empty && required) {
      issues.push({ row, column, message: `${column} is required` });
      continue;
    }
    if (empty && keepWhenEmpty) continue;
    raw[field] = value;
    given.push(field);
  }
  if (values.compare_at_price !== undefined) {
    applyCompareAt(values, raw, given, decimal, { shopCurrency, issues, row }, (message) => issues.push({ row, column: 'compare_at_price', message }));
  }

  // The schema's own parse only for a row with a cell that is not plainly valid (import-row-check.ts).
  let plain = plainProductFields(raw);
  // Prices written with their currency ("12,50 €"), looked at only in a row already not plain.
  if (plain === null && unmarkPrices(raw, values, decimal, { shopCurrency, issues, row })) plain = plainProductFields(raw);
  const parsed = plain === null ? productCreateInput.safeParse(raw) : null;
  // The schema takes any MPN; one a spreadsheet turned into a number has lost its digits.
  const mpnDamage = parsed?.success && raw.mpn !== undefined ? spreadsheetDamage('mpn', raw.mpn) : null;
  if (mpnDamage) issues.push({ row, column: 'mpn', message: mpnDamage });
  if (parsed && !parsed.success) {
    for (const issue of fieldIssues(parsed.error)) {
      const field = issue.path.split('.')[0] ?? issue.path;
      const column = columnOfField(field);
      // A required cell that was empty is already reported, in plainer words.
      if (issues.some((i) => i.column === column)) continue;
      const cell = values[column as keyof RowValues];
      const spreadsheet = cell === undefined ? null : spreadsheetDamage(column, cell);
      if (spreadsheet !== null) {
        issues.push({ row, column, message: spreadsheet });
        continue;
      }
      // The schema's "such as 12.50" is the API's form; a file is told in its own (12,50 in a
      // decimal-comma file), with the cell it holds.
      const amount = AMOUNT_FIELDS.includes(column as keyof RowValues) && cell !== undefined;
      let message = amount && issue.message === AMOUNT_PATTERN_MESSAGE ? amountCellProblem(column, cell, decimal) : issue.message;
      // "status is active, archived or discontinued" left the reader to find what the cell said.
      if (WORD_COLUMNS.includes(column) && cell !== undefined) message = `${message} (found "${cell}")`;
      issues.push({ row, column, message });
    }
  }

  const locationCell = values.location ?? '';
  const onHandCell = values.on_hand ?? '';
  let location: string | null = null;
  if (locationCell.trim() !== '') {
    const plainCode = plainLocationCode(locationCell);
    const code = plainCode === null ? locationCodeSchema.safeParse(locationCell) : null;
    if (code === null) location = plainCode;
    else if (code.success) location = code.data;
    else issues.push(...fieldIssues(code.error).map((i) => ({ row, column: 'location', message: i.message })));
  }
  let count: ParsedRow['count'] = null;
  if (onHandCell.trim() !== '') {
    const quantity = Number(onHandCell);
    if (!ON_HAND_PATTERN.test(onHandCell)) {
      const negative = /^\s*-\s*\d+\s*$/.test(onHandCell)
        ? ': a count of the stock on hand cannot be below 0 (a shop system writes that after overselling); count it and write what is there, or leave the cell empty to keep the stock as it is'
        : GROUPED_COUNT.test(onHandCell)
          ? `: write it without a thousands separator (${onHandCell.replace(/\D/g, '')}); a separator could also be read as a decimal mark`
          : '';
      issues.push({ row, column: 'on_hand', message: `on_hand must be a whole number of 0 or more (found "${onHandCell.trim()}")${negative}` });
    } else if (plainQuantity(quantity)) {
      count = { location, quantity };
    } else {
      const checked = quantitySchema.safeParse(quantity);
      if (checked.success) count = { location, quantity };
      else issues.push(...fieldIssues(checked.error).map((i) => ({ row, column: 'on_hand', message: i.message })));
    }
  }

  const cellIssues = purchasingCellIssues(row, purchasing, odd ? cellReading(values, decimal, { shopCurrency, issues, row }) : undefined);
  if (cellIssues.length > 0) issues.push(...cellIssues);

  if (issues.length > 0) return { issues };
  let fields: ProductFields;
  if (plain !== null) fields = plain;
  else if (parsed?.success) {
    const { idempotencyKey: _key, ...rest } = parsed.data;
    fields = rest;
  } else return { issues };
  return { row: { row, sku: fields.sku, fields, given, count, location, purchasing } };
}

/** Where a price written with its currency is read: the shop's currency, and the row's problems. */
type MarkContext = { shopCurrency: string | null; issues: ImportIssue[]; row: number };

/**
 * The amount of a cell written with a currency (import-currency-marks.ts); undefined when a
 * problem with it is reported, null when the cell is no amount with a currency.
 */
function unmarkCell(cell: string, column: string, values: RowValues, decimal: DecimalMark, { shopCurrency, issues, row }: MarkContext): string | null | undefined {
  if (issues.some((i) => i.column === column)) return undefined;
  const own = values.currency?.trim().toUpperCase() || null;
  const currency = own ?? shopCurrency;
  const unmarked = currency === null ? null : unmarkAmount(cell, decimal, currency, own === null ? 'the shop' : 'the row');
  if (unmarked?.problem !== undefined) issues.push({ row, column, message: unmarked.problem });
  return unmarked === null ? null : unmarked.amount;
}

/** How purchasing's cell checks read a cost with its currency and a supplier SKU a spreadsheet damaged. */
function cellReading(values: RowValues, decimal: DecimalMark, context: MarkContext): CellReading {
  return {
    amount(cell, column) {
      const amount = unmarkCell(cell, column, values, decimal, context);
      // Refused as a price is, rather than in purchasing's plainer words.
      if (amount === null) context.issues.push({ row: context.row, column, message: amountCellProblem(column, cell, decimal) });
      return amount ?? undefined;
    },
    damage: spreadsheetDamage,
  };
}

/** Rewrites the price and sale price cells written with their currency; true when one was. */
function unmarkPrices(raw: Record<string, string>, values: RowValues, decimal: DecimalMark, context: MarkContext): boolean {
  let changed = false;
  for (const [field, column] of [['price', 'price'], ['salePrice', 'sale_price']] as const) {
    const cell = raw[field];
    if (cell === undefined || DECIMAL_PATTERN.test(cell.trim())) continue;
    const amount = unmarkCell(cell, column, values, decimal, context);
    if (typeof amount === 'string') {
      raw[field] = amount;
      changed = true;
    }
  }
  return changed;
}

/**
 * A price before a sale (Shopify's "Compare at price") above the price means the product is on
 * sale: the compare-at price is the price, and the file's price the sale price. Without a sale
 * price column of its own, the file then says the whole pricing, so no sale clears a stored one.
 */
function applyCompareAt(
  values: RowValues,
  raw: Record<string, string>,
  given: ProductField[],
  decimal: DecimalMark,
  context: MarkContext,
  fail: (message: string) => void,
): void {
  if (values.compare_at_price === undefined) return;
  let compareAt = normaliseAmount(values.compare_at_price, decimal).trim();
  let price = raw.price?.trim() ?? '';
  const ownSale = values.sale_price !== undefined && values.sale_price.trim() !== '';
  if (compareAt !== '' && !DECIMAL_PATTERN.test(compareAt)) {
    const amount = unmarkCell(values.compare_at_price, 'compare_at_price', values, decimal, context);
    if (amount === null) fail(amountCellProblem('compare_at_price', values.compare_at_price, decimal));
    if (typeof amount !== 'string') return;
    compareAt = amount;
  }
  if (price !== '' && !DECIMAL_PATTERN.test(price)) {
    const amount = unmarkCell(price, 'price', values, decimal, context);
    if (typeof amount === 'string') raw.price = price = amount;
  }
  const onSale = compareAt !== '' && DECIMAL_PATTERN.test(price) && greater(compareAt, price);
  if (onSale && !ownSale) {
    raw.salePrice = price;
    raw.price = compareAt;
  } else if (values.sale_price === undefined) {
    raw.salePrice = '';
  }
  if (!given.includes('salePrice')) given.push('salePrice');
}
