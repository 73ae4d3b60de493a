/**
 * The final shape of every table, as the migrations leave it (Ghost's one schema description).
 * `tests/integration/schema.test.ts` compares a freshly migrated database with this description on
 * SQLite and PostgreSQL, so a schema change without a migration (or a migration without updating
 * this file) fails the build: tables, columns with their type, nullability and default, primary
 * keys, indexes (unique or not, partial or not) and foreign keys.
 *
 * Types are engine-neutral words; `engineType` says what each engine reports for them. A column
 * without `default` has none, a table without `indexes` or `foreignKeys` has none: the drift test
 * fails when the database has one this file does not state.
 */
import type { Dialect } from './connection';

export type ColumnType =
  /** Free text of any length. */
  | 'text'
  /** Text holding a JSON document (the core stringifies and parses it). */
  | 'json'
  /** 32-bit on PostgreSQL: counters, sequence numbers, durations, HTTP codes. */
  | 'integer'
  /**
   * Any 64-bit integer (money in minor units, quantities): `bigint` on PostgreSQL; on SQLite every
   * INTEGER column is 64-bit, so there it is an INTEGER column.
   */
  | 'int64'
  | 'boolean'
  /** An auto-incrementing integer key: insert order is key order. */
  | 'increments'
  /** An ISO-8601 UTC instant as text (`varchar(32)`), so it sorts and compares the same on both engines. */
  | 'timestamp'
  | `varchar(${number})`;

export type ColumnShape = {
  type: ColumnType;
  nullable: boolean;
  /** The column's default; absent: it has none. */
  default?: string | number | boolean;
};

export type IndexShape = {
  /** Column names, or an expression as written in the migration (`ltrim(gtin, '0')`). */
  columns: readonly string[];
  unique?: true;
  /** The predicate of a partial index, as written in the migration. */
  where?: string;
};

export type TableShape = {
  columns: Record<string, ColumnShape>;
  primaryKey: readonly string[];
  /** By name (knex's `<table>_<columns>_index` / `_unique`); a unique constraint is a unique index here. */
  indexes?: Record<string, IndexShape>;
  /** Local column(s), comma-separated, to `table(column)`; no action on delete or update unless written (`… on delete cascade`). */
  foreignKeys?: Record<string, string>;
};

/** What each engine reports for a column type (lower case; varchar as `varchar(n)` on both). */
export function engineType(type: ColumnType, dialect: Dialect): string {
  switch (type) {
    case 'json':
      return 'text';
    case 'int64':
      return dialect === 'pg' ? 'bigint' : 'integer';
    case 'increments':
      return dialect === 'pg' ? 'serial' : 'integer autoincrement';
    case 'timestamp':
      return 'varchar(32)';
    default:
      return type;
  }
}

// Shorthands for the common columns: NOT NULL or NULL, no default. A column with a default is
// written out: `{ type: 'boolean', nullable: false, default: false }`.
const required = (type: ColumnType): ColumnShape => ({ type, nullable: false });
const optional = (type: ColumnType): ColumnShape => ({ type, nullable: true });

