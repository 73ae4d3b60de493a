/**
 * Issue 17 (stock speed): a group-commit batch's rows go to SQLite as VALUES literals in one
 * `exec` text instead of one JSON literal read with json_each (db/json-rows.ts). Whatever the
 * value, the row stored must be the one the JSON path stores: quotes, SQL, non-ASCII, emoji, and
 * the two a plain literal cannot carry through exec (NUL, a lone surrogate), numbers and null.
 * The JSON path reads its rows as JSONB (jsonb_each): the same values as json_each over the text.
 */
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonRows, selectJsonRows, sqliteLiteral, sqliteRowsSource, sqliteRowsTable, sqliteText, sqliteValues, sqliteValuesCells, VALUES_MAX_ROWS, type JsonCell } from '../../electron/core/db/json-rows';

const TEXTS = [
  "O'Brien's order",
  "x'); DROP TABLE t; --",
  "$' $& $` $$ $1",
  '"quoted" \\ backslash \\u0027 not an escape',
  'Grüße, ¿qué? 日本 🙂',
  "''''",
  'a NUL \u0000 inside, and after it',
  'half a pair: \ud800 and \udfff alone',
  'line\nbreak\ttab\r\u001f',
  '',
];
const NUMBERS = [0, -0, 1, -42, 9007199254740991, -9007199254740991, 1.5, 1e21];

type Row = { a: JsonCell; b: JsonCell };

