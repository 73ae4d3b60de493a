/**
 * Reads the live shape of a database's application tables, in the words of
 * electron/core/db/schema.ts's `engineType` (lower case, `varchar(n)` on both engines), so the drift
 * check can compare it with the description. Introspection is engine-specific by nature: SQLite's
 * PRAGMAs and sqlite_master, PostgreSQL's information_schema and catalogs.
 */
import type { Knex } from 'knex';
import { dialectOf } from '../../electron/core/db/connection';

export type LiveColumn = { type: string; nullable: boolean; default: string | null };
export type LiveIndex = { columns: string[]; unique: boolean; where: string | null };
export type LiveTable = {
  columns: Record<string, LiveColumn>;
  primaryKey: string[];
  indexes: Record<string, LiveIndex>;
  /** Local column(s), comma-separated, to `table(column)` plus any action other than no action. */
  foreignKeys: Record<string, string>;
};
export type LiveSchema = Record<string, LiveTable>;

/** knex's own bookkeeping and SQLite's internal tables are not the application's. */
function isApplicationTable(name: string): boolean {
  return !name.startsWith('knex_') && !name.startsWith('sqlite_');
}

/** A PostgreSQL cast as it prints one back (`::text`, `::character varying(16)`, `::integer[]`). */
const PG_CAST = /::(?:character varying|double precision|timestamp with(?:out)? time zone|[a-z_][a-z0-9_]*)(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?/gi;

/**
 * A default as comparable text: casts (`'x'::character varying`), wrapping parentheses and quotes
 * removed, so `'0'` and `0` compare equal (SQLite keeps what the DDL said, PostgreSQL normalises).
 */
export function canonicalDefault(raw: string | null): string | null {
  if (raw === null) return null;
  let text = raw.trim();
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(PG_CAST, '').trim();
    if (/^\(.*\)$/s.test(text)) text = text.slice(1, -1).trim();
  }
  const quoted = /^'(.*)'$/s.exec(text);
  return quoted ? (quoted[1] ?? '').replace(/''/g, "'") : text;
}

