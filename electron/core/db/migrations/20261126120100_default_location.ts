import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

// Data migration, kept apart from the schema migration (Ghost's rule). Safe to run twice.

export async function up(knex: Knex): Promise<void> {
  const existing = await knex('locations').where({ code: 'main' }).first();
  if (existing) return;
  await knex('locations').insert({
    id: randomUUID(),
    code: 'main',
    name: 'Main warehouse',
    sells_online: true,
    created_at: new Date().toISOString(),
  });
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
