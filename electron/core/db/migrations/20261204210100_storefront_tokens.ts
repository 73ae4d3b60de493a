import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: the table is created only when missing.
// Storefront tokens (issue 20): read-only tokens a shop's storefront uses to ask for availability,
// so it never holds the owner's API token. Only a hash of each token is kept; the token is shown
// once, when it is made.

export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('storefront_tokens')) return;
  await knex.schema.createTable('storefront_tokens', (t) => {
    t.string('id', 36).notNullable().primary();
    t.string('name', 100).notNullable();
    // Hex SHA-256 of the token (256 random bits: a fast hash is enough, nobody guesses one).
    t.string('token_hash', 64).notNullable().unique();
    t.string('created_at', 32).notNullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
