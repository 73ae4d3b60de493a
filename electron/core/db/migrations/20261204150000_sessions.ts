import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: the table is created only when missing.
// Browser sessions of the headless server (issue 14): a browser exchanges the API token once for a
// session cookie. In the database, so sessions survive a restart and work on every server sharing
// one PostgreSQL database. Only a hash of each session id is kept (see core/auth/sessions.ts).

export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('sessions')) return;
  await knex.schema.createTable('sessions', (t) => {
    // Hex SHA-256 of the id in the cookie; the id itself is never stored.
    t.string('id_hash', 64).notNullable().primary();
    // api-token | sign-in-link (accounts will add theirs).
    t.string('signed_in_with', 16).notNullable();
    // Hex HMAC-SHA256 of the API token the session was made from, keyed by the session id: the
    // session ends when the token changes, and the table alone neither holds nor confirms a token.
    t.string('token_check', 64).notNullable();
    t.string('created_at', 32).notNullable();
    t.string('last_seen_at', 32).notNullable();
    t.string('expires_at', 32).notNullable();
    // Pruning deletes by expiry.
    t.index(['expires_at']);
  });
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
