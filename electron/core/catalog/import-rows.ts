/**
 * The first pass of an import: each CSV record checked on its own, with no database, against the
 * contract's product schema. Every problem is kept so the user sees all of them at once.
 */
import { locationCodeSchema, quantitySchema } from '../../../shared/schemas/common';
import { productCreateInput } from '../../../shared/schemas/product';
import type { ParsedInput } from '../../../shared/contract';
import { fieldIssues } from '../../../shared/validation';
import { purchasingCellIssues, type PurchasingCells } from '../purchasing/catalog-columns';
import {
  FIELD_OF_COLUMN,
  KEEP_WHEN_EMPTY,
  REQUIRED_COLUMNS,
  columnOfField,
  isProductColumn,
  isPurchasingColumn,
  restoreCell,
  type CsvColumn,
  type ProductField,
} from './csv-columns';

/** A problem in the file: row as numbered in the file (the header is row 1) and the column name. */
export type ImportIssue = { row: number; column: string | null; message: string };

export type ProductFields = Omit<ParsedInput<'products.create'>, 'idempotencyKey'>;

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

/** Parses one data record; returns the row or every issue found in it. */
export function parseRecord(
  columns: CsvColumn[],
  cells: string[],
  row: number,
): { row: ParsedRow; issues?: undefined } | { row?: undefined; issues: ImportIssue[] } {
  if (cells.length !== columns.length) {
    return {
      issues: [{ row, column: null, message: `the row has ${cells.length} cells but the header has ${columns.length} columns` }],
    };
  }
  const issues: ImportIssue[] = [];
  const raw: Record<string, string> = {};
  const given: ProductField[] = [];
  let locationCell = '';
  let onHandCell = '';
  const purchasing: PurchasingCells = {};
  columns.forEach((column, i) => {
    // Undo the export's formula guard (a `'` before `=`, `+`, `-`, `@`, tab, CR or `'`).
    const value = restoreCell(cells[i] as string);
    if (column === 'location') locationCell = value;
    else if (column === 'on_hand') onHandCell = value;
    else if (isPurchasingColumn(column)) purchasing[column] = value;
    else if (isProductColumn(column)) {
      const empty = value.trim() === '';
      if (empty && REQUIRED_COLUMNS.includes(column)) {
        issues.push({ row, column, message: `${column} is required` });
        return;
      }
      if (empty && KEEP_WHEN_EMPTY.has(column)) return;
      raw[FIELD_OF_COLUMN[column]] = value;
      given.push(FIELD_OF_COLUMN[column]);
    }
  });

  const parsed = productCreateInput.safeParse(raw);
  if (!parsed.success) {
    for (const issue of fieldIssues(parsed.error)) {
      const field = issue.path.split('.')[0] ?? issue.path;
      // A required cell that was empty is already reported, in plainer words.
      if (issues.some((i) => i.column === columnOfField(field))) continue;
      issues.push({ row, column: columnOfField(field), message: issue.message });
    }
  }

  let location: string | null = null;
  if (locationCell.trim() !== '') {
    const code = locationCodeSchema.safeParse(locationCell);
    if (code.success) location = code.data;
    else issues.push(...fieldIssues(code.error).map((i) => ({ row, column: 'location', message: i.message })));
  }
  let count: ParsedRow['count'] = null;
  if (onHandCell.trim() !== '') {
    const quantity = Number(onHandCell);
    const checked = quantitySchema.safeParse(quantity);
    if (!ON_HAND_PATTERN.test(onHandCell)) {
      issues.push({ row, column: 'on_hand', message: `on_hand must be a whole number of 0 or more (found "${onHandCell.trim()}")` });
    } else if (!checked.success) {
      issues.push(...fieldIssues(checked.error).map((i) => ({ row, column: 'on_hand', message: i.message })));
    } else {
      count = { location, quantity };
    }
  }

  issues.push(...purchasingCellIssues(row, purchasing));

  if (issues.length > 0 || !parsed.success) return { issues };
  const { idempotencyKey: _key, ...fields } = parsed.data;
  return { row: { row, sku: fields.sku, fields, given, count, location, purchasing } };
}
