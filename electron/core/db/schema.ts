/**
 * The final shape of every table, as the migrations leave it. `tests/integration/schema.test.ts`
 * compares a freshly migrated database with this description, so a schema change without a
 * migration (or a migration without updating this file) fails the build.
 */
export type ColumnShape = { nullable: boolean };

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
    price_minor: { nullable: false },
    sale_price_minor: { nullable: true },
    currency: { nullable: false },
    slug: { nullable: false },
    image_url: { nullable: true },
    additional_image_urls: { nullable: false },
    status: { nullable: false },
    item_group_id: { nullable: true },
    allow_backorder: { nullable: false },
    preorder_date: { nullable: true },
    buffer_stock: { nullable: true },
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
    on_hand: { nullable: false },
    committed: { nullable: false },
    incoming: { nullable: false },
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
    quantity: { nullable: false },
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
    quantity: { nullable: false },
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
};

/** Reads the live shape of the application tables (SQLite or PostgreSQL). */
export async function introspectSchema(
  db: import('knex').Knex,
): Promise<Record<string, Record<string, ColumnShape>>> {
  const out: Record<string, Record<string, ColumnShape>> = {};
  for (const table of Object.keys(SCHEMA)) {
    const info = await db(table).columnInfo();
    out[table] = Object.fromEntries(
      Object.entries(info).map(([name, col]) => [name, { nullable: (col as { nullable: boolean }).nullable }]),
    );
  }
  return out;
}
