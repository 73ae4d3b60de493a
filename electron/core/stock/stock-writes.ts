/**
 * The stock engine's writes of a batch: its stock levels, each product's totals and its movements.
 *
 * On SQLite the three go to SQLite in one call: three statements in one `exec`, with their rows
 * inlined (db/json-rows.ts: VALUES literals for a batch, one JSON text for an import's thousands).
 * Measured with 16 concurrent receives per batch on 2 cores shared with other work (load 10–13):
 * a statement costs a trip to node-sqlite3's thread, 0.1–0.2 ms of the main thread whatever its
 * size, and binding its values another ~1 µs each (0.2 ms for a 16-row movement insert). A batch
 * of the write queue now makes three trips: BEGIN, the read, and this call, with the change-log
 * append in front of it (WriteContext.appendWith) and, when nothing follows it in the transaction,
 * the COMMIT behind it (write-queue.ts CommitWith).
 *
 * On PostgreSQL the three, the change-log append, the reservations and the idempotency keys are one statement: data-modifying WITH
 * clauses over JSON parameters (json_populate_recordset: each field typed as its column), whose
 * final SELECT moves the change log's sequence and announces the commit (InlineAppend.finish).
 * A batch makes four round trips: BEGIN with the writer lock, the read, this statement, COMMIT
 * (it made ten: BEGIN, the lock, the read, the log's newest number, the append, levels, totals,
 * movements, NOTIFY, COMMIT). The read and this statement are prepared statements of their
 * connection. Measured on the stock bench (16 callers, 2 shared cores, load 4–7, back to back):
 * the process's CPU per movement 239–285 µs before, 155–190 µs after; with PostgreSQL's own
 * (a private cluster, load ≈ 7) 531–575 µs before, 373–385 µs after. Without an inline append
 * (an import's large one), knex's multi-row SQL as before.
 */
import { appendRollingBack, type InlineAppend } from '../changes/change-log';
import { pgJson, sqliteRowsSource, sqliteRowsTable, sqliteValuesCells, VALUES_MAX_ROWS } from '../db/json-rows';
import { execInTransaction } from '../db/sqlite-client';
import { bulkInsert } from '../db/bulk-insert';
import { chunkRows } from '../util/db-helpers';
import type { CommitWith, WriteContext } from '../write-queue';
import type { LevelRow, MovementRow, ReservationRow } from './stock-ops';

/** SQLite: statements run in the same call as a batch's writes, before and after them (the stock engine's runChunks). */
export type AroundWrites = { before: string | null; after: string | null };

/** A product's stock summed over its locations, as products keeps it for lists and the dashboard. */
export type ProductTotals = { product_id: string; total_on_hand: number; total_committed: number; total_incoming: number };

/** An operation's answer kept under its idempotency key (idempotency.ts). */
export type IdempotencyKeyRow = { key: string; operation: string; request_hash: string; response: string; created_at: string };

/**
 * `reservations`: the ones the batch created or settled, written first (a movement may name one);
 * `keys`: the operations' idempotency keys with their answers, written last.
 */
export type StockRows = { levels: LevelRow[]; totals: ProductTotals[]; movements: MovementRow[]; reservations?: ReservationRow[]; keys?: IdempotencyKeyRow[] };

const RESERVATION_COLUMNS = ['id', 'product_id', 'location_id', 'quantity', 'reference', 'status', 'expires_at', 'created_at', 'updated_at', 'channel', 'settled_by'] as const;
const KEY_COLUMNS = ['key', 'operation', 'request_hash', 'response', 'created_at'] as const;

const LEVEL_COLUMNS = ['product_id', 'location_id', 'on_hand', 'committed', 'incoming', 'updated_at'] as const;
const MOVEMENT_COLUMNS = [
  'id',
  'seq',
  'product_id',
  'location_id',
  'quantity',
  'kind',
  'reason',
  'reference',
  'idempotency_key',
  'reservation_id',
  'transfer_id',
  'purchase_order_line_id',
  'created_at',
  'actor_kind',
  'actor_id',
  'actor_name',
] as const;
const TOTAL_COLUMNS = ['product_id', 'total_on_hand', 'total_committed', 'total_incoming'] as const;

/** Rows from which PostgreSQL's writes without an inline append go through bulkInsert (its statements are named, so kept per connection: only its full size and the tail). */
export const BULK_ROWS_PG = 1000;

/**
 * Writes a batch's rows in its transaction: the levels it changed (new ones inserted, the others
 * replaced), their products' totals (the sums of each product's levels, so the Products list and
 * the dashboard read a column instead of summing levels per query; `check` verifies them), and its
 * movements, after the levels (in the same transaction, so nothing sees one without the other).
 */
