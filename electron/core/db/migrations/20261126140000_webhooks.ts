import type { Knex } from 'knex';

// Forward-only. Never edit this file once merged: add a new migration instead.
// Safe to run twice: each table is created only when missing (a guard added after merge: the
// accepted exception to "never edit", since a first run still creates exactly what it always did).
// Outgoing webhooks: subscriptions, and the durable delivery queue (the outbox) that the write path
// fills in the same transaction as the change it delivers.

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('webhook_subscriptions'))) {
    await knex.schema.createTable('webhook_subscriptions', (t) => {
      t.string('id', 36).notNullable().primary();
      t.text('url').notNullable();
      // JSON array of change types; [] means every type.
      t.text('event_types').notNullable();
      t.string('secret', 200).notNullable();
      t.boolean('enabled').notNullable();
      t.string('description', 200).notNullable();
      t.integer('max_attempts').notNullable();
      t.integer('timeout_ms').notNullable();
      // Which process sends this subscription's deliveries, until when: one sender per subscription
      // keeps them in order when several processes share the database.
      t.string('lease_owner', 64).nullable();
      t.string('lease_until', 32).nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
    });
  }

  if (!(await knex.schema.hasTable('webhook_deliveries'))) {
    await knex.schema.createTable('webhook_deliveries', (t) => {
      // Insert order is change order per subscription: the worker sends each subscription's pending
      // deliveries by ascending id.
      t.increments('id').primary();
      t.string('subscription_id', 36).notNullable().references('id').inTable('webhook_subscriptions');
      t.integer('change_seq').notNullable().references('seq').inTable('changes');
      t.string('event_type', 40).notNullable();
      t.string('status', 16).notNullable();
      t.integer('attempts').notNullable();
      t.string('next_attempt_at', 32).nullable();
      t.string('last_attempt_at', 32).nullable();
      t.integer('response_code').nullable();
      t.integer('duration_ms').nullable();
      t.string('error', 500).nullable();
      t.string('created_at', 32).notNullable();
      t.string('delivered_at', 32).nullable();
      t.index(['subscription_id', 'status', 'id']);
      t.index(['status', 'id']);
    });
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