export const SCHEMA: Record<string, TableShape> = {
  products: {
    columns: {
      id: required('varchar(36)'),
      sku: required('varchar(50)'),
      title: required('text'),
      description: required('text'),
      brand: required('varchar(150)'),
      gtin: optional('varchar(14)'),
      mpn: optional('varchar(70)'),
      condition: required('varchar(16)'),
      price_minor: required('int64'),
      sale_price_minor: optional('int64'),
      currency: required('varchar(3)'),
      slug: required('varchar(200)'),
      image_url: optional('text'),
      additional_image_urls: required('json'),
      status: required('varchar(16)'),
      item_group_id: optional('varchar(50)'),
      allow_backorder: required('boolean'),
      // A date (YYYY-MM-DD), not an instant.
      preorder_date: optional('varchar(10)'),
      buffer_stock: optional('int64'),
      // The shop's own category path, levels joined by " > " (shared/domain/category.ts).
      product_type: optional('varchar(750)'),
      // Google's product taxonomy: an id ("4") or a path ("Home & Garden > Kitchen & Dining").
      google_product_category: optional('varchar(750)'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
      // The sums of the product's stock levels, written with them (stock/stock-writes.ts) and
      // verified by check.ts: the list's stock filters and sorts and the dashboard read these.
      total_on_hand: { type: 'int64', nullable: false, default: 0 },
      total_committed: { type: 'int64', nullable: false, default: 0 },
      total_incoming: { type: 'int64', nullable: false, default: 0 },
    },
    primaryKey: ['id'],
    indexes: {
      products_sku_unique: { columns: ['sku'], unique: true },
      products_slug_unique: { columns: ['slug'], unique: true },
      products_gtin_index: { columns: ['gtin'] },
      // One product per barcode, compared as GTIN-14 (see db/gtin-uniqueness.ts). A database in
      // which products shared a barcode before this lacks it until they are fixed.
      products_gtin_unique: { columns: ["ltrim(gtin, '0')"], unique: true, where: 'gtin IS NOT NULL' },
      products_status_index: { columns: ['status'] },
      products_item_group_id_index: { columns: ['item_group_id'] },
      products_product_type_index: { columns: ['product_type'] },
      products_title_sku_index: { columns: ['title', 'sku'] },
      products_price_minor_sku_index: { columns: ['price_minor', 'sku'] },
      products_status_sku_index: { columns: ['status', 'sku'] },
      products_status_title_sku_index: { columns: ['status', 'title', 'sku'] },
      products_status_price_minor_sku_index: { columns: ['status', 'price_minor', 'sku'] },
      // total_on_hand DESC in both (the direction is not read back by the drift test).
      products_total_on_hand_sku_index: { columns: ['total_on_hand', 'sku'] },
      products_status_total_on_hand_sku_index: { columns: ['status', 'total_on_hand', 'sku'] },
      products_total_available_index: { columns: ['(total_on_hand - total_committed)'] },
      products_status_currency_stock_index: {
        columns: ['status', 'currency', 'price_minor', 'total_on_hand', 'total_committed', 'total_incoming', 'buffer_stock'],
      },
    },
  },
  locations: {
    columns: {
      id: required('varchar(36)'),
      code: required('varchar(32)'),
      name: required('varchar(150)'),
      sells_online: required('boolean'),
      created_at: required('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      locations_code_unique: { columns: ['code'], unique: true },
    },
  },
  stock_levels: {
    columns: {
      product_id: required('varchar(36)'),
      location_id: required('varchar(36)'),
      on_hand: required('int64'),
      committed: required('int64'),
      incoming: required('int64'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['product_id', 'location_id'],
    indexes: {
      // The levels that hold anything, by location: the Products list's location filter counts them.
      stock_levels_location_id_holding_index: { columns: ['location_id'], where: 'on_hand <> 0 OR committed <> 0 OR incoming <> 0' },
    },
    foreignKeys: { product_id: 'products(id)', location_id: 'locations(id)' },
  },
  changes: {
    columns: {
      seq: required('increments'),
      type: required('varchar(40)'),
      product_id: optional('varchar(36)'),
      sku: optional('varchar(50)'),
      payload: required('json'),
      created_at: required('timestamp'),
      actor_kind: optional('varchar(16)'),
      actor_id: optional('varchar(64)'),
      actor_name: optional('varchar(100)'),
    },
    primaryKey: ['seq'],
    indexes: {
      changes_sku_seq_index: { columns: ['sku', 'seq'] },
      changes_type_seq_index: { columns: ['type', 'seq'] },
    },
  },
  reservations: {
    columns: {
      id: required('varchar(36)'),
      product_id: required('varchar(36)'),
      location_id: required('varchar(36)'),
      quantity: required('int64'),
      reference: required('varchar(200)'),
      status: required('varchar(16)'),
      expires_at: optional('timestamp'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
      // The sales channel whose order holds it; NULL: reserved through the app or the API.
      channel: optional('varchar(16)'),
      // Who settled it: shopify | woocommerce | stockfeed | expiry; NULL while held (or settled before it was recorded).
      settled_by: optional('varchar(16)'),
    },
    primaryKey: ['id'],
    indexes: {
      reservations_reference_index: { columns: ['reference'] },
      reservations_updated_at_status_index: { columns: ['updated_at', 'status'] },
      reservations_status_expires_at_index: { columns: ['status', 'expires_at'] },
      reservations_product_id_status_index: { columns: ['product_id', 'status'] },
    },
    foreignKeys: { product_id: 'products(id)', location_id: 'locations(id)' },
  },
  movements: {
    columns: {
      id: required('varchar(36)'),
      seq: required('integer'),
      product_id: required('varchar(36)'),
      location_id: required('varchar(36)'),
      quantity: required('int64'),
      kind: required('varchar(16)'),
      reason: optional('varchar(500)'),
      reference: optional('varchar(200)'),
      idempotency_key: optional('varchar(255)'),
      reservation_id: optional('varchar(36)'),
      transfer_id: optional('varchar(36)'),
      created_at: required('timestamp'),
      // The purchase-order line a receipt books (no foreign key: see the replenishment migration).
      purchase_order_line_id: optional('varchar(36)'),
      actor_kind: optional('varchar(16)'),
      actor_id: optional('varchar(64)'),
      actor_name: optional('varchar(100)'),
    },
    primaryKey: ['id'],
    indexes: {
      movements_product_id_seq_index: { columns: ['product_id', 'seq'] },
      movements_seq_index: { columns: ['seq'] },
    },
    foreignKeys: {
      seq: 'changes(seq)',
      product_id: 'products(id)',
      location_id: 'locations(id)',
      reservation_id: 'reservations(id)',
    },
  },
  idempotency_keys: {
    columns: {
      key: required('varchar(255)'),
      operation: required('varchar(64)'),
      request_hash: required('varchar(64)'),
      response: required('json'),
      created_at: required('timestamp'),
    },
    primaryKey: ['key'],
  },
  settings: {
    columns: {
      key: required('varchar(64)'),
      value: required('json'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['key'],
  },
  publish_state: {
    columns: {
      artifact: required('varchar(32)'),
      seq: required('integer'),
      written_at: optional('timestamp'),
      duration_ms: optional('integer'),
      details: required('json'),
      error: optional('text'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['artifact'],
  },
  published_products: {
    columns: {
      product_id: required('varchar(36)'),
      sku: required('varchar(50)'),
      slug: required('varchar(200)'),
      content_hash: required('varchar(64)'),
      lastmod: required('timestamp'),
      seq: required('integer'),
      in_feed: required('boolean'),
      in_sitemap: required('boolean'),
      has_jsonld: required('boolean'),
      issue_count: required('integer'),
      issues: optional('json'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['product_id'],
    indexes: {
      published_products_issue_count_sku_index: { columns: ['issue_count', 'sku'] },
    },
  },
  published_collections: {
    columns: {
      slug: required('varchar(200)'),
      kind: required('varchar(16)'),
      url: required('text'),
      content_hash: required('varchar(64)'),
      lastmod: required('timestamp'),
      seq: required('integer'),
      empty: required('boolean'),
      in_sitemap: required('boolean'),
      bytes: required('integer'),
      sha256: required('varchar(64)'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['slug'],
  },
  webhook_subscriptions: {
    columns: {
      id: required('varchar(36)'),
      url: required('text'),
      event_types: required('json'),
      secret: required('varchar(200)'),
      enabled: required('boolean'),
      description: required('varchar(200)'),
      max_attempts: required('integer'),
      timeout_ms: required('integer'),
      lease_owner: optional('varchar(64)'),
      lease_until: optional('timestamp'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['id'],
  },
  webhook_deliveries: {
    columns: {
      id: required('increments'),
      subscription_id: required('varchar(36)'),
      change_seq: required('integer'),
      event_type: required('varchar(40)'),
      status: required('varchar(16)'),
      attempts: required('integer'),
      next_attempt_at: optional('timestamp'),
      last_attempt_at: optional('timestamp'),
      response_code: optional('integer'),
      duration_ms: optional('integer'),
      error: optional('varchar(500)'),
      created_at: required('timestamp'),
      delivered_at: optional('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      webhook_deliveries_subscription_id_status_id_index: { columns: ['subscription_id', 'status', 'id'] },
      webhook_deliveries_status_id_index: { columns: ['status', 'id'] },
    },
    foreignKeys: { subscription_id: 'webhook_subscriptions(id)', change_seq: 'changes(seq)' },
  },
  channel_orders: {
    columns: {
      id: required('varchar(36)'),
      channel: required('varchar(16)'),
      order_id: required('varchar(64)'),
      reference: required('varchar(200)'),
      state: required('varchar(16)'),
      lines: required('json'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      channel_orders_channel_order_id_unique: { columns: ['channel', 'order_id'], unique: true },
    },
  },
  channel_deliveries: {
    columns: {
      channel: required('varchar(16)'),
      delivery_id: required('varchar(255)'),
      topic: required('varchar(64)'),
      order_id: optional('varchar(64)'),
      result: required('json'),
      received_at: required('timestamp'),
    },
    primaryKey: ['channel', 'delivery_id'],
  },
  order_exceptions: {
    columns: {
      id: required('varchar(36)'),
      channel: required('varchar(16)'),
      order_id: required('varchar(64)'),
      reference: required('varchar(200)'),
      topic: required('varchar(64)'),
      message: required('text'),
      problems: required('json'),
      event: required('json'),
      status: required('varchar(16)'),
      resolution: optional('varchar(500)'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
      resolved_at: optional('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      order_exceptions_status_created_at_index: { columns: ['status', 'created_at'] },
      order_exceptions_channel_order_id_index: { columns: ['channel', 'order_id'] },
    },
  },
  stock_count_marks: {
    columns: {
      product_id: required('varchar(36)'),
      location_id: required('varchar(36)'),
      counted_at: required('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['product_id', 'location_id'],
    foreignKeys: { product_id: 'products(id)', location_id: 'locations(id)' },
  },
  channel_items: {
    columns: {
      channel: required('varchar(16)'),
      product_id: required('varchar(36)'),
      sku: required('varchar(50)'),
      external_id: optional('varchar(200)'),
      parent_id: optional('varchar(64)'),
      external: optional('json'),
      known: optional('json'),
      pushed: optional('json'),
      recent: required('json'),
      pushed_at: optional('timestamp'),
      sends_day: optional('varchar(10)'),
      sends_count: required('integer'),
      checked_at: required('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['channel', 'product_id'],
    indexes: {
      channel_items_channel_external_id_index: { columns: ['channel', 'external_id'] },
    },
  },
  channel_pushes: {
    columns: {
      id: required('increments'),
      channel: required('varchar(16)'),
      product_id: required('varchar(36)'),
      sku: required('varchar(50)'),
      change_seq: required('integer'),
      reason: required('varchar(16)'),
      status: required('varchar(16)'),
      attempts: required('integer'),
      change_count: required('integer'),
      next_attempt_at: optional('timestamp'),
      value: optional('json'),
      error: optional('varchar(500)'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
      sent_at: optional('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      channel_pushes_channel_status_change_seq_index: { columns: ['channel', 'status', 'change_seq'] },
      channel_pushes_channel_status_id_index: { columns: ['channel', 'status', 'id'] },
      channel_pushes_open_unique: { columns: ['channel', 'product_id'], unique: true, where: "status <> 'sent'" },
    },
  },
  channel_state: {
    columns: {
      channel: required('varchar(16)'),
      lease_owner: optional('varchar(64)'),
      lease_until: optional('timestamp'),
      config: optional('varchar(64)'),
      connected_at: optional('timestamp'),
      report: optional('json'),
      last_push_at: optional('timestamp'),
      last_push_seq: optional('integer'),
      last_error: optional('varchar(500)'),
      last_error_at: optional('timestamp'),
      failures: required('integer'),
      retry_at: optional('timestamp'),
      echoes_ignored: required('integer'),
      last_reconcile_at: optional('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['channel'],
  },
  channel_drift: {
    columns: {
      id: required('increments'),
      channel: required('varchar(16)'),
      product_id: required('varchar(36)'),
      sku: required('varchar(50)'),
      channel_value: required('varchar(200)'),
      stockfeed_value: required('varchar(200)'),
      source: required('varchar(16)'),
      found_at: required('timestamp'),
      corrected_at: optional('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      channel_drift_channel_id_index: { columns: ['channel', 'id'] },
    },
  },
  sessions: {
    columns: {
      id_hash: required('varchar(64)'),
      signed_in_with: required('varchar(16)'),
      token_check: required('varchar(64)'),
      created_at: required('timestamp'),
      last_seen_at: required('timestamp'),
      expires_at: required('timestamp'),
      user_id: optional('varchar(36)'),
    },
    primaryKey: ['id_hash'],
    indexes: {
      sessions_expires_at_index: { columns: ['expires_at'] },
      sessions_user_id_index: { columns: ['user_id'] },
    },
  },
  users: {
    columns: {
      id: required('varchar(36)'),
      username: required('varchar(64)'),
      role: required('varchar(16)'),
      password_hash: required('varchar(200)'),
      password_changed_at: required('timestamp'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      users_username_unique: { columns: ['username'], unique: true },
    },
  },
  suppliers: {
    columns: {
      id: required('varchar(36)'),
      name: required('varchar(150)'),
      email: optional('varchar(254)'),
      phone: optional('varchar(50)'),
      currency: required('varchar(3)'),
      lead_time_days: required('integer'),
      minimum_order_minor: optional('int64'),
      notes: required('text'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['id'],
    indexes: { suppliers_name_unique: { columns: ['name'], unique: true } },
  },
  product_suppliers: {
    columns: {
      product_id: required('varchar(36)'),
      supplier_id: required('varchar(36)'),
      supplier_sku: optional('varchar(100)'),
      unit_cost_minor: optional('int64'),
      pack_size: required('int64'),
      minimum_order_quantity: required('int64'),
      preferred: required('boolean'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['product_id', 'supplier_id'],
    indexes: { product_suppliers_supplier_id_index: { columns: ['supplier_id'] } },
    foreignKeys: { product_id: 'products(id)', supplier_id: 'suppliers(id)' },
  },
  reorder_settings: {
    columns: {
      product_id: required('varchar(36)'),
      location_id: required('varchar(36)'),
      reorder_point: optional('int64'),
      reorder_quantity: optional('int64'),
      max_level: optional('int64'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['product_id', 'location_id'],
    foreignKeys: { product_id: 'products(id)', location_id: 'locations(id)' },
  },
  purchase_orders: {
    columns: {
      id: required('varchar(36)'),
      number: required('varchar(32)'),
      supplier_id: required('varchar(36)'),
      location_id: required('varchar(36)'),
      status: required('varchar(16)'),
      currency: required('varchar(3)'),
      notes: required('text'),
      ordered_at: optional('timestamp'),
      created_at: required('timestamp'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      purchase_orders_number_unique: { columns: ['number'], unique: true },
      purchase_orders_status_index: { columns: ['status'] },
      purchase_orders_supplier_id_index: { columns: ['supplier_id'] },
    },
    foreignKeys: { supplier_id: 'suppliers(id)', location_id: 'locations(id)' },
  },
  purchase_order_lines: {
    columns: {
      id: required('varchar(36)'),
      purchase_order_id: required('varchar(36)'),
      position: required('integer'),
      product_id: required('varchar(36)'),
      quantity: required('int64'),
      unit_cost_minor: required('int64'),
      // A date (YYYY-MM-DD), not an instant.
      expected_date: optional('varchar(10)'),
      received: required('int64'),
    },
    primaryKey: ['id'],
    indexes: {
      purchase_order_lines_purchase_order_id_position_index: { columns: ['purchase_order_id', 'position'] },
      purchase_order_lines_product_id_index: { columns: ['product_id'] },
    },
    foreignKeys: { purchase_order_id: 'purchase_orders(id)', product_id: 'products(id)' },
  },
  /** The weighted average cost of each product's stock, updated by every purchase receipt. */
  product_costs: {
    columns: {
      product_id: required('varchar(36)'),
      cost_minor: required('int64'),
      currency: required('varchar(3)'),
      updated_at: required('timestamp'),
    },
    primaryKey: ['product_id'],
    foreignKeys: { product_id: 'products(id)' },
  },
  /** Named sequences (purchase order numbers). */
  counters: {
    columns: {
      name: required('varchar(64)'),
      value: required('int64'),
    },
    primaryKey: ['name'],
  },
  leases: {
    columns: {
      name: required('varchar(64)'),
      holder: required('varchar(128)'),
      acquired_at: required('timestamp'),
      expires_at: required('timestamp'),
    },
    primaryKey: ['name'],
  },
  storefront_tokens: {
    columns: {
      id: required('varchar(36)'),
      name: required('varchar(100)'),
      token_hash: required('varchar(64)'),
      created_at: required('timestamp'),
    },
    primaryKey: ['id'],
    indexes: {
      storefront_tokens_token_hash_unique: { columns: ['token_hash'], unique: true },
    },
  },
  redirect_urls: {
    columns: {
      url: required('text'),
      product_id: required('varchar(36)'),
      since: required('timestamp'),
    },
    primaryKey: ['url'],
  },
};
