import type { Knex } from 'knex';

// Forward-only. Schema change only: one product per barcode, enforced by a unique index.
//
// The key is the GTIN without its leading zeros, which is equal exactly when the GTIN-14s are
// equal (UPC-A 012345678905 and EAN-13 0012345678905 are one barcode); partial, so the many
// products without a GTIN (NULL) are left out. The same statement on SQLite and PostgreSQL.
//
// A table in which products already share a barcode cannot take the index. Then this migration
// leaves it out rather than failing the upgrade and locking the shop out of its data; the check
// that runs after the migrations at every start (db/gtin-uniqueness.ts) reports each shared GTIN
// and adds the index once they are fixed. Safe to run twice: IF NOT EXISTS.

export async function up(knex: Knex): Promise<void> {
  const shared = await knex('products')
    .select(knex.raw("ltrim(gtin, '0') as gtin_key"))
    .whereNotNull('gtin')
    .groupByRaw("ltrim(gtin, '0')")
    .havingRaw('count(*) > 1')
    .first();
  if (shared) return;
  await knex.raw("CREATE UNIQUE INDEX IF NOT EXISTS products_gtin_unique ON products (ltrim(gtin, '0')) WHERE gtin IS NOT NULL");
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
