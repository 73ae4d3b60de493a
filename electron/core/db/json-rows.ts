/**
 * Multi-row writes on SQLite with the rows in one JSON parameter: `INSERT … SELECT j.value->>0, …
 * FROM jsonb_each(?)`. jsonb_each hands each row over as JSONB, which `->>` reads in place; with
 * json_each each row came as JSON text that every `->>` parsed again, once per column (measured:
 * the import's write floor, 100,000 products with their ~300,000 change-log entries, movements and
 * stock rows, 9.37 → 6.98 s of CPU; the import itself 20.0 → 17.1 s; same stored values, see
 * sqlite-values-literals.test.ts). The SQL text is the same for any number of rows, so one prepared statement
 * serves every batch (db/sqlite-client.ts keeps it), and node-sqlite3 binds one string instead of
 * a value per cell: binding is synchronous work on the main thread, about 1 µs a value, so a
 * 16-row movement insert spent 0.2 ms binding before SQLite saw it (measured: 0.20 ms bound value
 * by value against 0.04 ms as one JSON text, 0.55 ms against 0.20 ms for the whole statement).
 *
 * Values travel as JSON: strings, whole numbers within 2^53 (every stored figure is,
 * shared/domain/limits.ts) and null, which `->>` returns as TEXT, INTEGER and NULL, as binding
 * them would.
 */

export type JsonCell = string | number | null;

/** `j.value->>0, j.value->>1, …`: the columns of each JSON row, in order. */
export function jsonColumns(count: number): string {
  return Array.from({ length: count }, (_, i) => `j.value->>${i}`).join(', ');
}

/**
 * `SELECT <columns> FROM jsonb_each(?) AS j WHERE true ORDER BY j.key`: the rows in the order they
 * were given (insert order is sequence order for the change log). `WHERE true` lets an upsert's
 * `ON CONFLICT` follow without SQLite reading it as a join constraint.
 */
export function selectJsonRows(count: number): string {
  return `SELECT ${jsonColumns(count)} FROM jsonb_each(?) AS j WHERE true ORDER BY j.key`;
}

/** The rows as the one JSON parameter, each as an array of `columns` in order. */
export function jsonRows<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  return JSON.stringify(rows.map((row) => columns.map((c) => (row[c] ?? null) as JsonCell)));
}

/**
 * A JSON text as a SQLite string literal. Exact and safe: SQLite's only special character inside
 * '…' is the quote itself (doubled here; no backslash escapes), and JSON.stringify escapes every
 * control character (NUL included) and lone surrogate, so the literal is plain valid UTF-8.
 */
export function sqliteText(json: string): string {
  return `'${doubledQuotes(json)}'`;
}

/**
 * `'` doubled. Looked for first: replace() copies the whole text even when there is nothing to
 * replace, and most texts (a payload's JSON, an id, a SKU) hold no `'` (V8's sampling heap
 * profiler, an import of 100,000 new products: ≈ 420 bytes a product copied for nothing).
 */
