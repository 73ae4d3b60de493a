/**
 * The first rows of a CSV file, read in the browser before anything is sent, so the user sees
 * that the right file with the right columns was picked. The reader is shared with the core,
 * which sniffs a file's format with it; only a preview: the server's import parses the whole file.
 */
import { readCsvStart, type CsvStart } from '../../shared/csv/csv-text';

export { completeLines } from '../../shared/csv/csv-text';

export type CsvPreview = CsvStart;

/** Parses up to `limit` records after the header from the start of a file. */
export function previewCsv(text: string, limit = 10, delimiter = ','): CsvPreview {
  return readCsvStart(text, delimiter, limit);
}