export async function writeStockRows(
  ctx: WriteContext,
  rows: StockRows,
  append: InlineAppend | null = null,
  commit: CommitWith | null = null,
  around: AroundWrites | null = null,
): Promise<void> {
  if (ctx.dialect === 'pg' && append?.finish) return writePgStatement(ctx, rows, append, append.finish);
  const { trx } = ctx;
  for (const chunk of chunkRows(rows.reservations ?? [])) {
    await trx('reservations').insert(chunk).onConflict('id').merge(['status', 'updated_at', 'settled_by']);
  }
  const keys = rows.keys ?? [];
  // `commit` (a group-commit batch on SQLite): its COMMIT goes in the same call as the writes when
  // they are the transaction's last statements.
  await writeLevelsTotalsMovements(ctx, rows, append, keys.length === 0 ? commit : null, around);
  for (const chunk of chunkRows(keys)) await trx('idempotency_keys').insert(chunk);
}

/**
 * PostgreSQL: the products' stock totals from one JSON parameter. A row whose totals are already
 * right is not rewritten, as on SQLite: an import writes its new products with their totals, and
 * PostgreSQL writes a new version of every row an UPDATE names, with an entry in each of products'
 * indexes (a total is in several, so never an in-place HOT update): 100,000 new products with
 * stock spent ~2 s of the server per 10,000 counts rewriting rows to the same figures.
 */
const TOTALS_UPDATE_PG =
  'UPDATE products AS p SET total_on_hand = t.total_on_hand, total_committed = t.total_committed, total_incoming = t.total_incoming ' +
  'FROM json_to_recordset(?::json) AS t(product_id text, total_on_hand bigint, total_committed bigint, total_incoming bigint) WHERE p.id = t.product_id ' +
  'AND (p.total_on_hand IS DISTINCT FROM t.total_on_hand OR p.total_committed IS DISTINCT FROM t.total_committed OR p.total_incoming IS DISTINCT FROM t.total_incoming)';
const TOTALS_PG = `${TOTALS_UPDATE_PG} RETURNING 1`;

async function writeLevelsTotalsMovements(ctx: WriteContext, rows: StockRows, append: InlineAppend | null, commit: CommitWith | null, around: AroundWrites | null): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    if (append && append.bindings.length > 0) throw new Error('an SQLite inline append has no bindings');
    return writeSqlite(ctx, rows, append?.sql ?? '', commit, around);
  }
  if (append) throw new Error('a PostgreSQL inline append goes in one statement with the stock rows');
  const { trx } = ctx;
  const merge = ['on_hand', 'committed', 'incoming', 'updated_at'];
  // Thousands of rows (an import's counts) as bulkInsert's prepared statements: knex's 500-row
  // statements were each parsed and planned by the server anew.
  if (rows.levels.length >= BULK_ROWS_PG) await bulkInsert(trx, 'stock_levels', LEVEL_COLUMNS, rows.levels, { conflict: ['product_id', 'location_id'], merge });
  else for (const chunk of chunkRows(rows.levels)) await trx('stock_levels').insert(chunk).onConflict(['product_id', 'location_id']).merge(merge);
  if (rows.totals.length > 0) {
    await trx.raw(TOTALS_UPDATE_PG, [JSON.stringify(rows.totals)]);
  }
  if (rows.movements.length >= BULK_ROWS_PG) await bulkInsert(trx, 'movements', MOVEMENT_COLUMNS, rows.movements);
  else for (const chunk of chunkRows(rows.movements)) await trx('movements').insert(chunk);
}