export function doubledQuotes(text: string): string {
  return text.includes("'") ? text.replace(/'/g, "''") : text;
}

/**
 * Rows for a statement run with `exec` (one text, no parameters): up to this many as a `VALUES`
 * list of SQL literals, more as one JSON literal read with `jsonb_each`. SQLite compiles every
 * literal of a VALUES list into the statement, which for a group-commit batch is cheaper than
 * parsing JSON (measured on the stock bench's captured writes, 16 movements with their change-log
 * entries, levels and totals: 0.79 ms per batch in SQLite against 1.23 ms, p50 of 600 alternating
 * runs on 2 shared cores); an import's 10,000-row statements keep the JSON text and its one parse.
 */
export const VALUES_MAX_ROWS = 500;

/**
 * Characters a plain SQL literal cannot carry through node-sqlite3's `exec`: NUL ends the C string
 * it hands SQLite, and a lone surrogate has no UTF-8 form. Strings holding one go in as JSON text
 * decoded by SQLite (`->> '$'`), exactly as json_each's rows do.
 */
// eslint-disable-next-line no-control-regex -- NUL is the character looked for
const NEEDS_JSON = /[\u0000\ud800-\udfff]/;

/** One cell as an SQL literal with the value `->>` would give it from JSON (see the module's note). */
export function sqliteLiteral(value: JsonCell): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} cannot be stored`);
    return String(value);
  }
  return NEEDS_JSON.test(value) ? `(${sqliteText(JSON.stringify(value))} ->> '$')` : `'${doubledQuotes(value)}'`;
}

/** `VALUES (…), (…)`: the rows as SQL literals, each as `columns` in order. */
export function sqliteValues<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  return `VALUES ${rows.map((row) => `(${columns.map((c) => sqliteLiteral((row[c] ?? null) as JsonCell)).join(', ')})`).join(', ')}`;
}

/**
 * Few rows as a SELECT over a VALUES list of only the columns that differ between them; a column
 * with one value in every row (a batch's time, location, actor, the NULLs of columns it does not
 * use) is written once, as a constant of the SELECT. Every literal of a VALUES list is parsed and
 * compiled into the statement, so a 16-row movement insert with 10 of its 16 columns the same in
 * every row cost SQLite ≈ 1.7× the time of the same rows with those written once (a statement
 * run 3,000 times each way, in a transaction rolled back). The columns keep the names a VALUES
 * list gives them (`column1`, `column2`, …), and `WHERE true` lets an upsert's ON CONFLICT follow.
 *
 * The constant columns are found on the values, before any literal is made (equal values give
 * equal literals and distinct ones distinct literals, so the text is the same as comparing the
 * literals), and a constant column's literal is made once: a batch of 16 movements made a literal
 * per cell, 256, for the 76 its statement holds. Measured on 500 batches of 16 movements with
 * their levels and totals, built 20 times each way in 6 rounds: ≈ 64 → ≈ 39 µs of CPU per batch,
 * the same text.
 */
function sqliteValuesSelect<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  const { values, cells } = sqliteValuesCells(rows, columns);
  if (cells.every((cell, i) => cell === `v.column${i + 1}`)) return values;
  return `SELECT ${cells.map((cell, i) => `${cell} AS column${i + 1}`).join(', ')} FROM (${values}) AS v WHERE true`;
}

/**
 * Few rows (at most VALUES_MAX_ROWS) as a VALUES list of the columns that differ between them, to
 * be read as `FROM (values) AS v`, and each column's expression in order: `v.columnN` for a listed
 * one, its literal for one with a single value in every row (see sqliteValuesSelect). For a
 * statement that names the cells itself rather than reading them through a subquery: the stock
 * totals' UPDATE … FROM, whose `SELECT … FROM (VALUES …)` wrapper SQLite compiled and ran as a
 * subquery of its own (the captured batch of 16 replayed 300 times × 24 alternated rounds: ≈ 18 µs
 * of CPU a batch less without it).
 */
export function sqliteValuesCells<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): { values: string; cells: string[] } {
  if (rows.length === 0 || rows.length > VALUES_MAX_ROWS) throw new Error(`a VALUES list takes 1 to ${VALUES_MAX_ROWS} rows, not ${rows.length}`);
  const first = rows[0] as T;
  const constant = columns.map((c) => {
    const value = cellOf(first, c);
    return rows.every((row) => cellOf(row, c) === value);
  });
  // At least one column in the VALUES list (identical rows keep their first column there).
  if (constant.every(Boolean)) constant[0] = false;
  const values = valuesList(
    rows,
    columns.filter((_, c) => !constant[c]),
  );
  let varying = 0;
  return { values, cells: columns.map((c, i) => (constant[i] ? sqliteLiteral(cellOf(first, c)) : `v.column${++varying}`)) };
}

/**
 * `VALUES (…), (…)` of `columns`, its pieces in one array joined once: a string per row made of
 * an array per row, and template pieces around each, cost ≈ 1.8 µs a row of an import's levels,
 * totals and movements against ≈ 1.3 µs (250-row batches, 3 alternated rounds; the same text).
 */
function valuesList<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  const parts: string[] = ['VALUES '];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as T;
    parts.push(r === 0 ? '(' : ', (');
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) parts.push(', ');
      parts.push(sqliteLiteral(cellOf(row, columns[c] as keyof T & string)));
    }
    parts.push(')');
  }
  return parts.join('');
}

/** A row's cell as written: a missing value is NULL. */
function cellOf<T extends object>(row: T, column: keyof T & string): JsonCell {
  return (row[column] ?? null) as JsonCell;
}

/**
 * The rows as a table to read from in a statement run by `exec` (`FROM (…) AS t`), their columns
 * named `column1`, `column2`, … as a VALUES list names them, whichever form carries the rows.
 */
export function sqliteRowsTable<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  if (rows.length <= VALUES_MAX_ROWS) return sqliteValuesSelect(rows, columns);
  const named = columns.map((_, i) => `j.value->>${i} AS column${i + 1}`).join(', ');
  return `SELECT ${named} FROM jsonb_each(${sqliteText(jsonRows(rows, columns))}) AS j`;
}

/**
 * The rows as the source of an INSERT run by `exec`: a VALUES list when there are few, else a
 * SELECT from their JSON text (in the order given either way).
 */
export function sqliteRowsSource<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  return rows.length <= VALUES_MAX_ROWS ? sqliteValuesSelect(rows, columns) : selectJsonRows(columns.length).replace('?', () => sqliteText(jsonRows(rows, columns)));
}

/**
 * A JSON parameter for PostgreSQL (json_populate_recordset, json_to_recordset). JSON.stringify
 * writes a lone surrogate as an escape (`\ud800`), which PostgreSQL refuses to turn into text; as
 * a bound string it went in as U+FFFD (node encodes it so), and it does here too. JSON.stringify
 * never escapes a whole pair, so every such escape (one not itself an escaped backslash) is one.
 */
export function pgJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\ud')) return json;
  return json.replace(/(\\+)ud[89a-f][0-9a-f]{2}/g, (escape, slashes: string) => (slashes.length % 2 === 1 ? `${slashes.slice(1)}\ufffd` : escape));
}
