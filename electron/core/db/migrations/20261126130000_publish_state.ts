import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// The publisher's memory: what each artifact reflects, and per product what was last published
// (a hash of its published content and the lastmod that changes only when that hash changes).

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('publish_state'))) {
    await knex.schema.createTable('publish_state', (t) => {
      t.string('artifact', 32).notNullable().primary();
      t.integer('seq').notNullable();
      t.string('written_at', 32).nullable();
      t.integer('duration_ms').nullable();
      t.text('details').notNullable();
      t.text('error').nullable();
      t.string('updated_at', 32).notNullable();
    });
  }
  if (!(await knex.schema.hasTable('published_products'))) {
    await knex.schema.createTable('published_products', (t) => {
      t.string('product_id', 36).notNullable().primary();
      t.string('sku', 50).notNullable();
      t.string('slug', 200).notNullable();
      t.string('content_hash', 64).notNullable();
      t.string('lastmod', 32).notNullable();
      t.integer('seq').notNullable();
      t.boolean('in_feed').notNullable();
      t.boolean('in_sitemap').notNullable();
      t.boolean('has_jsonld').notNullable();
      t.integer('issue_count').notNullable();
      t.text('issues').nullable();
      t.string('updated_at', 32).notNullable();
      t.index(['issue_count', 'sku']);
    });
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
