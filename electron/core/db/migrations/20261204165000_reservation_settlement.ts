import type { Knex } from 'knex';

// Forward-only. Schema change only: what the order history needs to know about a reservation.
//
// - `channel`: the sales channel whose order holds it (shopify, woocommerce), NULL when it was
//   reserved through the app or the API. Filled for older reservations by the next migration.
// - `settled_by`: who fulfilled, released or expired it (the channel's webhook, `stockfeed` for a
//   person in the app or a script through the API, `expiry`); NULL while held, and for those
//   settled before this migration (nobody recorded it).
// - An index on (updated_at, status): the history walks settled reservations newest first, and a
//   reservation's updated_at is when it was settled.
//
// Safe to run twice: each column and the index are added only when missing.

const INDEX = 'reservations_updated_at_status_index';

export async function up(knex: Knex): Promise<void> {
  for (const column of ['channel', 'settled_by'] as const) {
    if (!(await knex.schema.hasColumn('reservations', column))) {
      await knex.schema.alterTable('reservations', (t) => {
        t.string(column, 16).nullable();
      });
    }
  }
  await knex.raw(`CREATE INDEX IF NOT EXISTS ${INDEX} ON reservations (updated_at, status)`);
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
