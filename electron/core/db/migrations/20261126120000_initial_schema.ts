import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: each table is created only when missing (a guard added after merge: the
// accepted exception to "never edit", since a first run still creates exactly what it always did).
// Times are ISO-8601 UTC strings in both engines, so they sort and compare the same way.

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('products'))) {
    await knex.schema.createTable('products', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('sku', 50).notNullable().unique();
      t.text('title').notNullable();
      t.text('description').notNullable();
      t.string('brand', 150).notNullable();
      t.string('gtin', 14).nullable().index();
      t.string('mpn', 70).nullable();
      t.string('condition', 16).notNullable();
      t.integer('price_minor').notNullable();
      t.integer('sale_price_minor').nullable();
      t.string('currency', 3).notNullable();
      t.string('slug', 200).notNullable().unique();
      t.text('image_url').nullable();
      t.text('additional_image_urls').notNullable();
      t.string('status', 16).notNullable().index();
      t.string('item_group_id', 50).nullable().index();
      t.boolean('allow_backorder').notNullable();
      t.string('preorder_date', 10).nullable();
      t.integer('buffer_stock').nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }

  if (!(await knex.schema.hasTable('locations'))) {
    await knex.schema.createTable('locations', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('code', 32).notNullable().unique();
      t.string('name', 150).notNullable();
      t.boolean('sells_online').notNullable();
      t.string('created_at', 32).notNullable();
    });
  }

  if (!(await knex.schema.hasTable('stock_levels'))) {
    await knex.schema.createTable('stock_levels', (t) => {
      t.string('product_id', 36).notNullable().references('id').inTable('products');
      t.string('location_id', 36).notNullable().references('id').inTable('locations');
      t.integer('on_hand').notNullable();
      t.integer('committed').notNullable();
      t.integer('incoming').notNullable();
      t.string('updated_at', 32).notNullable();
      t.primary(['product_id', 'location_id']);
    });
  }

  if (!(await knex.schema.hasTable('changes'))) {
    await knex.schema.createTable('changes', (t) => {
      t.increments('seq').primary();
      t.string('type', 40).notNullable();
      t.string('product_id', 36).nullable();
      t.string('sku', 50).nullable();
      t.text('payload').notNullable();
      t.string('created_at', 32).notNullable();
      t.index(['sku', 'seq']);
      t.index(['type', 'seq']);
    });
  }

  if (!(await knex.schema.hasTable('reservations'))) {
    await knex.schema.createTable('reservations', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('product_id', 36).notNullable().references('id').inTable('products');
      t.string('location_id', 36).notNullable().references('id').inTable('locations');
      t.integer('quantity').notNullable();
      t.string('reference', 200).notNullable().index();
      t.string('status', 16).notNullable();
      t.string('expires_at', 32).nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.index(['status', 'expires_at']);
      t.index(['product_id', 'status']);
    });
  }

  if (!(await knex.schema.hasTable('movements'))) {
    await knex.schema.createTable('movements', (t) => {
      t.string('id', 36).notNullable().primary();
      t.integer('seq').notNullable().references('seq').inTable('changes');
      t.string('product_id', 36).notNullable().references('id').inTable('products');
      t.string('location_id', 36).notNullable().references('id').inTable('locations');
      t.integer('quantity').notNullable();
      t.string('kind', 16).notNullable();
      t.string('reason', 500).nullable();
      t.string('reference', 200).nullable();
      t.string('idempotency_key', 255).nullable();
      t.string('reservation_id', 36).nullable().references('id').inTable('reservations');
      t.string('transfer_id', 36).nullable();
      t.string('created_at', 32).notNullable();
      t.index(['product_id', 'seq']);
      t.index(['seq']);
    });
  }

  if (!(await knex.schema.hasTable('idempotency_keys'))) {
    await knex.schema.createTable('idempotency_keys', (t) => {
      t.string('key', 255).notNullable().primary();
      t.string('operation', 64).notNullable();
      t.string('request_hash', 64).notNullable();
      t.text('response').notNullable();
      t.string('created_at', 32).notNullable();
    });
  }

  if (!(await knex.schema.hasTable('settings'))) {
    await knex.schema.createTable('settings', (t) => {
      t.string('key', 64).notNullable().primary();
      t.text('value').notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
