/** What an import makes or made, in words: the import screen's summary line. */
import { CSV_COLUMNS } from '../../shared/csv/import-fields';
import { sentence } from './api/errors';
import { formatCount, formatQuantity } from './format';

/** The columns a file must have; every other column of Stockfeed's header may be left out. */
export const REQUIRED_COLUMNS = ['sku', 'title', 'price'] as const;

/** Every optional column, from the header itself, so a column added to the CSV is listed too (the list once stopped at on_hand). */
export const OPTIONAL_COLUMNS: readonly string[] = CSV_COLUMNS.filter((c) => !(REQUIRED_COLUMNS as readonly string[]).includes(c));

/**
 * "30 new products, 30 stock counts": the parts that are not zero ("0 changed" read as if something
 * had changed); "no changes" when all are.
 */
export function importChanges(r: { created: number; updated: number; counts: number }): string {
  const parts = [
    r.created > 0 ? formatCount(r.created, 'new product', 'new products') : null,
    r.updated > 0 ? `${formatQuantity(r.updated)} changed` : null,
    r.counts > 0 ? formatCount(r.counts, 'stock count', 'stock counts') : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

/**
 * A problem of a row as a sentence. One that starts with a column's name keeps the name as the file
 * writes it: capitalised, "on_hand must be …" read "On_hand must be …", which is neither.
 */
export function issueText(message: string): string {
  const trimmed = message.trim();
  const first = /^\S+/.exec(trimmed)?.[0] ?? '';
  if (!/^[a-z]+(?:_[a-z]+)+$/.test(first)) return sentence(trimmed);
  return /[.!?…)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** "2 rows will be skipped", "1 row was skipped" (it read "1 row were skipped"). */
export function skippedText(count: number, done: boolean): string {
  const verb = done ? (count === 1 ? 'was' : 'were') : 'will be';
  return `${formatCount(count, 'row', 'rows')} ${verb} skipped`;
}

/**
 * "3 products will be imported without their count — count them and record the stock": rows a
 * preset imports without their negative stock figure. Apart from the skipped rows, which read as
 * if the product were not imported.
 */
export function countsLeftOutText(count: number, done: boolean): string {
  const one = count === 1;
  const verb = done ? (one ? 'was' : 'were') : 'will be';
  const rest = one ? 'its count — count it and record the stock' : 'their count — count them and record the stock';
  return `${formatCount(count, 'product', 'products')} ${verb} imported without ${rest}`;
}
