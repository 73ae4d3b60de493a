/**
 * The first records of a CSV text, read without a library so the same code runs in the page (the
 * preview, before anything is sent) and in the core (sniffing the format of a file being
 * imported). RFC 4180: quoted cells may hold the delimiter, doubled quotes and line breaks. Only
 * the start of a file is read this way; the import itself parses the whole file with csv-parse.
 */
export type CsvStart = {
  header: string[];
  rows: string[][];
  /**
   * The line each row starts on, as the import numbers rows in its problems (the header is line 1
   * when it is the first line; a quoted cell with line breaks makes the next row start further on).
   */
  lines: number[];
  /** True when the text holds more rows than were read. */
  more: boolean;
};

/** Reads the header and up to `limit` records after it, with the given one-character delimiter. */
export function readCsvStart(text: string, delimiter = ',', limit = 10): CsvStart {
  const records: string[][] = [];
  const starts: number[] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let more = false;
  let line = 1;
  let start = 1;

  const endRecord = () => {
    record.push(cell);
    cell = '';
    // Blank lines are skipped, as the import skips them; so are rows of empty cells (";;;"), which
    // Excel writes for a formatted but empty row.
    if (!record.every((c) => c.trim() === '')) {
      records.push(record);
      starts.push(start);
    }
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
      } else {
        cell += ch;
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
      start = line;
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
  const lines = starts.slice(1);
  if (rows.length > limit) {
    rows.length = limit;
    lines.length = limit;
    more = true;
  }
  return { header: header.map((h) => h.trim()), rows, lines, more };
}

/**
 * The beginning of a big file cut at its last complete line, so a preview never shows half a row.
 */
export function completeLines(slice: string, wholeFile: boolean): string {
  if (wholeFile) return slice;
  const cut = Math.max(slice.lastIndexOf('\n'), slice.lastIndexOf('\r'));
  return cut >= 0 ? slice.slice(0, cut + 1) : slice;
}
