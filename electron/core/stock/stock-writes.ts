/**
 * The stock engine's multi-row writes: stock levels, movements and each product's totals, one
 * statement per table per batch. On SQLite each is one prepared statement with the rows as one
 * JSON parameter (db/json-rows.ts): the stock bench went from ~3,300 to ~N movements/s with these
 * and the cached statements (16 callers, 2 shared cores). PostgreSQL keeps knex's multi-row SQL.
 */
import { jsonRows, selectJsonRows } from '../db/json-rows';
import { chunkRows } from '../util/db-helpers';
import type { WriteContext } from '../write-queue';
import type { LevelRow, MovementRow } from './stock-ops';

/** A product's stock summed over its locations, as products keeps it for lists and the dashboard. */
export type ProductTotals = { product_id: string; total_on_hand: number; total_committed: number; total_incoming: number };

const LEVEL_COLUMNS = ['product_id', 'location_id', 'on_hand', 'committed', 'incoming', 'updated_at'] as const;
const UPSERT_LEVELS_SQLITE =
  `INSERT INTO stock_levels (${LEVEL_COLUMNS.join(', ')}) ${selectJsonRows(LEVEL_COLUMNS.length)} ` +
  'ON CONFLICT (product_id, location_id) DO UPDATE SET on_hand = excluded.on_hand, committed = excluded.committed, incoming = excluded.incoming, updated_at = excluded.updated_at';

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
const INSERT_MOVEMENTS_SQLITE = `INSERT INTO movements (${MOVEMENT_COLUMNS.join(', ')}) ${selectJsonRows(MOVEMENT_COLUMNS.length)}`;

const TOTAL_COLUMNS = ['product_id', 'total_on_hand', 'total_committed', 'total_incoming'] as const;
const UPDATE_TOTALS_SQLITE =
  'UPDATE products SET total_on_hand = j.value->>1, total_committed = j.value->>2, total_incoming = j.value->>3 ' +
  'FROM json_each(?) AS j WHERE products.id = j.value->>0';
const UPDATE_TOTALS_PG =
  'UPDATE products AS p SET total_on_hand = t.total_on_hand, total_committed = t.total_committed, total_incoming = t.total_incoming ' +
  'FROM json_to_recordset(?::json) AS t(product_id text, total_on_hand bigint, total_committed bigint, total_incoming bigint) WHERE p.id = t.product_id';

/** Writes the levels a batch changed (new ones inserted, the others replaced). */
export async function upsertLevels(ctx: WriteContext, rows: LevelRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (ctx.dialect === 'sqlite') {
    await ctx.trx.raw(UPSERT_LEVELS_SQLITE, [jsonRows(rows, LEVEL_COLUMNS)]);
    return;
  }
  for (const chunk of chunkRows(rows)) {
    await ctx.trx('stock_levels').insert(chunk).onConflict(['product_id', 'location_id']).merge(['on_hand', 'committed', 'incoming', 'updated_at']);
  }
}

/** Appends a batch's movements to the ledger. */
export async function insertMovements(ctx: WriteContext, rows: MovementRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (ctx.dialect === 'sqlite') {
    await ctx.trx.raw(INSERT_MOVEMENTS_SQLITE, [jsonRows(rows, MOVEMENT_COLUMNS)]);
    return;
  }
  for (const chunk of chunkRows(rows)) await ctx.trx('movements').insert(chunk);
}

/**
 * Stores each product's totals (the sums of its levels) in the same transaction as the levels,
 * so the Products list and the dashboard filter and sort on a column instead of summing every
 * product's levels per query; `check` verifies them against the ledger.
 */
export async function writeProductTotals(ctx: WriteContext, totals: ProductTotals[]): Promise<void> {
  if (totals.length === 0) return;
  const sql = ctx.dialect === 'sqlite' ? UPDATE_TOTALS_SQLITE : UPDATE_TOTALS_PG;
  await ctx.trx.raw(sql, [ctx.dialect === 'sqlite' ? jsonRows(totals, TOTAL_COLUMNS) : JSON.stringify(totals)]);
}
