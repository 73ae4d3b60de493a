/**
 * The first rows of a CSV file, read in the browser before anything is sent, so the user sees
 * that the right file with the right columns was picked. RFC 4180: quoted cells may hold commas,
 * doubled quotes and line breaks. Only a preview: the server's import parses the whole file.
 */
export type CsvPreview = {
  header: string[];
  rows: string[][];
  /** True when the text holds more rows than were read. */
  more: boolean;
};

/** Parses up to `limit` records after the header from the start of a file. */
export function previewCsv(text: string, limit = 10): CsvPreview {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let more = false;

  const endRecord = () => {
    record.push(cell);
    cell = '';
    // Blank lines are skipped, as the import skips them.
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };

  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      if (records.length > limit) {
        more = true;
        break;
      }
    } else cell += ch;
  }
  // A last line without a line break is a record, unless the text was cut inside it (a slice of
  // a bigger file), in which case it may be incomplete and is left out.
  if (!more && (cell !== '' || record.length > 0)) endRecord();
  const [header = [], ...rows] = records;
  if (rows.length > limit) {
    rows.length = limit;
    more = true;
  }
  return { header: header.map((h) => h.trim()), rows, more };
}

/**
 * The beginning of a big file cut at its last complete line, so the preview never shows half a row.
 */
export function completeLines(slice: string, wholeFile: boolean): string {
  if (wholeFile) return slice;
  const cut = Math.max(slice.lastIndexOf('\n'), slice.lastIndexOf('\r'));
  return cut >= 0 ? slice.slice(0, cut + 1) : slice;
}
