import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: each column is added only when missing.
// Who made each change (issue 20): a person's account, the API token, a sales channel's webhook or
// Stockfeed itself, on every change-log entry and every movement. Rows written before this stay
// null ("not recorded"): nobody can say now who made them.

const COLUMNS = ['actor_kind', 'actor_id', 'actor_name'] as const;

async function addActor(knex: Knex, table: string): Promise<void> {
  const missing: string[] = [];
  for (const column of COLUMNS) if (!(await knex.schema.hasColumn(table, column))) missing.push(column);
  if (missing.length === 0) return;
  await knex.schema.alterTable(table, (t) => {
    // user | token | channel | system
    if (missing.includes('actor_kind')) t.string('actor_kind', 16).nullable();
    // The account's id, or the channel's name (shopify, woocommerce).
    if (missing.includes('actor_id')) t.string('actor_id', 64).nullable();
    // The name as it was then (an account renamed or removed later still reads right here).
    if (missing.includes('actor_name')) t.string('actor_name', 100).nullable();
  });
}

export async function up(knex: Knex): Promise<void> {
  await addActor(knex, 'changes');
  await addActor(knex, 'movements');
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
