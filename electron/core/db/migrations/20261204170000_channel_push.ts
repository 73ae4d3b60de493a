import type { Knex } from 'knex';

// Forward-only. Stock pushed to the sales channels (Shopify, WooCommerce, Google Merchant Center):
// which channel item each product is (the mapping), the durable outbox of pushes the write path
// fills in the same transaction as the change, each channel's sender state (lease, last push, last
// error) and the drift report. Safe to run twice: each table is created only when missing.

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('channel_items'))) {
    await knex.schema.createTable('channel_items', (t) => {
      t.string('channel', 16).notNullable();
      // No foreign key: a product deleted later leaves a mapping the pusher drops, never a blocked delete.
      t.string('product_id', 36).notNullable();
      t.string('sku', 50).notNullable();
      // The channel's id of the item (Shopify inventory item gid, WooCommerce product or variation
      // id, Google offer id); null when the channel has no item with the SKU (looked up, not found).
      t.string('external_id', 200).nullable();
      // WooCommerce: the variable product of a variation.
      t.string('parent_id', 64).nullable();
      // JSON: what else addresses the item (Google's content language and feed label).
      t.text('external').nullable();
      // JSON: the value the channel shows as far as Stockfeed knows (after a push, a read or an echo).
      t.text('known').nullable();
      // JSON: the value Stockfeed last pushed and the channel accepted; null before the first push.
      t.text('pushed').nullable();
      // JSON: the last few values pushed, with when, so a late echo of an older push is still an echo.
      t.text('recent').notNullable();
      t.string('pushed_at', 32).nullable();
      // Google's two-updates-a-day policy: the UTC day and how many updates were sent on it.
      t.string('sends_day', 10).nullable();
      t.integer('sends_count').notNullable();
      t.string('checked_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.primary(['channel', 'product_id']);
      t.index(['channel', 'external_id']);
    });
  }

  if (!(await knex.schema.hasTable('channel_pushes'))) {
    await knex.schema.createTable('channel_pushes', (t) => {
      t.increments('id').primary();
      t.string('channel', 16).notNullable();
      t.string('product_id', 36).notNullable();
      t.string('sku', 50).notNullable();
      // The newest change that queued this push: pushes go out in this order, and a push whose
      // sequence moved while it was being sent is sent again (its value was read before the change).
      t.integer('change_seq').notNullable();
      // change | echo | reconcile | connect | retry
      t.string('reason', 16).notNullable();
      // pending | parked | sent
      t.string('status', 16).notNullable();
      t.integer('attempts').notNullable();
      // How many changes were folded into this one push (coalescing).
      t.integer('change_count').notNullable();
      t.string('next_attempt_at', 32).nullable();
      // JSON: the value sent (null until sent).
      t.text('value').nullable();
      t.string('error', 500).nullable();
      t.string('created_at', 32).notNullable();
      t.string('updated_at', 32).notNullable();
      t.string('sent_at', 32).nullable();
      t.index(['channel', 'status', 'change_seq']);
      t.index(['channel', 'status', 'id']);
    });
    // One open push per product and channel: a burst of changes coalesces into it (last value wins).
    await knex.raw(`CREATE UNIQUE INDEX channel_pushes_open_unique ON channel_pushes (channel, product_id) WHERE status <> 'sent'`);
  }

  if (!(await knex.schema.hasTable('channel_state'))) {
    await knex.schema.createTable('channel_state', (t) => {
      t.string('channel', 16).notNullable().primary();
      // One sender per channel when several processes share the database.
      t.string('lease_owner', 64).nullable();
      t.string('lease_until', 32).nullable();
      // A fingerprint of the settings the pushed values depend on; a new one queues every item again.
      t.string('config', 64).nullable();
      t.string('connected_at', 32).nullable();
      // JSON: the last match report of Connect.
      t.text('report').nullable();
      t.string('last_push_at', 32).nullable();
      t.integer('last_push_seq').nullable();
      t.string('last_error', 500).nullable();
      t.string('last_error_at', 32).nullable();
      // Consecutive failures of the channel itself (unreachable, throttled, refused); 0 when it answers.
      t.integer('failures').notNullable();
      t.string('retry_at', 32).nullable();
      t.integer('echoes_ignored').notNullable();
      t.string('last_reconcile_at', 32).nullable();
      t.string('updated_at', 32).notNullable();
    });
  }

  if (!(await knex.schema.hasTable('channel_drift'))) {
    await knex.schema.createTable('channel_drift', (t) => {
      t.increments('id').primary();
      t.string('channel', 16).notNullable();
      t.string('product_id', 36).notNullable();
      t.string('sku', 50).notNullable();
      // What the channel showed and what Stockfeed holds, as a person reads them ("7", "in stock, 12.50 EUR").
      t.string('channel_value', 200).notNullable();
      t.string('stockfeed_value', 200).notNullable();
      // echo (a webhook from the channel) | reconcile (the drift check) | compare (a stale compare-and-swap)
      t.string('source', 16).notNullable();
      t.string('found_at', 32).notNullable();
      // When Stockfeed's value reached the channel (null while the correction waits or failed).
      t.string('corrected_at', 32).nullable();
      t.index(['channel', 'id']);
    });
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
