/**
 * The stock engine's writes of a batch: its stock levels, each product's totals and its movements.
 *
 * On SQLite the three go to SQLite in one call: three statements in one `exec`, with their rows
 * inlined (db/json-rows.ts: VALUES literals for a batch, one JSON text for an import's thousands).
 * Measured with 16 concurrent receives per batch on 2 cores shared with other work (load 10–13):
 * a statement costs a trip to node-sqlite3's thread, 0.1–0.2 ms of the main thread whatever its
 * size, and binding its values another ~1 µs each (0.2 ms for a 16-row movement insert). A batch
 * of the write queue now makes four trips: BEGIN, the read, this call (with the change-log append
 * in front of it, WriteContext.appendWith), COMMIT. PostgreSQL keeps knex's multi-row SQL (and
 * one UPDATE from json_to_recordset for the totals).
 */
import { sqliteRowsSource, sqliteRowsTable } from '../db/json-rows';
import { execInTransaction } from '../db/sqlite-client';
import { chunkRows } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import type { LevelRow, MovementRow } from './stock-ops';

/** A product's stock summed over its locations, as products keeps it for lists and the dashboard. */
export type ProductTotals = { product_id: string; total_on_hand: number; total_committed: number; total_incoming: number };

export type StockRows = { levels: LevelRow[]; totals: ProductTotals[]; movements: MovementRow[] };

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

/**
 * Writes a batch's rows in its transaction: the levels it changed (new ones inserted, the others
 * replaced), their products' totals (the sums of each product's levels, so the Products list and
 * the dashboard read a column instead of summing levels per query; `check` verifies them), and its
 * movements, after the levels (in the same transaction, so nothing sees one without the other).
 */
export async function writeStockRows(ctx: WriteContext, rows: StockRows, appendSql = ''): Promise<void> {
  if (ctx.dialect === 'sqlite') return writeSqlite(ctx, rows, appendSql);
  if (appendSql) throw new Error('an inline change-log append is SQLite only');
  const { trx } = ctx;
  for (const chunk of chunkRows(rows.levels)) {
    await trx('stock_levels').insert(chunk).onConflict(['product_id', 'location_id']).merge(['on_hand', 'committed', 'incoming', 'updated_at']);
  }
  if (rows.totals.length > 0) {
    await trx.raw(
      'UPDATE products AS p SET total_on_hand = t.total_on_hand, total_committed = t.total_committed, total_incoming = t.total_incoming ' +
        'FROM json_to_recordset(?::json) AS t(product_id text, total_on_hand bigint, total_committed bigint, total_incoming bigint) WHERE p.id = t.product_id',
      [JSON.stringify(rows.totals)],
    );
  }
  for (const chunk of chunkRows(rows.movements)) await trx('movements').insert(chunk);
}

/** `appendSql`: the batch's change-log append (WriteContext.appendWith), first, as the movements reference its rows. */
async function writeSqlite(ctx: WriteContext, rows: StockRows, appendSql: string): Promise<void> {
  const statements: string[] = appendSql ? [appendSql] : [];
  // Few rows (a group-commit batch) as VALUES literals, many (an import) as one JSON text: db/json-rows.ts.
  if (rows.levels.length > 0) {
    statements.push(
      `INSERT INTO stock_levels (${LEVEL_COLUMNS.join(', ')}) ${sqliteRowsSource(rows.levels, LEVEL_COLUMNS)} ` +
        'ON CONFLICT (product_id, location_id) DO UPDATE SET on_hand = excluded.on_hand, committed = excluded.committed, incoming = excluded.incoming, updated_at = excluded.updated_at',
    );
  }
  if (rows.totals.length > 0) {
    // A row whose totals are already right is not rewritten (an import writes new products with theirs).
    statements.push(
      'UPDATE products SET total_on_hand = t.column2, total_committed = t.column3, total_incoming = t.column4 ' +
        `FROM (${sqliteRowsTable(rows.totals, TOTAL_COLUMNS)}) AS t WHERE products.id = t.column1 ` +
        'AND (total_on_hand IS NOT t.column2 OR total_committed IS NOT t.column3 OR total_incoming IS NOT t.column4)',
    );
  }
  if (rows.movements.length > 0) statements.push(`INSERT INTO movements (${MOVEMENT_COLUMNS.join(', ')}) ${sqliteRowsSource(rows.movements, MOVEMENT_COLUMNS)}`);
  if (statements.length > 0) await execInTransaction(ctx.trx, statements.join(';\n'));
}