/** The same predicate written by a migration or printed back by either engine compares equal. */
export function canonicalPredicate(where: string): string {
  return where
    .replace(PG_CAST, '')
    .replace(/[()"`]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * An index key as comparable text: a column name as it is, an expression (`ltrim(gtin, '0')`) with
 * PostgreSQL's casts, quotes around names and spacing differences removed, as either engine prints it.
 */
export function canonicalIndexKey(key: string): string {
  return key.replace(PG_CAST, '').replace(/"/g, '').replace(/\s+/g, ' ').replace(/\s*,\s*/g, ', ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim().toLowerCase();
}

/** The key list of a CREATE INDEX statement (`… ON t (a, lower(b)) WHERE …`), split at its top-level commas. */
function indexKeysOf(sql: string): string[] {
  const start = sql.search(/\bon\s+[^(]+\(/i);
  if (start < 0) return [];
  const open = sql.indexOf('(', start);
  const keys: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of sql.slice(open + 1)) {
    if (char === '(') depth++;
    if (char === ')' && depth-- === 0) break;
    if (char === ',' && depth === 0) {
      keys.push(current.trim());
      current = '';
    } else current += char;
  }
  keys.push(current.trim());
  return keys;
}

function foreignKeyTarget(table: string, columns: string[], onDelete: string, onUpdate: string): string {
  const actions = [onDelete === 'no action' ? '' : ` on delete ${onDelete}`, onUpdate === 'no action' ? '' : ` on update ${onUpdate}`];
  return `${table}(${columns.join(', ')})${actions.join('')}`;
}

async function sqliteRows<T>(db: Knex, sql: string, bindings: readonly string[] = []): Promise<T[]> {
  return (await db.raw(sql, bindings)) as T[];
}

type SqliteColumn = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number };
type SqliteIndex = { name: string; unique: number; origin: string; partial: number };
type SqliteForeignKey = { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string };

async function introspectSqliteTable(db: Knex, table: string, tableSql: string): Promise<LiveTable> {
  const columns = await sqliteRows<SqliteColumn>(db, 'PRAGMA table_info(??)', [table]);
  // An AUTOINCREMENT key is an INTEGER PRIMARY KEY that never reuses a deleted key.
  const autoincrement = (name: string) => new RegExp(`[\`"\\[]?${name}[\`"\\]]?\\s+integer[^,]*\\bautoincrement\\b`, 'i').test(tableSql);
  const live: LiveTable = {
    columns: Object.fromEntries(
      columns.map((c) => [
        c.name,
        {
          type: c.pk > 0 && autoincrement(c.name) ? 'integer autoincrement' : c.type.toLowerCase(),
          nullable: c.notnull === 0,
          default: canonicalDefault(c.dflt_value),
        },
      ]),
    ),
    primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
    indexes: {},
    foreignKeys: {},
  };
  for (const index of await sqliteRows<SqliteIndex>(db, 'PRAGMA index_list(??)', [table])) {
    if (index.origin === 'pk') continue;
    const keys = await sqliteRows<{ seqno: number; name: string | null }>(db, 'PRAGMA index_info(??)', [index.name]);
    const [definition] = await sqliteRows<{ sql: string | null }>(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [index.name]);
    const where = index.partial ? (/\bwhere\b([\s\S]*)$/i.exec(definition?.sql ?? '')?.[1]?.trim() ?? '?') : null;
    // An expression key has no column name; its text is in the CREATE INDEX statement.
    const written = indexKeysOf(definition?.sql ?? '');
    live.indexes[index.name] = {
      columns: keys.sort((a, b) => a.seqno - b.seqno).map((k) => k.name ?? written[k.seqno] ?? '<expression>'),
      unique: index.unique === 1,
      where,
    };
  }
  const keys = await sqliteRows<SqliteForeignKey>(db, 'PRAGMA foreign_key_list(??)', [table]);
  for (const id of new Set(keys.map((k) => k.id))) {
    const parts = keys.filter((k) => k.id === id).sort((a, b) => a.seq - b.seq);
    const first = parts[0] as SqliteForeignKey;
    live.foreignKeys[parts.map((k) => k.from).join(', ')] = foreignKeyTarget(
      first.table,
      parts.map((k) => k.to ?? '<primary key>'),
      first.on_delete.toLowerCase(),
      first.on_update.toLowerCase(),
    );
  }
  return live;
}

async function introspectSqlite(db: Knex): Promise<LiveSchema> {
  const tables = (await db('sqlite_master').select('name', 'sql').where({ type: 'table' })) as Array<{ name: string; sql: string }>;
  const out: LiveSchema = {};
  for (const { name, sql } of tables.filter((t) => isApplicationTable(t.name))) out[name] = await introspectSqliteTable(db, name, sql);
  return out;
}

type PgColumn = { column_name: string; data_type: string; character_maximum_length: number | null; is_nullable: 'YES' | 'NO'; column_default: string | null };
type PgIndex = { name: string; unique: boolean; primary: boolean; where: string | null; columns: string[] };
type PgForeignKey = { columns: string[]; table: string; references: string[]; on_delete: string; on_update: string };

/** pg_constraint's one-letter referential actions. */
const PG_ACTIONS: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

function pgColumn(c: PgColumn): LiveColumn {
  const nullable = c.is_nullable === 'YES';
  // A serial column is an integer whose default draws from its own sequence.
  if (c.data_type === 'integer' && c.column_default?.startsWith('nextval(')) return { type: 'serial', nullable, default: null };
  if (c.data_type === 'bigint' && c.column_default?.startsWith('nextval(')) return { type: 'bigserial', nullable, default: null };
  const type = c.data_type === 'character varying' ? (c.character_maximum_length === null ? 'varchar' : `varchar(${c.character_maximum_length})`) : c.data_type;
  return { type, nullable, default: canonicalDefault(c.column_default) };
}

const PG_INDEXES = `
  SELECT ic.relname AS name, ix.indisunique AS "unique", ix.indisprimary AS "primary",
         pg_get_expr(ix.indpred, ix.indrelid) AS "where",
         (SELECT json_agg(pg_get_indexdef(ix.indexrelid, k, true) ORDER BY k) FROM generate_series(1, ix.indnkeyatts) AS k) AS columns
  FROM pg_index ix
  JOIN pg_class tc ON tc.oid = ix.indrelid
  JOIN pg_class ic ON ic.oid = ix.indexrelid
  JOIN pg_namespace ns ON ns.oid = tc.relnamespace
  WHERE ns.nspname = current_schema() AND tc.relname = ?`;

const PG_FOREIGN_KEYS = `
  SELECT (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS columns,
         ft.relname AS "table",
         (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY AS k(num, ord)
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num) AS "references",
         c.confdeltype AS on_delete, c.confupdtype AS on_update
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  JOIN pg_namespace ns ON ns.oid = t.relnamespace
  JOIN pg_class ft ON ft.oid = c.confrelid
  WHERE c.contype = 'f' AND ns.nspname = current_schema() AND t.relname = ?`;

async function introspectPgTable(db: Knex, table: string): Promise<LiveTable> {
  const columns = (await db('information_schema.columns')
    .select('column_name', 'data_type', 'character_maximum_length', 'is_nullable', 'column_default')
    .whereRaw('table_schema = current_schema()')
    .andWhere({ table_name: table })
    .orderBy('ordinal_position')) as PgColumn[];
  const indexes = ((await db.raw(PG_INDEXES, [table])) as { rows: PgIndex[] }).rows;
  const foreignKeys = ((await db.raw(PG_FOREIGN_KEYS, [table])) as { rows: PgForeignKey[] }).rows;
  const unquote = (name: string) => name.replace(/^"(.*)"$/, '$1');
  return {
    columns: Object.fromEntries(columns.map((c) => [c.column_name, pgColumn(c)])),
    primaryKey: indexes.find((i) => i.primary)?.columns.map(unquote) ?? [],
    indexes: Object.fromEntries(
      indexes.filter((i) => !i.primary).map((i) => [i.name, { columns: i.columns.map(unquote), unique: i.unique, where: i.where }]),
    ),
    foreignKeys: Object.fromEntries(
      foreignKeys.map((f) => [
        f.columns.join(', '),
        foreignKeyTarget(f.table, f.references, PG_ACTIONS[f.on_delete] ?? f.on_delete, PG_ACTIONS[f.on_update] ?? f.on_update),
      ]),
    ),
  };
}

async function introspectPg(db: Knex): Promise<LiveSchema> {
  const tables = (await db('information_schema.tables')
    .select('table_name')
    .whereRaw('table_schema = current_schema()')
    .andWhere({ table_type: 'BASE TABLE' })) as Array<{ table_name: string }>;
  const out: LiveSchema = {};
  for (const { table_name: name } of tables.filter((t) => isApplicationTable(t.table_name))) out[name] = await introspectPgTable(db, name);
  return out;
}

/** The live shape of every application table (knex's migration tables left out). */
export async function introspectSchema(db: Knex): Promise<LiveSchema> {
  return dialectOf(db) === 'pg' ? introspectPg(db) : introspectSqlite(db);
}
