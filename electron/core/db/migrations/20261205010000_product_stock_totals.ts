import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Each product keeps its stock summed over its locations (issue 17): the Products list's stock
// filters and sorts and the dashboard read columns of products instead of summing every product's
// stock levels per query (160–260 ms each at 100,000 products on 2 shared cores). The stock engine
// writes the totals in the same transaction as the levels; `check` verifies them against the ledger.
//
// The indexes, for the queries that read them (tests/integration/products-query-plans.test.ts):
// - (total_on_hand DESC, sku), and with status first for a tab: the list sorted by on hand, most
//   first, walks the index (a tie in SKU order) instead of sorting every product;
// - (total_on_hand - total_committed), available: the out-of-stock, low and in-stock filters and
//   their counts read a range of it;
// - (status, currency, price_minor, total_…, buffer_stock): the dashboard's figures for active
//   products, from the index alone, grouped by currency in its order;
// - stock_levels (location_id) for the levels that hold anything: a location filter's count.
// As in 20261204160000, the status-only index is created again after them, so SQLite (no
// statistics) still takes it for the unordered reads of one status.
//
// Safe to run twice: a column is added only when missing, the backfill recomputes every total
// from the stock levels (one UPDATE through stock_levels' primary key), and each index is created
// only when missing. The same statements on SQLite and PostgreSQL.

const COLUMNS = ['total_on_hand', 'total_committed', 'total_incoming'] as const;

/** The quantity columns this migration makes (64-bit, like the levels they sum), by table. */
export const INT64_COLUMNS: Readonly<Record<string, readonly string[]>> = { products: COLUMNS };

export async function up(knex: Knex): Promise<void> {
  // bigint on PostgreSQL like the levels they sum; on SQLite every INTEGER column is 64-bit.
  const pg = (knex.client as { dialect: string }).dialect === 'postgresql';
  const missing: string[] = [];
  for (const column of COLUMNS) if (!(await knex.schema.hasColumn('products', column))) missing.push(column);
  if (missing.length > 0) {
    await knex.schema.alterTable('products', (t) => {
      for (const column of missing) (pg ? t.bigInteger(column) : t.integer(column)).notNullable().defaultTo(0);
    });
  }
  await knex.raw(
    'UPDATE products SET ' +
      COLUMNS.map((c) => `${c} = coalesce((select sum(s.${c.slice('total_'.length)}) from stock_levels s where s.product_id = products.id), 0)`).join(', '),
  );
  await knex.raw('CREATE INDEX IF NOT EXISTS products_total_on_hand_sku_index ON products (total_on_hand DESC, sku)');
  await knex.raw('CREATE INDEX IF NOT EXISTS products_status_total_on_hand_sku_index ON products (status, total_on_hand DESC, sku)');
  await knex.raw('CREATE INDEX IF NOT EXISTS products_total_available_index ON products ((total_on_hand - total_committed))');
  await knex.raw(
    'CREATE INDEX IF NOT EXISTS products_status_currency_stock_index ON products (status, currency, price_minor, total_on_hand, total_committed, total_incoming, buffer_stock)',
  );
  await knex.raw(
    'CREATE INDEX IF NOT EXISTS stock_levels_location_id_holding_index ON stock_levels (location_id) WHERE on_hand <> 0 OR committed <> 0 OR incoming <> 0',
  );
  await knex.raw('DROP INDEX IF EXISTS products_status_index');
  await knex.raw('CREATE INDEX IF NOT EXISTS products_status_index ON products (status)');
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
