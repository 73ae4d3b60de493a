import type { Knex } from 'knex';

// The Products screen lists one status at a time (its Active / Discontinued / Archived tabs), so
// every page it asks for filters on status and sorts by SKU, title or price. With an index on
// status alone, SQLite took the status index and sorted all 100,000 matching rows for each page
// (~110–350 ms at row 90,000); with status first and the sort key after it, it walks the index in
// order (~5–10 ms). The status-only index is then a prefix of the new ones, so it goes (one index
// less to keep up on every write). IF [NOT] EXISTS: safe to run twice, the same on both engines.

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS products_status_sku_index ON products (status, sku)');
  await knex.raw('CREATE INDEX IF NOT EXISTS products_status_title_sku_index ON products (status, title, sku)');
  await knex.raw('CREATE INDEX IF NOT EXISTS products_status_price_minor_sku_index ON products (status, price_minor, sku)');
  await knex.raw('DROP INDEX IF EXISTS products_status_index');
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
