import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: the table is created only when missing.
// Collections (issue 19): what the publisher last published of each collection page, so that its
// lastmod outlives the process and moves only when what the page shows changes (like
// published_products for product pages).

export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('published_collections')) return;
  await knex.schema.createTable('published_collections', (t) => {
    // The collection's slug (publish/collections.ts): `home-kitchen-mugs`, `brand-acme`.
    t.string('slug', 200).notNullable().primary();
    // category | brand
    t.string('kind', 16).notNullable();
    t.text('url').notNullable();
    // The first 22 characters of the base64url SHA-256 of what the page shows.
    t.string('content_hash', 64).notNullable();
    t.string('lastmod', 32).notNullable();
    t.integer('seq').notNullable();
    t.boolean('empty').notNullable();
    t.boolean('in_sitemap').notNullable();
    // The data file's size and SHA-256, as the manifest lists them.
    t.integer('bytes').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('updated_at', 32).notNullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
