/**
 * The catalogue CSV format, shared by import and export. Columns may come in any order; a file
 * needs at least sku, title and price. The column names themselves are in shared/, where the
 * import screen reads them too.
 */
import { CSV_COLUMNS, guessMappingByName, PURCHASING_COLUMNS, type CsvColumn, type PurchasingColumn } from '../../../shared/csv/import-fields';

export { CSV_COLUMNS, type CsvColumn, PURCHASING_COLUMNS, type PurchasingColumn };

export const REQUIRED_COLUMNS: readonly CsvColumn[] = ['sku', 'title', 'price'];

/** The product field (contract name) each product column fills; location and on_hand are stock. */
export const FIELD_OF_COLUMN = {
  sku: 'sku',
  title: 'title',
  description: 'description',
  brand: 'brand',
  gtin: 'gtin',
  mpn: 'mpn',
  condition: 'condition',
  price: 'price',
  currency: 'currency',
  sale_price: 'salePrice',
  slug: 'slug',
  image_url: 'imageUrl',
  status: 'status',
  item_group_id: 'itemGroupId',
  product_type: 'productType',
  google_product_category: 'googleProductCategory',
} as const;

export type ProductColumn = keyof typeof FIELD_OF_COLUMN;
export type ProductField = (typeof FIELD_OF_COLUMN)[ProductColumn];

const COLUMN_OF_FIELD = new Map<string, string>(Object.entries(FIELD_OF_COLUMN).map(([column, field]) => [field, column]));

/** The CSV column a schema issue belongs to, so an error points at a cell the user can find. */
export function columnOfField(field: string): string {
  return COLUMN_OF_FIELD.get(field) ?? field;
}

export function isProductColumn(column: CsvColumn): column is ProductColumn {
  return column in FIELD_OF_COLUMN;
}

export function isPurchasingColumn(column: CsvColumn): column is PurchasingColumn {
  return (PURCHASING_COLUMNS as readonly string[]).includes(column);
}

/**
 * Columns whose field can never be empty but has a sensible fallback: an empty cell takes the
 * default for a new product (condition new, status active, the shop currency, a slug from the
 * title) and keeps the stored value for an existing one. Other empty cells clear the field.
 */
export const KEEP_WHEN_EMPTY: ReadonlySet<CsvColumn> = new Set<CsvColumn>(['condition', 'status', 'currency', 'slug']);

/**
 * A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
 * (`=HYPERLINK(…)` in a product title would be live in the shop owner's spreadsheet).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * The cell as the export writes it: `'` before a formula character, which spreadsheets show as
 * text, and before a cell that already starts with `'`, so that `restoreCell` can strip exactly
 * one and every value survives the round trip. Applied to every column: prices and stock are
 * never negative, so a number never starts with one of these and stays a number.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) || value.startsWith("'") ? `'${value}` : value;
}

/** The value of an imported cell: one `'` before a formula character or another `'` is removed. */
export function restoreCell(cell: string): string {
  return /^'[=+\-@\t\r']/.test(cell) ? cell.slice(1) : cell;
}

export type HeaderIssue = { column: string; message: string };

/**
 * A header cell as Stockfeed's column it names: case, surrounding spaces and the spaces or hyphens
 * a spreadsheet user types between words do not matter ("On Hand", "sale-price", " SKU ").
 */
export function columnKey(cell: string): string {
  return cell.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Checks a header row: every name known, none twice, the required ones present. A column with no
 * name is left out (null): Excel writes one for every column of the sheet ever touched, with
 * empty cells below it; import-read.ts refuses a row that has a value there.
 */
export function readHeader(cells: string[]): { columns: Array<CsvColumn | null>; issues: HeaderIssue[] } {
  const known = new Set<string>(CSV_COLUMNS);
  const seen = new Set<string>();
  const columns: Array<CsvColumn | null> = [];
  const issues: HeaderIssue[] = [];
  for (const cell of cells) {
    const name = columnKey(cell);
    if (name === '') {
      columns.push(null);
      continue;
    }
    if (!known.has(name)) {
      const likely = Object.keys(guessMappingByName([cell]))[0];
      const hint = likely !== undefined && known.has(likely) ? ` (if it holds ${likely}, name it ${likely})` : '';
      issues.push({
        column: cell.trim(),
        message:
          `unknown column${hint}; the known columns are ${CSV_COLUMNS.join(', ')}. ` +
          'Delete a column Stockfeed does not need, or choose the columns to read on the import screen (mapping= over the API)',
      });
    } else if (seen.has(name)) {
      issues.push({ column: cell.trim(), message: 'the column appears twice in the header' });
    }
    seen.add(name);
    columns.push(name as CsvColumn);
  }
  for (const required of REQUIRED_COLUMNS) {
    if (!seen.has(required)) issues.push({ column: required, message: 'required column is missing from the header' });
  }
  return { columns, issues };
}