/** PostgreSQL: rows of a table from one JSON parameter, each field typed as the table's column. */
const insertFromJsonPg = (table: string, columns: readonly string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, ?::json)`;

const LEVELS_PG =
  `${insertFromJsonPg('stock_levels', LEVEL_COLUMNS)} ` +
  'ON CONFLICT (product_id, location_id) DO UPDATE SET on_hand = excluded.on_hand, committed = excluded.committed, incoming = excluded.incoming, updated_at = excluded.updated_at RETURNING 1';
const MOVEMENTS_PG = `${insertFromJsonPg('movements', MOVEMENT_COLUMNS)} RETURNING 1`;
const RESERVATIONS_PG =
  `${insertFromJsonPg('reservations', RESERVATION_COLUMNS)} ` +
  'ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, settled_by = excluded.settled_by RETURNING 1';
const KEYS_PG = `${insertFromJsonPg('idempotency_keys', KEY_COLUMNS)} RETURNING 1`;

/**
 * PostgreSQL: the append, levels, totals and movements as one statement. The final SELECT's filter
 * counts every clause's rows, so each has run before `finish` is evaluated (PostgreSQL runs the
 * clauses nobody reads only after the final SELECT): a statement that fails leaves the change
 * log's sequence where it was. Foreign keys are checked at the statement's end, so the movements
 * may name entries of the append in the same statement.
 */
async function writePgStatement(ctx: WriteContext, rows: StockRows, append: InlineAppend, finish: NonNullable<InlineAppend['finish']>): Promise<void> {
  const clauses: string[] = [];
  const bindings: unknown[] = [];
  const add = (name: string, sql: string, values: unknown[]) => {
    clauses.push(`${name} AS (${sql})`);
    bindings.push(...values);
  };
  add('appended', append.sql, append.bindings);
  const reservations = rows.reservations ?? [];
  const keys = rows.keys ?? [];
  if (reservations.length > 0) add('reservations_written', RESERVATIONS_PG, [pgJson(reservations)]);
  if (rows.levels.length > 0) add('levels_written', LEVELS_PG, [pgJson(rows.levels)]);
  if (rows.totals.length > 0) add('totals_written', TOTALS_PG, [pgJson(rows.totals)]);
  if (rows.movements.length > 0) add('movements_written', MOVEMENTS_PG, [pgJson(rows.movements)]);
  if (keys.length > 0) add('keys_written', KEYS_PG, [pgJson(keys)]);
  const written = clauses.map((c) => `(SELECT count(*) FROM ${c.slice(0, c.indexOf(' '))})`).join(' + ');
  // One name per SQL text: which clauses the statement has.
  const name = `stockfeed_stock_write_${[reservations, rows.levels, rows.totals, rows.movements, keys].map((r) => (r.length > 0 ? 1 : 0)).join('')}`;
  await ctx.query(`WITH ${clauses.join(', ')} SELECT ${finish.sql} WHERE ${written} >= 0`, [...bindings, ...finish.bindings], name);
}

/** The column lists of writeSqlite's statements, joined once rather than per batch. */
const LEVELS_INTO_SQLITE = `INSERT INTO stock_levels (${LEVEL_COLUMNS.join(', ')}) `;
const MOVEMENTS_INTO_SQLITE = `INSERT INTO movements (${MOVEMENT_COLUMNS.join(', ')}) `;

/**
 * The products' totals (a row whose totals are already right is not rewritten: an import writes
 * new products with theirs). A group-commit batch's few rows straight from a VALUES list, the
 * columns with one value in every row as literals (json-rows.ts sqliteValuesCells); an import's
 * thousands from their JSON text.
 */
function totalsUpdateSqlite(totals: ProductTotals[], rollingBack: boolean): string {
  const update = rollingBack ? 'UPDATE OR ROLLBACK' : 'UPDATE';
  let from: string;
  let cells: string[];
  if (totals.length <= VALUES_MAX_ROWS) {
    const listed = sqliteValuesCells(totals, TOTAL_COLUMNS);
    from = `(${listed.values}) AS v`;
    cells = listed.cells;
  } else {
    from = `(${sqliteRowsTable(totals, TOTAL_COLUMNS)}) AS t`;
    cells = TOTAL_COLUMNS.map((_, i) => `t.column${i + 1}`);
  }
  const [id, onHand, committed, incoming] = cells as [string, string, string, string];
  return (
    `${update} products SET total_on_hand = ${onHand}, total_committed = ${committed}, total_incoming = ${incoming} FROM ${from} ` +
    `WHERE products.id = ${id} AND (total_on_hand IS NOT ${onHand} OR total_committed IS NOT ${committed} OR total_incoming IS NOT ${incoming})`
  );
}

/**
 * `appendSql`: the batch's change-log append (WriteContext.appendWith), first, as the movements
 * reference its rows; `around`: statements before and after all of them, in the same call (run
 * even when the batch writes nothing).
 */
async function writeSqlite(ctx: WriteContext, rows: StockRows, appendSql: string, commit: CommitWith | null, around: AroundWrites | null): Promise<void> {
  // In the call that commits, the append and the totals' update roll the whole transaction back on
  // a conflict (OR ROLLBACK), as the batch would be anyway: so SQLite keeps no statement journal
  // for them (a copy of every page they change, made in case the statement alone must be undone).
  // The levels and movements keep theirs: their foreign keys make any statement abortable.
  const rollingBack = commit !== null;
  const statements: string[] = appendSql ? [rollingBack ? appendRollingBack(appendSql) : appendSql] : [];
  // Few rows (a group-commit batch) as VALUES literals, many (an import) as one JSON text: db/json-rows.ts.
  if (rows.levels.length > 0) {
    statements.push(
      `${LEVELS_INTO_SQLITE}${sqliteRowsSource(rows.levels, LEVEL_COLUMNS)} ` +
        'ON CONFLICT (product_id, location_id) DO UPDATE SET on_hand = excluded.on_hand, committed = excluded.committed, incoming = excluded.incoming, updated_at = excluded.updated_at',
    );
  }
  if (rows.totals.length > 0) statements.push(totalsUpdateSqlite(rows.totals, rollingBack));
  if (rows.movements.length > 0) statements.push(`${MOVEMENTS_INTO_SQLITE}${sqliteRowsSource(rows.movements, MOVEMENT_COLUMNS)}`);
  if (around?.before) statements.unshift(around.before);
  if (around?.after) statements.push(around.after);
  if (statements.length === 0) return;
  if (commit) await commit(statements.join(';\n'));
  else await execInTransaction(ctx.trx, statements.join(';\n'));
}
