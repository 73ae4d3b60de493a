import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: the table is created only when missing.
// Leases (issue 20): several servers share one PostgreSQL database, and some work must be done by
// one of them at a time (publishing the files; later, channel pushes). The server named in a lease
// does it until the lease runs out; it renews it long before, and another takes over after a crash.

export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('leases')) return;
  await knex.schema.createTable('leases', (t) => {
    // What the lease is for: `publisher`, …
    t.string('name', 64).notNullable().primary();
    // The server holding it (host name, process id and a random part).
    t.string('holder', 128).notNullable();
    t.string('acquired_at', 32).notNullable();
    t.string('expires_at', 32).notNullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
