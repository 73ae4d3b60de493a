/**
 * The push outbox: a row per product and channel in `channel_pushes`, written in the same
 * transaction as the change that alters what the channel should show (an AppendHook on the write
 * queue, as webhook deliveries are), so a crash or an outage loses nothing. A burst of changes
 * coalesces in the table: one open push per product and channel (a partial unique index), whose
 * sequence moves to the newest change. The value is not stored here: the pusher computes it from
 * the database when it sends, so it is never stale, and the last value always wins.
 */
import type { Knex } from 'knex';
import type { Change } from '../../../shared/schemas/changes';
import type { PushChannel, PushReason } from '../../../shared/schemas/channel-push';
import type { ChangeBus } from '../changes/change-log';
import type { AppendHook } from '../write-queue';

/** Changes that can alter a product's online quantity, availability or price. */
const TRIGGERS = new Set(['stock.changed', 'reservation.changed', 'product.created', 'product.updated', 'availability.changed']);

/** A product the channel had no item for is looked up again after this long (it may have been added there). */
export const ABSENT_RECHECK_MS = 10 * 60 * 1000;

/** `count`: the changes this request stands for (1 when absent), for the coalescing figures. */
export type PushRequest = { channel: PushChannel; productId: string; sku: string; seq: number; count?: number };

/** Rows per statement: 11 parameters each. */
const CHUNK = 400;

/**
 * Queues pushes, coalescing into the open push of each product and channel. A change sends at once
 * (clearing a wait for a retry or for Google's budget: the new value may not wait); an echo waits
 * `notBefore` unless a push is already due; a parked push stays parked (Retry sends it).
 */
export async function queuePushes(trx: Knex.Transaction, requests: PushRequest[], reason: PushReason, now: string, notBefore: string | null = null): Promise<void> {
  // One row per product and channel per statement: PostgreSQL refuses to update a row twice in one upsert.
  const unique = new Map<string, PushRequest>();
  for (const r of requests) {
    const key = `${r.channel}:${r.productId}`;
    const seen = unique.get(key);
    if (!seen) unique.set(key, r);
    else unique.set(key, { ...(seen.seq < r.seq ? r : seen), count: (seen.count ?? 1) + (r.count ?? 1) });
  }
  const rows = [...unique.values()];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const bindings: Knex.RawBinding[] = [];
    const values = chunk.map((r) => {
      bindings.push(r.channel, r.productId, r.sku, r.seq, reason, reason === 'change' ? (r.count ?? 1) : 0, notBefore, now, now);
      return `(?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`;
    });
    await trx.raw(
      `INSERT INTO channel_pushes (channel, product_id, sku, change_seq, reason, status, attempts, change_count, next_attempt_at, created_at, updated_at)
       VALUES ${values.join(', ')}
       ON CONFLICT (channel, product_id) WHERE status <> 'sent' DO UPDATE SET
         change_seq = CASE WHEN excluded.change_seq > channel_pushes.change_seq THEN excluded.change_seq ELSE channel_pushes.change_seq END,
         sku = excluded.sku,
         reason = CASE WHEN channel_pushes.status = 'parked' OR excluded.reason = 'echo' OR channel_pushes.reason IN ('echo', 'reconcile') THEN channel_pushes.reason ELSE excluded.reason END,
         change_count = channel_pushes.change_count + excluded.change_count,
         next_attempt_at = CASE WHEN excluded.reason = 'echo' THEN channel_pushes.next_attempt_at ELSE NULL END,
         updated_at = excluded.updated_at`,
      bindings,
    );
  }
}

/** Queues a push for every product mapped to the channel (push switched on, a location mapped, Connect). */
export async function queueMapped(trx: Knex.Transaction, channel: PushChannel, seq: number, reason: PushReason, now: string): Promise<number> {
  let queued = 0;
  let after = '';
  for (;;) {
    const rows = (await trx('channel_items')
      .select('product_id', 'sku')
      .where({ channel })
      .whereNotNull('external_id')
      .andWhere('product_id', '>', after)
      .orderBy('product_id')
      .limit(CHUNK * 5)) as Array<{ product_id: string; sku: string }>;
    if (rows.length === 0) return queued;
    after = (rows[rows.length - 1] as { product_id: string }).product_id;
    await queuePushes(trx, rows.map((r) => ({ channel, productId: r.product_id, sku: r.sku, seq })), reason, now);
    queued += rows.length;
  }
}

/**
 * The write-path half: an AppendHook that queues a push for every channel that is pushing, for
 * each product a committed change touched. It costs nothing while no channel pushes, and one read
 * (products known to be absent from a channel are left out) plus one upsert per batch when one does.
 */
export class PushOutbox {
  private queued = new Set<PushChannel>();
  private listeners: Array<(channels: PushChannel[]) => void> = [];

  constructor(
    queue: { addAppendHook(hook: AppendHook): void },
    bus: ChangeBus,
    /** The channels whose push is on and configured, read from the settings cache. */
    private readonly pushing: () => PushChannel[],
  ) {
    queue.addAppendHook(
      Object.assign((trx: Knex.Transaction, now: string, changes: Change[]) => this.onAppend(trx, now, changes), {
        // No statement at all while no channel is pushing.
        idleFor: () => this.pushing().length === 0,
      }),
    );
    // After the commit: the channels that got pushes are woken (a rolled-back batch wakes them for nothing).
    bus.subscribe(() => {
      if (this.queued.size === 0) return;
      const channels = [...this.queued];
      this.queued.clear();
      for (const listener of this.listeners) listener(channels);
    });
  }

  onQueued(listener: (channels: PushChannel[]) => void): void {
    this.listeners.push(listener);
  }

  private async onAppend(trx: Knex.Transaction, now: string, changes: Change[]): Promise<void> {
    const channels = this.pushing();
    if (channels.length === 0) return;
    const latest = new Map<string, { sku: string; seq: number; count: number }>();
    for (const c of changes) {
      if (!c.productId || !c.sku || !TRIGGERS.has(c.type)) continue;
      // availability.changed follows a stock or product change of the same product: not a change of its own.
      const count = (latest.get(c.productId)?.count ?? 0) + (c.type === 'availability.changed' ? 0 : 1);
      latest.set(c.productId, { sku: c.sku, seq: c.seq, count });
    }
    if (latest.size === 0) return;
    const ids = [...latest.keys()];
    const cutoff = new Date(Date.parse(now) - ABSENT_RECHECK_MS).toISOString();
    const absent = new Set<string>();
    for (let i = 0; i < ids.length; i += 5_000) {
      const rows = (await trx('channel_items')
        .select('channel', 'product_id')
        .whereIn('channel', channels)
        .whereIn('product_id', ids.slice(i, i + 5_000))
        .whereNull('external_id')
        .andWhere('checked_at', '>', cutoff)) as Array<{ channel: string; product_id: string }>;
      for (const r of rows) absent.add(`${r.channel}:${r.product_id}`);
    }
    const requests: PushRequest[] = [];
    for (const channel of channels) {
      for (const [productId, { sku, seq, count }] of latest) if (!absent.has(`${channel}:${productId}`)) requests.push({ channel, productId, sku, seq, count });
    }
    if (requests.length === 0) return;
    await queuePushes(trx, requests, 'change', now);
    for (const r of requests) this.queued.add(r.channel);
  }
}
