import type { Knex } from 'knex';

// Forward-only. Orders from sales channels, their exceptions, and the last 3PL count applied per
// SKU and location. Safe to run twice: each table is created only when missing.

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('channel_orders'))) {
    await knex.schema.createTable('channel_orders', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('channel', 16).notNullable();
      t.string('order_id', 64).notNullable();
      t.string('reference', 200).notNullable();
      // reserved | fulfilled | cancelled | refunded | exception
      t.string('state', 16).notNullable();
      // JSON: [{ lineId, sku, quantity, reservationId, returned }]
      t.text('lines').notNullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.unique(['channel', 'order_id']);
    });
  }
  if (!(await knex.schema.hasTable('channel_deliveries'))) {
    await knex.schema.createTable('channel_deliveries', (t) => {
      t.string('channel', 16).notNullable();
      t.string('delivery_id', 255).notNullable();
      t.string('topic', 64).notNullable();
      t.string('order_id', 64).nullable();
      t.text('result').notNullable();
      t.string('received_at', 32).notNullable();
      t.primary(['channel', 'delivery_id']);
    });
  }
  if (!(await knex.schema.hasTable('order_exceptions'))) {
    await knex.schema.createTable('order_exceptions', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('channel', 16).notNullable();
      t.string('order_id', 64).notNullable();
      t.string('reference', 200).notNullable();
      t.string('topic', 64).notNullable();
      t.text('message').notNullable();
      t.text('problems').notNullable();
      // The normalised event, so that "retry" can apply the order again.
      t.text('event').notNullable();
      t.string('status', 16).notNullable();
      t.string('resolution', 500).nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.string('resolved_at', 32).nullable();
      t.index(['status', 'created_at']);
      t.index(['channel', 'order_id']);
    });
  }
  if (!(await knex.schema.hasTable('stock_count_marks'))) {
    await knex.schema.createTable('stock_count_marks', (t) => {
      t.string('product_id', 36).notNullable().references('id').inTable('products');
      t.string('location_id', 36).notNullable().references('id').inTable('locations');
      t.string('counted_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.primary(['product_id', 'location_id']);
    });
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
