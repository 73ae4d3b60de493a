import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: the table is created only when missing.
// Old product page URLs (issue 19): a product's page before its slug changed, or when it was
// archived, discontinued or deleted, with the product and since when, so the publisher can write
// redirects (301 to the new page or the collection, or 410) for as long as the shop keeps them.

export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('redirect_urls')) return;
  await knex.schema.createTable('redirect_urls', (t) => {
    t.text('url').notNullable().primary();
    t.string('product_id', 36).notNullable();
    t.string('since', 32).notNullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
