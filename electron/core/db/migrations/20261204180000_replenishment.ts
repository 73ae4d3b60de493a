import type { Knex } from 'knex';

// Forward-only. Schema change only: suppliers, what they sell each product for, reorder settings
// per product and location, purchase orders with their lines and number sequence, the weighted
// average cost of each product, and the PO line a receive movement books.
//
// Money is integer minor units (int64), in the supplier's currency for costs. Safe to run twice:
// each table is created only when missing, the column only when absent.
//
// movements.purchase_order_line_id has no foreign key and no index: on SQLite a foreign key added
// to an existing table means rebuilding the ledger, the largest table, and nothing looks movements
// up by line (check.ts sums them in one grouped pass).

/** The money (minor units) and quantity (units) columns this migration makes, by table. */
export const INT64_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  suppliers: ['minimum_order_minor'],
  product_suppliers: ['unit_cost_minor', 'pack_size', 'minimum_order_quantity'],
  reorder_settings: ['reorder_point', 'reorder_quantity', 'max_level'],
  purchase_order_lines: ['quantity', 'unit_cost_minor', 'received'],
  product_costs: ['cost_minor'],
  counters: ['value'],
};

export async function up(knex: Knex): Promise<void> {
  // 64-bit as the earlier tables have it: bigint on PostgreSQL, INTEGER on SQLite (where every
  // INTEGER column is 64-bit; knex's "bigint" there would be a type name of its own).
  const pg = (knex.client as { dialect: string }).dialect === 'postgresql';
  const int64 = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.bigInteger(name) : t.integer(name));
  if (!(await knex.schema.hasTable('suppliers'))) {
    await knex.schema.createTable('suppliers', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('name', 150).notNullable().unique();
      t.string('email', 254).nullable();
      t.string('phone', 50).nullable();
      t.string('currency', 3).notNullable();
      t.integer('lead_time_days').notNullable();
      int64(t, 'minimum_order_minor').nullable();
      t.text('notes').notNullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }
  if (!(await knex.schema.hasTable('product_suppliers'))) {
    await knex.schema.createTable('product_suppliers', (t) => {
      t.string('product_id', 36).notNullable().references('id').inTable('products');
      t.string('supplier_id', 36).notNullable().references('id').inTable('suppliers');
      t.string('supplier_sku', 100).nullable();
      int64(t, 'unit_cost_minor').nullable();
      int64(t, 'pack_size').notNullable();
      int64(t, 'minimum_order_quantity').notNullable();
      t.boolean('preferred').notNullable();
      t.string('updated_at', 32).notNullable();
      t.primary(['product_id', 'supplier_id']);
      t.index(['supplier_id']);
    });
  }
  if (!(await knex.schema.hasTable('reorder_settings'))) {
    await knex.schema.createTable('reorder_settings', (t) => {
      t.string('product_id', 36).notNullable().references('id').inTable('products');
      t.string('location_id', 36).notNullable().references('id').inTable('locations');
      int64(t, 'reorder_point').nullable();
      int64(t, 'reorder_quantity').nullable();
      int64(t, 'max_level').nullable();
      t.string('updated_at', 32).notNullable();
      t.primary(['product_id', 'location_id']);
    });
  }
  if (!(await knex.schema.hasTable('purchase_orders'))) {
    await knex.schema.createTable('purchase_orders', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('number', 32).notNullable().unique();
      t.string('supplier_id', 36).notNullable().references('id').inTable('suppliers');
      t.string('location_id', 36).notNullable().references('id').inTable('locations');
      // draft | ordered | partly_received | received | closed | cancelled
      t.string('status', 16).notNullable();
      t.string('currency', 3).notNullable();
      t.text('notes').notNullable();
      t.string('ordered_at', 32).nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.index(['status']);
      t.index(['supplier_id']);
    });
  }
  if (!(await knex.schema.hasTable('purchase_order_lines'))) {
    await knex.schema.createTable('purchase_order_lines', (t) => {
      t.string('id', 36).notNullable().primary();
      t.string('purchase_order_id', 36).notNullable().references('id').inTable('purchase_orders');
      t.integer('position').notNullable();
      t.string('product_id', 36).notNullable().references('id').inTable('products');
      int64(t, 'quantity').notNullable();
      int64(t, 'unit_cost_minor').notNullable();
      // A date (YYYY-MM-DD), not an instant.
      t.string('expected_date', 10).nullable();
      int64(t, 'received').notNullable();
      t.index(['purchase_order_id', 'position']);
      t.index(['product_id']);
    });
  }
  if (!(await knex.schema.hasTable('product_costs'))) {
    await knex.schema.createTable('product_costs', (t) => {
      t.string('product_id', 36).notNullable().primary().references('id').inTable('products');
      int64(t, 'cost_minor').notNullable();
      t.string('currency', 3).notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }
  if (!(await knex.schema.hasTable('counters'))) {
    await knex.schema.createTable('counters', (t) => {
      t.string('name', 64).notNullable().primary();
      int64(t, 'value').notNullable();
    });
  }
  if (!(await knex.schema.hasColumn('movements', 'purchase_order_line_id'))) {
    await knex.schema.alterTable('movements', (t) => {
      t.string('purchase_order_line_id', 36).nullable();
    });
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
