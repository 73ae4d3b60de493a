import type { Knex } from 'knex';

// Forward-only. Data change only: a GTIN stored as empty text (or blanks) becomes NULL.
//
// "No barcode" is NULL everywhere the app writes, but an earlier import or a hand edit could leave
// ''. The unique index on GTINs (next migration) ignores NULLs; two '' would count as one shared
// barcode and keep the index from being built. Safe to run twice: a second run finds no such row.
// One statement: it touches only the few rows it fixes.

export async function up(knex: Knex): Promise<void> {
  await knex('products').whereNotNull('gtin').andWhereRaw("trim(gtin) = ''").update({ gtin: null });
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
