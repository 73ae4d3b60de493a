/**
 * Which column of the file fills which field. Without a mapping or preset the header must be
 * Stockfeed's own (csv-columns.ts); with one, the mapping names a column of the header for each
 * field, and columns it does not name are left out. Checked once, on the header, so a mapping
 * that cannot work is refused before any row is read.
 */
import { AMOUNT_FIELDS, REQUIRED_FIELDS, IMPORT_FIELDS, type ImportField, type ImportMapping } from '../../../shared/csv/import-fields';
import { detectPreset, presetMapping, PRESET_LABELS, type ImportPreset } from '../../../shared/csv/import-presets';
import { readHeader, restoreCell } from './csv-columns';
import type { ImportIssue, RowValues } from './import-rows';

export type ImportLayout = {
  header: string[];
  /** The field each column of the file fills, or null for a column left out. */
  fields: Array<ImportField | null>;
  /** The columns with no name in the header: a row must leave them empty. */
  unnamed: number[];
  /** The file's name of each field's column, when it is not the field's own name. */
  renamed: Map<ImportField, string>;
};

/** The layout of a file from its header, or the problems that make it unreadable. */
export function resolveLayout(
  header: string[],
  options: { mapping?: ImportMapping | undefined; preset?: ImportPreset | undefined },
): { layout: ImportLayout; issues?: undefined } | { layout?: undefined; issues: ImportIssue[] } {
  const names = header.map((h) => h.trim());
  if (!options.mapping && !options.preset) {
    const strict = readHeader(header);
    if (strict.issues.length === 0) {
      // A column spelt otherwise ("On Hand") keeps the file's name in the problems.
      const renamed = new Map<ImportField, string>();
      strict.columns.forEach((column, i) => {
        if (column !== null && names[i] !== column) renamed.set(column, names[i] as string);
      });
      return { layout: { header: names, fields: strict.columns, unnamed: unnamedColumns(names), renamed } };
    }
    const looksLike = detectPreset(names);
    if (looksLike) {
      return {
        issues: [
          {
            row: 1,
            column: null,
            message:
              `the header looks like a ${PRESET_LABELS[looksLike]}; import it with the ${looksLike === 'shopify' ? 'Shopify' : 'WooCommerce'} ` +
              `preset (on the import screen, --preset ${looksLike} on the command line, or preset=${looksLike} over the API), or choose a column for each field`,
          },
        ],
      };
    }
    return { issues: strict.issues.map((i) => ({ row: 1, ...i })) };
  }

  const mapping = options.mapping ?? presetMapping(options.preset as ImportPreset, names);
  const issues: ImportIssue[] = [];
  const fields: Array<ImportField | null> = names.map(() => null);
  const renamed = new Map<ImportField, string>();
  for (const field of IMPORT_FIELDS) {
    const name = mapping[field];
    if (name === undefined) {
      if (REQUIRED_FIELDS.includes(field)) {
        issues.push({ row: 1, column: null, field, message: `no column is chosen for ${field}, which every product needs` });
      }
      continue;
    }
    let at = names.flatMap((n, i) => (n === name ? [i] : []));
    // A hand-written mapping may not match the header's case; accepted when only one column fits.
    if (at.length === 0) at = names.flatMap((n, i) => (n.toLowerCase() === name.toLowerCase() ? [i] : []));
    const index = at[0];
    if (index === undefined) {
      issues.push({ row: 1, column: name, field, message: `the mapping names the column "${name}" for ${field}, but the header has no such column` });
    } else if (at.length > 1) {
      issues.push({ row: 1, column: name, field, message: `the header has ${at.length} columns named "${name}"; rename one so that each can be told apart` });
    } else if (fields[index]) {
      issues.push({
        row: 1,
        column: names[index] as string,
        field,
        message: `the column "${names[index]}" is chosen for both ${fields[index]} and ${field}; choose it for one field only`,
      });
    } else {
      fields[index] = field;
      if (names[index] !== field) renamed.set(field, names[index] as string);
    }
  }
  return issues.length > 0 ? { issues } : { layout: { header: names, fields, unnamed: unnamedColumns(names), renamed } };
}

/** A record with nothing in any cell: a blank line as a spreadsheet writes it (";;;;"). */
export function isBlankRecord(record: readonly string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

function unnamedColumns(names: readonly string[]): number[] {
  return names.flatMap((name, i) => (name === '' ? [i] : []));
}

/**
 * Why a record that does not fit the header cannot be read, or null when it fits after all: a
 * row that is empty in every cell (what Excel writes for a formatted but empty row) is no row,
 * and a row whose value sits under a column with no name would lose it. A row with more or fewer
 * cells than the header is fine when the cells it lacks or adds are all empty, as Excel writes
 * rows after their width changed. Only called for a record that does not already fit, or with
 * unnamed columns in the header: an ordinary row costs nothing here.
 */
export function misfit(layout: ImportLayout, record: string[]): { blank: true } | { problem: string } | null {
  if (isBlankRecord(record)) return { blank: true };
  const width = layout.fields.length;
  for (let i = width; i < record.length; i++) {
    if ((record[i] as string).trim() !== '') return { problem: `the row has ${record.length} cells but the header has ${width} columns` };
  }
  // Missing cells under named columns would read as empty: too easily a shifted row.
  if (record.length < width && layout.fields.slice(record.length).some((f) => f !== null)) {
    return { problem: `the row has ${record.length} cells but the header has ${width} columns` };
  }
  for (const i of layout.unnamed) {
    const cell = record[i];
    if (cell !== undefined && cell.trim() !== '') {
      return { problem: `the row has "${cell.trim().slice(0, 40)}" in column ${i + 1}, which has no name in the header: name the column, or delete it` };
    }
  }
  return null;
}

/** A record's cells by field, with the export's formula guard undone. */
export function rowValues(layout: ImportLayout, cells: string[]): RowValues {
  const values: RowValues = {};
  const { fields } = layout;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field) values[field] = restoreCell(cells[i] ?? '');
  }
  return values;
}

/** The cells of the amount columns, to tell the file's decimal mark from. */
export function amountCells(layout: ImportLayout, rows: string[][]): string[] {
  const columns = layout.fields.flatMap((f, i) => (f && AMOUNT_FIELDS.includes(f) ? [i] : []));
  return rows.flatMap((cells) => columns.map((i) => cells[i] ?? ''));
}

/**
 * A problem as the file's owner finds it: under the file's name of the column, with the field it
 * fills beside it when the names differ.
 */
export function nameIssue(layout: ImportLayout | null, issue: ImportIssue): ImportIssue {
  if (!layout || issue.column === null || issue.field !== undefined) return issue;
  const column = layout.renamed.get(issue.column as ImportField);
  return column === undefined ? issue : { ...issue, column, field: issue.column };
}
