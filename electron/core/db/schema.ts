/**
 * The final shape of every table, as the migrations leave it. `tests/integration/schema.test.ts`
 * compares a freshly migrated database with this description, so a schema change without a
 * migration (or a migration without updating this file) fails the build.
 *
 * `int64` marks a column that must hold any 64-bit integer (money in minor units, quantities):
 * `bigint` on PostgreSQL, where every other integer column is 32-bit; on SQLite every INTEGER
 * column is 64-bit, so there it only has to be an INTEGER column.
 */
export type ColumnShape = { nullable: boolean; int64?: true };

export const SCHEMA: Record<string, Record<string, ColumnShape>> = {
  products: {
    id: { nullable: false },
    sku: { nullable: false },
    title: { nullable: false },
    description: { nullable: false },
    brand: { nullable: false },
    gtin: { nullable: true },
    mpn: { nullable: true },
    condition: { nullable: false },
    price_minor: { nullable: false, int64: true },
    sale_price_minor: { nullable: true, int64: true },
    currency: { nullable: false },
    slug: { nullable: false },
    image_url: { nullable: true },
    additional_image_urls: { nullable: false },
    status: { nullable: false },
    item_group_id: { nullable: true },
    allow_backorder: { nullable: false },
    preorder_date: { nullable: true },
    buffer_stock: { nullable: true, int64: true },
    created_at: { nullable: false },
    updated_at: { nullable: false },
  },
  locations: {
    id: { nullable: false },
    code: { nullable: false },
    name: { nullable: false },
    sells_online: { nullable: false },
    created_at: { nullable: false },
  },
  stock_levels: {
    product_id: { nullable: false },
    location_id: { nullable: false },
    on_hand: { nullable: false, int64: true },
    committed: { nullable: false, int64: true },
    incoming: { nullable: false, int64: true },
    updated_at: { nullable: false },
  },
  changes: {
    seq: { nullable: false },
    type: { nullable: false },
    product_id: { nullable: true },
    sku: { nullable: true },
    payload: { nullable: false },
    created_at: { nullable: false },
  },
  reservations: {
    id: { nullable: false },
    product_id: { nullable: false },
    location_id: { nullable: false },
    quantity: { nullable: false, int64: true },
    reference: { nullable: false },
    status: { nullable: false },
    expires_at: { nullable: true },
    created_at: { nullable: false },
    updated_at: { nullable: false },
  },
  movements: {
    id: { nullable: false },
    seq: { nullable: false },
    product_id: { nullable: false },
    location_id: { nullable: false },
    quantity: { nullable: false, int64: true },
    kind: { nullable: false },
    reason: { nullable: true },
    reference: { nullable: true },
    idempotency_key: { nullable: true },
    reservation_id: { nullable: true },
    transfer_id: { nullable: true },
    created_at: { nullable: false },
  },
  idempotency_keys: {
    key: { nullable: false },
    operation: { nullable: false },
    request_hash: { nullable: false },
    response: { nullable: false },
    created_at: { nullable: false },
  },
  settings: {
    key: { nullable: false },
    value: { nullable: false },
    updated_at: { nullable: false },
  },
  publish_state: {
    artifact: { nullable: false },
    seq: { nullable: false },
    written_at: { nullable: true },
    duration_ms: { nullable: true },
    details: { nullable: false },
    error: { nullable: true },
    updated_at: { nullable: false },
  },
  published_products: {
    product_id: { nullable: false },
    sku: { nullable: false },
    slug: { nullable: false },
    content_hash: { nullable: false },
    lastmod: { nullable: false },
    seq: { nullable: false },
    in_feed: { nullable: false },
    in_sitemap: { nullable: false },
    has_jsonld: { nullable: false },
    issue_count: { nullable: false },
    issues: { nullable: true },
    updated_at: { nullable: false },
  },
  webhook_subscriptions: {
    id: { nullable: false },
    url: { nullable: false },
    event_types: { nullable: false },
    secret: { nullable: false },
    enabled: { nullable: false },
    description: { nullable: false },
    max_attempts: { nullable: false },
    timeout_ms: { nullable: false },
    lease_owner: { nullable: true },
    lease_until: { nullable: true },
    created_at: { nullable: false },
    updated_at: { nullable: false },
  },
  webhook_deliveries: {
    id: { nullable: false },
    subscription_id: { nullable: false },
    change_seq: { nullable: false },
    event_type: { nullable: false },
    status: { nullable: false },
    attempts: { nullable: false },
    next_attempt_at: { nullable: true },
    last_attempt_at: { nullable: true },
    response_code: { nullable: true },
    duration_ms: { nullable: true },
    error: { nullable: true },
    created_at: { nullable: false },
    delivered_at: { nullable: true },
  },
  channel_orders: {
    id: { nullable: false },
    channel: { nullable: false },
    order_id: { nullable: false },
    reference: { nullable: false },
    state: { nullable: false },
    lines: { nullable: false },
    created_at: { nullable: false },
    updated_at: { nullable: false },
  },
  channel_deliveries: {
    channel: { nullable: false },
    delivery_id: { nullable: false },
    topic: { nullable: false },
    order_id: { nullable: true },
    result: { nullable: false },
    received_at: { nullable: false },
  },
  order_exceptions: {
    id: { nullable: false },
    channel: { nullable: false },
    order_id: { nullable: false },
    reference: { nullable: false },
    topic: { nullable: false },
    message: { nullable: false },
    problems: { nullable: false },
    event: { nullable: false },
    status: { nullable: false },
    resolution: { nullable: true },
    created_at: { nullable: false },
    updated_at: { nullable: false },
    resolved_at: { nullable: true },
  },
  stock_count_marks: {
    product_id: { nullable: false },
    location_id: { nullable: false },
    counted_at: { nullable: false },
    updated_at: { nullable: false },
  },
};

/** Whether a column as knex describes it holds any 64-bit integer on this engine. */
function isInt64(db: import('knex').Knex, table: string, name: string, type: string): boolean {
  if ((db.client as { dialect: string }).dialect === 'postgresql') return type === 'bigint';
  // SQLite: a declared type containing INT has INTEGER affinity, which stores 64-bit integers.
  // Only the columns the description marks are reported, since every INTEGER column would match.
  return SCHEMA[table]?.[name]?.int64 === true && /int/i.test(type);
}

/** Reads the live shape of the application tables (SQLite or PostgreSQL). */
export async function introspectSchema(
  db: import('knex').Knex,
): Promise<Record<string, Record<string, ColumnShape>>> {
  const out: Record<string, Record<string, ColumnShape>> = {};
  for (const table of Object.keys(SCHEMA)) {
    const info = await db(table).columnInfo();
    out[table] = Object.fromEntries(
      Object.entries(info).map(([name, col]) => {
        const { nullable, type } = col as { nullable: boolean; type: string };
        return [name, isInt64(db, table, name, type) ? { nullable, int64: true as const } : { nullable }];
      }),
    );
  }
  return out;
}