describe('SQL literals for exec hold the same values as the JSON rows', () => {
  let db: sqlite3.Database;
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
  const all = <T>(sql: string) => new Promise<T[]>((resolve, reject) => db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  beforeAll(async () => {
    db = new sqlite3.Database(':memory:');
    await exec('CREATE TABLE by_values (n INTEGER PRIMARY KEY, a, b); CREATE TABLE by_json (n INTEGER PRIMARY KEY, a, b); CREATE TABLE by_json_text (n INTEGER PRIMARY KEY, a, b)');
  });
  afterAll(() => new Promise<void>((resolve) => db.close(() => resolve())));

  it('stores every text, number and null as the JSON path does, through exec', async () => {
    const rows: Row[] = [...TEXTS.map((t, i): Row => ({ a: t, b: i })), ...NUMBERS.map((x): Row => ({ a: x, b: null }))];
    await exec(`INSERT INTO by_values (a, b) ${sqliteValues(rows, ['a', 'b'])}; SELECT 1`);
    // The batch writes' list (built in one piece) spells every row as the plain list does.
    expect(sqliteRowsSource(rows, ['a', 'b'])).toBe(sqliteValues(rows, ['a', 'b']));
    await exec(`INSERT INTO by_json (a, b) ${selectJsonRows(2).replace('?', () => sqliteText(jsonRows(rows, ['a', 'b'])))}`);
    const read = (table: string) => all<Record<string, unknown>>(`SELECT n, a, typeof(a) AS ta, hex(a) AS ha, b, typeof(b) AS tb FROM ${table} ORDER BY n`);
    const [byValues, byJson] = [await read('by_values'), await read('by_json')];
    expect(byValues).toHaveLength(rows.length);
    expect(byValues).toEqual(byJson);
    // The JSON rows are read as JSONB (jsonb_each), which `->>` takes apart without parsing the
    // row's text again for every column; the values are those of json_each over the same text.
    expect(selectJsonRows(2)).toContain('FROM jsonb_each(?)');
    await exec(`INSERT INTO by_json_text (a, b) SELECT j.value->>0, j.value->>1 FROM json_each(${sqliteText(jsonRows(rows, ['a', 'b']))}) AS j ORDER BY j.key`);
    expect(await read('by_json_text')).toEqual(byJson);
    // The NUL and what follows it are stored (a plain literal would end the statement there).
    expect(byValues[6]?.a).toBe(TEXTS[6]);
  });

  it('spells plain text as a quoted literal and only the two awkward cases through JSON', () => {
    expect(sqliteLiteral("it's")).toBe("'it''s'");
    expect(sqliteLiteral(null)).toBe('NULL');
    expect(sqliteLiteral(-3)).toBe('-3');
    expect(sqliteLiteral('a\u0000b')).toBe(`('"a\\u0000b"' ->> '$')`);
    expect(sqliteLiteral('\ud800')).toBe(`('"\\ud800"' ->> '$')`);
    expect(() => sqliteLiteral(Number.NaN)).toThrow();
    // Quotes doubled wherever they are, and text without one as it is.
    expect(sqliteText(`{"a":"it's","b":"''"}`)).toBe(`'{"a":"it''s","b":"''''"}'`);
    expect(sqliteText("'")).toBe("''''");
    expect(sqliteText('{"plain":1}')).toBe(`'{"plain":1}'`);
    expect(sqliteLiteral("'x'")).toBe("'''x'''");
  });

  it('keeps many rows as one JSON text', () => {
    const many = Array.from({ length: VALUES_MAX_ROWS + 1 }, (_, i): Row => ({ a: i, b: null }));
    expect(sqliteRowsSource(many, ['a', 'b'])).toMatch(/^SELECT .* FROM jsonb_each\('/);
    // Few: a VALUES list, with a column the same in every row (b) written once.
    expect(sqliteRowsSource(many.slice(1), ['a', 'b'])).toMatch(/^SELECT v\.column1 AS column1, NULL AS column2 FROM \(VALUES \(1\), \(2\), /);
    expect(sqliteRowsSource([{ a: 1, b: 2 }, { a: 3, b: 4 }], ['a', 'b'])).toBe('VALUES (1, 2), (3, 4)');
  });

  it('stores the same rows with the columns one value in every row written once', async () => {
    await exec('CREATE TABLE by_select (n INTEGER PRIMARY KEY, a, b, c); CREATE TABLE by_list (n INTEGER PRIMARY KEY, a, b, c)');
    type Three = { a: JsonCell; b: JsonCell; c: JsonCell };
    // Every awkward value once as the column all rows share, and once as a column that varies.
    const sets: Three[][] = [...TEXTS, ...NUMBERS, null].map((same, i) => [
      { a: same, b: i, c: TEXTS[i % TEXTS.length] as string },
      { a: same, b: -i, c: null },
    ]);
    sets.push([{ a: 'x', b: 1, c: null }, { a: 'x', b: 1, c: null }]);
    // The constant columns are found on the values: a number and its text are not one value, and
    // a missing value is NULL like a null one.
    sets.push([{ a: 1, b: '1', c: null }, { a: '1', b: 1, c: undefined as unknown as null }]);
    for (const rows of sets) {
      await exec(`INSERT INTO by_select (a, b, c) ${sqliteRowsSource(rows, ['a', 'b', 'c'])}`);
      await exec(`INSERT INTO by_list (a, b, c) ${sqliteValues(rows, ['a', 'b', 'c'])}`);
    }
    const read = (table: string) => all<Record<string, unknown>>(`SELECT n, a, typeof(a) AS ta, hex(a) AS ha, b, typeof(b) AS tb, c, hex(c) AS hc FROM ${table} ORDER BY n`);
    const [bySelect, byList] = [await read('by_select'), await read('by_list')];
    expect(bySelect).toHaveLength(sets.length * 2);
    expect(bySelect).toEqual(byList);
  });

  it('names each column of few rows as the VALUES list or its one literal, for an UPDATE … FROM that reads them directly', async () => {
    expect(sqliteValuesCells([{ a: 'x', b: 1, c: null }, { a: 'y', b: 1, c: null }], ['a', 'b', 'c'])).toEqual({ values: "VALUES ('x'), ('y')", cells: ['v.column1', '1', 'NULL'] });
    // Identical rows keep their first column listed; a varying later column is numbered in the list.
    expect(sqliteValuesCells([{ a: 'x', b: 1 }, { a: 'x', b: 1 }], ['a', 'b'])).toEqual({ values: "VALUES ('x'), ('x')", cells: ['v.column1', '1'] });
    expect(sqliteValuesCells([{ a: 'x', b: 1 }, { a: 'x', b: 2 }], ['a', 'b']).cells).toEqual(["'x'", 'v.column1']);
    expect(() => sqliteValuesCells([], ['a'])).toThrow();
    expect(() => sqliteValuesCells(Array.from({ length: VALUES_MAX_ROWS + 1 }, (_, i) => ({ a: i })), ['a'])).toThrow();

    // The same rows updated through the cells and through the subquery sqliteRowsTable gives.
    await exec('CREATE TABLE upd_cells (k TEXT PRIMARY KEY, a, b); CREATE TABLE upd_table (k TEXT PRIMARY KEY, a, b)');
    type Upd = { k: string; a: JsonCell; b: JsonCell };
    const keys = ['k0', 'k1', 'k2', 'k3'];
    await exec(keys.map((k) => `INSERT INTO upd_cells VALUES ('${k}', 'old', 'old'); INSERT INTO upd_table VALUES ('${k}', 'old', 'old')`).join('; '));
    const sets: Upd[][] = [...TEXTS, ...NUMBERS, null].map((same, i) => [
      { k: keys[i % 4] as string, a: same, b: i },
      { k: keys[(i + 1) % 4] as string, a: same, b: TEXTS[i % TEXTS.length] as string },
    ]);
    sets.push([{ k: 'k2', a: 1, b: '1' }]);
    for (const rows of sets) {
      const { values, cells } = sqliteValuesCells(rows, ['k', 'a', 'b']);
      const [k, a, b] = cells as [string, string, string];
      await exec(`UPDATE upd_cells SET a = ${a}, b = ${b} FROM (${values}) AS v WHERE upd_cells.k = ${k} AND (a IS NOT ${a} OR b IS NOT ${b})`);
      await exec(`UPDATE upd_table SET a = t.column2, b = t.column3 FROM (${sqliteRowsTable(rows, ['k', 'a', 'b'])}) AS t WHERE upd_table.k = t.column1 AND (a IS NOT t.column2 OR b IS NOT t.column3)`);
      const read = (table: string) => all<Record<string, unknown>>(`SELECT k, a, typeof(a) AS ta, hex(a) AS ha, b, typeof(b) AS tb, hex(b) AS hb FROM ${table} ORDER BY k`);
      expect(await read('upd_cells')).toEqual(await read('upd_table'));
    }
  });
});
