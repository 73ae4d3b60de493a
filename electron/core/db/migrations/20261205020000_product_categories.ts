import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: each column is added only when missing.
// Issue 19 (GEO/SEO): the shop's own category path (`Home > Kitchen > Mugs`, the feed's
// product_type and the collections' source) and Google's product taxonomy (an id such as 4 or a
// path), both optional. 750 characters is the Merchant feed's limit for both attributes. Existing
// products stay without either (null): nobody can say now which category they belong to.

export async function up(knex: Knex): Promise<void> {
  const missingType = !(await knex.schema.hasColumn('products', 'product_type'));
  const missingGoogle = !(await knex.schema.hasColumn('products', 'google_product_category'));
  if (missingType || missingGoogle) {
    await knex.schema.alterTable('products', (t) => {
      if (missingType) t.string('product_type', 750).nullable();
      if (missingGoogle) t.string('google_product_category', 750).nullable();
    });
  }
  // The collections of a category are read by the category's path prefix (publish/collections.ts).
  await knex.raw('CREATE INDEX IF NOT EXISTS products_product_type_index ON products (product_type)');
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
