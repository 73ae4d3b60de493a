/**
 * The drift check: every way the live database differs from electron/core/db/schema.ts, one
 * sentence each, naming the table, the column, index or key, and what was expected and found. An
 * empty list means no drift; tests assert `toEqual([])` so a failure prints the sentences.
 */
import type { Knex } from 'knex';
import { dialectOf, type Dialect } from '../../electron/core/db/connection';
import { SCHEMA, engineType, type ColumnShape, type IndexShape, type TableShape } from '../../electron/core/db/schema';
import { canonicalIndexKey, canonicalPredicate, introspectSchema, type LiveColumn, type LiveIndex, type LiveSchema, type LiveTable } from './schema-introspect';

/** The default as the engine reports it: knex writes a boolean default as 1/0 on SQLite. */
function expectedDefault(value: ColumnShape['default'], dialect: Dialect): string | null {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return dialect === 'sqlite' ? (value ? '1' : '0') : String(value);
  return String(value);
}

function foundDefault(found: LiveColumn, dialect: Dialect): string | null {
  // SQLite keeps TRUE/FALSE as written; knex writes '1'/'0'. Both mean the same default.
  if (dialect === 'sqlite' && found.default !== null && /^(true|false)$/i.test(found.default)) return found.default.toLowerCase() === 'true' ? '1' : '0';
  return found.default;
}

const shown = (value: string | null) => (value === null ? 'none' : `'${value}'`);

function columnDrift(where: string, expected: ColumnShape, found: LiveColumn, dialect: Dialect): string[] {
  const drift: string[] = [];
  const type = engineType(expected.type, dialect);
  if (type !== found.type) {
    drift.push(`column ${where}: type expected ${expected.type}${type === expected.type ? '' : ` (${type})`}, found ${found.type}`);
  }
  if (expected.nullable !== found.nullable) {
    drift.push(`column ${where}: expected ${expected.nullable ? 'nullable' : 'NOT NULL'}, found ${found.nullable ? 'nullable' : 'NOT NULL'}`);
  }
  if (expectedDefault(expected.default, dialect) !== foundDefault(found, dialect)) {
    const stated = typeof expected.default === 'string' ? `'${expected.default}'` : String(expected.default ?? 'none');
    drift.push(`column ${where}: default expected ${stated}, found ${shown(foundDefault(found, dialect))}`);
  }
  return drift;
}

function describeIndex(index: IndexShape | LiveIndex): string {
  const where = index.where ? ` where ${index.where}` : '';
  return `${index.unique ? 'unique ' : ''}(${index.columns.join(', ')})${where}`;
}

function sameIndex(expected: IndexShape, found: LiveIndex): boolean {
  return (
    expected.columns.map(canonicalIndexKey).join(',') === found.columns.map(canonicalIndexKey).join(',') &&
    (expected.unique === true) === found.unique &&
    (expected.where === undefined ? null : canonicalPredicate(expected.where)) === (found.where === null ? null : canonicalPredicate(found.where))
  );
}

/** Entries of `expected` missing from or different in `found`, then entries of `found` not expected. */
function keyedDrift<E, F>(
  expected: Record<string, E>,
  found: Record<string, F>,
  messages: { missing(name: string, e: E): string; extra(name: string, f: F): string; changed(name: string, e: E, f: F): string[] },
): string[] {
  const drift: string[] = [];
  for (const [name, e] of Object.entries(expected)) {
    const f = found[name];
    drift.push(...(f === undefined ? [messages.missing(name, e)] : messages.changed(name, e, f)));
  }
  for (const [name, f] of Object.entries(found)) if (!(name in expected)) drift.push(messages.extra(name, f));
  return drift;
}

function tableDrift(table: string, expected: TableShape, found: LiveTable, dialect: Dialect): string[] {
  const drift = keyedDrift(expected.columns, found.columns, {
    missing: (name, e) => `column ${table}.${name}: missing (expected ${e.type})`,
    extra: (name, f) => `column ${table}.${name}: not in schema.ts (found ${f.type})`,
    changed: (name, e, f) => columnDrift(`${table}.${name}`, e, f, dialect),
  });
  if (expected.primaryKey.join(',') !== found.primaryKey.join(',')) {
    const key = (columns: readonly string[]) => (columns.length === 0 ? 'none' : `(${columns.join(', ')})`);
    drift.push(`table ${table}: primary key expected ${key(expected.primaryKey)}, found ${key(found.primaryKey)}`);
  }
  drift.push(
    ...keyedDrift(expected.indexes ?? {}, found.indexes, {
      missing: (name, e) => `index ${table}.${name}: missing (expected ${describeIndex(e)})`,
      extra: (name, f) => `index ${table}.${name}: not in schema.ts (found ${describeIndex(f)})`,
      changed: (name, e, f) => (sameIndex(e, f) ? [] : [`index ${table}.${name}: expected ${describeIndex(e)}, found ${describeIndex(f)}`]),
    }),
    ...keyedDrift(expected.foreignKeys ?? {}, found.foreignKeys, {
      missing: (name, e) => `foreign key ${table}(${name}): missing (expected references ${e})`,
      extra: (name, f) => `foreign key ${table}(${name}): not in schema.ts (found references ${f})`,
      changed: (name, e, f) => (e === f ? [] : [`foreign key ${table}(${name}): expected references ${e}, found references ${f}`]),
    }),
  );
  return drift;
}

/** Every difference between a description and a live schema read on `dialect`. */
export function compareSchema(expected: Record<string, TableShape>, live: LiveSchema, dialect: Dialect): string[] {
  return keyedDrift(expected, live, {
    missing: (table) => `table ${table}: missing`,
    extra: (table, f) => `table ${table}: not in schema.ts (found columns ${Object.keys(f.columns).join(', ')})`,
    changed: (table, e, f) => tableDrift(table, e, f, dialect),
  });
}

/** Every difference between the database and `expected` (schema.ts unless a test passes a variant). */
export async function schemaDrift(db: Knex, expected: Record<string, TableShape> = SCHEMA): Promise<string[]> {
  return compareSchema(expected, await introspectSchema(db), dialectOf(db));
}
