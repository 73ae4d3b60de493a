/**
 * How far an import is, for whoever started it (the CLI prints it, a screen can show it). A large
 * file takes seconds; without a sign of life the user cannot tell a slow import from a stuck one.
 * Reports are throttled here, so a caller may print each one it gets.
 */

export type ImportPhase = 'reading' | 'checking' | 'writing' | 'done';

export type ImportProgress = {
  phase: ImportPhase;
  /** Data rows read and checked on their own (schema, cells). */
  rowsChecked: number;
  /** Products and stock counts written so far, of `toWrite` (known once the file is checked). */
  written: number;
  toWrite: number | null;
  /** Of the whole import; null while reading a file of unknown size. */
  percent: number | null;
};

export type ProgressReporter = {
  read(rows: number, bytes: number): void;
  checking(rows: number): void;
  /** Starts the writing phase; the returned function is told how many more were written. */
  writing(total: number): (written: number) => void;
  /**
   * Starts writing while the file is still read (a streamed import): the returned function is told
   * how many more products and counts were written and how many more rows of the file they cover.
   * The total to write is known once the last row is; the percentage is the share of the file read
   * times the share of its rows written.
   */
  streaming(): (written: number, rows: number) => void;
  /** A streamed import gave up its writes and reads the file again from the start. */
  again(): void;
  done(): void;
  /**
   * The file's rows, estimated from the rows and bytes read so far and the file's size: null when
   * the size is unknown or nothing is read yet. Exact once the whole file is read.
   */
  fileRows(): number | null;
};

/** Shares of the percentage, roughly as the time of each phase measured at 100,000 rows. */
const READ_SHARE = 30;
const CHECK_SHARE = 10;
const EVERY_MS = 250;

/** A reporter for `listener`; `size` (bytes) lets the reading phase count towards the percentage. */
export function progressReporter(listener: ((progress: ImportProgress) => void) | undefined, size?: number): ProgressReporter {
  /** The rows and bytes of the file read so far (the latest read). */
  // Called for every record read: two fields set, no object made.
  const seen = { rows: 0, bytes: 0 };
  const note = (rows: number, bytes: number) => {
    seen.rows = rows;
    seen.bytes = bytes;
  };
  const fileRows = () => (size && seen.bytes > 0 ? Math.round((seen.rows * size) / seen.bytes) : null);
  if (!listener) return { read: note, checking() {}, writing: () => () => {}, streaming: () => () => {}, again() {}, done() {}, fileRows };
  const state: ImportProgress = { phase: 'reading', rowsChecked: 0, written: 0, toWrite: null, percent: size ? 0 : null };
  let last = 0;
  /** Streamed: the file's bytes read and its rows written so far. */
  let streamed: { bytes: number; rows: number } | null = null;
  /** Never backwards, even when a streamed import has to read its file again (csv-import.ts). */
  let highest = 0;
  const emit = (force: boolean) => {
    const now = performance.now();
    if (!force && now - last < EVERY_MS) return;
    last = now;
    if (state.percent !== null) state.percent = highest = Math.max(highest, state.percent);
    try {
      listener({ ...state });
    } catch {
      // A failing listener must not fail the import.
    }
  };
  return {
    read(rows, bytes) {
      note(rows, bytes);
      state.rowsChecked = rows;
      if (streamed) {
        streamed.bytes = bytes;
        if (size) state.percent = Math.min(99, Math.floor((bytes / size) * (streamed.rows / Math.max(1, rows)) * 99));
      } else if (size) state.percent = Math.min(READ_SHARE, Math.floor((bytes / size) * READ_SHARE));
      emit(false);
    },
    checking(rows) {
      streamed = null;
      Object.assign(state, { phase: 'checking', rowsChecked: rows, percent: READ_SHARE });
      emit(true);
    },
    writing(total) {
      Object.assign(state, { phase: 'writing', toWrite: total, written: 0, percent: READ_SHARE + CHECK_SHARE });
      emit(true);
      return (more) => {
        state.written += more;
        const share = total > 0 ? state.written / total : 1;
        state.percent = Math.min(99, READ_SHARE + CHECK_SHARE + Math.floor(share * (100 - READ_SHARE - CHECK_SHARE)));
        emit(false);
      };
    },
    streaming() {
      const progress = (streamed = { bytes: 0, rows: 0 });
      Object.assign(state, { phase: 'writing', toWrite: null, written: 0 });
      emit(true);
      return (more, rows) => {
        if (streamed !== progress) return;
        state.written += more;
        progress.rows += rows;
        if (size) state.percent = Math.min(99, Math.floor((progress.bytes / size) * (progress.rows / Math.max(1, state.rowsChecked)) * 99));
        emit(false);
      };
    },
    again() {
      streamed = null;
      Object.assign(state, { phase: 'reading', rowsChecked: 0, written: 0, toWrite: null });
      emit(true);
    },
    done() {
      // Streamed, the total is what was written.
      if (streamed && state.toWrite === null) state.toWrite = state.written;
      Object.assign(state, { phase: 'done', percent: 100 });
      emit(true);
    },
    fileRows,
  };
}
