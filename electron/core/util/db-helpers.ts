import type { Knex } from 'knex';

/** SQLite allows 32,766 bound parameters per statement; stay well below it on both engines. */
const MAX_PARAMS = 30_000;
/**
 * knex writes a multi-row insert on SQLite as `INSERT … SELECT … UNION ALL SELECT …`, and SQLite
 * allows at most 500 terms in a compound SELECT (SQLITE_MAX_COMPOUND_SELECT).
 */
export const MAX_ROWS_PER_INSERT = 500;

export type Db = Knex | Knex.Transaction;

export function chunkRows<T extends object>(rows: T[]): T[][] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0] as object).length || 1;
  const size = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / columns)));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** One multi-row INSERT per chunk: statement count, not row count, bounds write speed here. */
export async function insertRows<T extends object>(db: Db, table: string, rows: T[]): Promise<void> {
  for (const chunk of chunkRows(rows)) await db(table).insert(chunk);
}

/** Values for `whereIn` split so a large list never exceeds the parameter limit. */
export function chunkValues<T>(values: T[], size = 10_000): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * A whole number read from the database: counts, sums and figures come back as numbers (SQLite,
 * and PostgreSQL's bigint through connection.ts) or strings (PostgreSQL's numeric, the type of
 * SUM over a bigint column). One that is not a safe integer is an error, never a rounded number:
 * node-sqlite3 already rounds an INTEGER past 2^53 when it reads it, and Number() would round text.
 */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`The database returned ${String(value)}, which is not a whole number Stockfeed can hold exactly (the limit is ${Number.MAX_SAFE_INTEGER})`);
  }
  return n;
}

/**
 * An exact whole-number sum, read from `cast(sum(…) as text)`: a money total can pass 2^53 (it
 * multiplies units by prices), and as text it arrives with every digit. On SQLite a product past
 * 64 bits turns into a float ("1.2e+25"): that is an error here, not a rounded total.
 */
export function exactSum(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw new RangeError(`The database returned the total ${text}, which Stockfeed cannot add up exactly`);
  return BigInt(text);
}

export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** Escapes LIKE wildcards so a search for "50%" finds "50%", used with `ESCAPE '\'`. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
