import type { Knex } from 'knex';

// Indexes for the Products screen's sorted list: sorting 100,000 products by title or price and
// paging into the middle took ~150 ms as a full sort per page; walking an index takes a few ms.
// SKU is the tie-break of every order, so it is the second column. IF NOT EXISTS: safe to run twice,
// and the same statement on SQLite and PostgreSQL.

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS products_title_sku_index ON products (title, sku)');
  await knex.raw('CREATE INDEX IF NOT EXISTS products_price_minor_sku_index ON products (price_minor, sku)');
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
