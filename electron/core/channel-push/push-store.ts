/**
 * The pusher's tables: the open pushes it reads in sequence order, the mapping rows (what each
 * channel item shows and was last sent), the drift entries and each channel's state row. Results
 * are written a batch at a time, in one statement per table, so a busy channel adds a handful of
 * statements per 250 products to the write queue rather than one per product.
 */
import type { Knex } from 'knex';
import type { PushChannel, PushReason } from '../../../shared/schemas/channel-push';
import { chunkValues, insertRows, num, type Db } from '../util/db-helpers';
import type { ChannelItem, FoundItem } from './channel-adapter';

export type PushRow = {
  id: number;
  productId: string;
  sku: string;
  seq: number;
  /** Changes folded in when it was read. */
  changeCount: number;
  attempts: number;
  reason: PushReason;
  nextAttemptAt: string | null;
};

/** A slot (Shopify location gid, '' for a product-level quantity) and the quantity pushed to it. */
export type RecentPush = { slot: string; value: number | null; at: string };

/** A mapping row with everything the pusher reads and writes. `externalId` is '' when the channel has no such item. */
export type ItemState = ChannelItem & {
  channel: PushChannel;
  absent: boolean;
  pushed: unknown;
  recent: RecentPush[];
  pushedAt: string | null;
  sendsDay: string | null;
  sendsCount: number;
  checkedAt: string;
};

type RawPush = { id: number | string; product_id: string; sku: string; change_seq: number | string; change_count: number | string; attempts: number | string; reason: string; next_attempt_at: string | null };

type RawItem = {
  channel: string;
  product_id: string;
  sku: string;
  external_id: string | null;
  parent_id: string | null;
  external: string | null;
  known: string | null;
  pushed: string | null;
  recent: string;
  pushed_at: string | null;
  sends_day: string | null;
  sends_count: number | string;
  checked_at: string;
};

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** Open pushes that are due, oldest change first. */
export async function duePushes(db: Db, channel: PushChannel, now: string, limit: number): Promise<PushRow[]> {
  const rows = (await db('channel_pushes')
    .select('id', 'product_id', 'sku', 'change_seq', 'change_count', 'attempts', 'reason', 'next_attempt_at')
    .where({ channel, status: 'pending' })
    .andWhere((w) => w.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
    .orderBy([{ column: 'change_seq' }, { column: 'id' }])
    .limit(limit)) as RawPush[];
  return rows.map((r) => ({
    id: num(r.id),
    productId: r.product_id,
    sku: r.sku,
    seq: num(r.change_seq),
    changeCount: num(r.change_count),
    attempts: num(r.attempts),
    reason: r.reason as PushReason,
    nextAttemptAt: r.next_attempt_at,
  }));
}

/** When the earliest waiting push is due (null: nothing waits). */
export async function nextDue(db: Db, channel: PushChannel): Promise<string | null> {
  const row = (await db('channel_pushes').where({ channel, status: 'pending' }).min({ at: 'next_attempt_at' }).first()) as { at: string | null } | undefined;
  return row?.at ?? null;
}

function toState(r: RawItem): ItemState {
  return {
    channel: r.channel as PushChannel,
    productId: r.product_id,
    sku: r.sku,
    externalId: r.external_id ?? '',
    absent: r.external_id === null,
    parentId: r.parent_id,
    external: json(r.external) as Record<string, unknown> | null,
    known: json(r.known),
    pushed: json(r.pushed),
    recent: json(r.recent) as RecentPush[],
    pushedAt: r.pushed_at,
    sendsDay: r.sends_day,
    sendsCount: num(r.sends_count),
    checkedAt: r.checked_at,
  };
}

export async function loadItems(db: Db, channel: PushChannel, productIds: string[]): Promise<Map<string, ItemState>> {
  const out = new Map<string, ItemState>();
  for (const chunk of chunkValues(productIds, 5_000)) {
    const rows = (await db('channel_items').where({ channel }).whereIn('product_id', chunk)) as RawItem[];
    for (const r of rows) out.set(r.product_id, toState(r));
  }
  return out;
}

/** Every mapped item of a channel (the drift check), in product id order. */
export async function mappedItems(db: Db, channel: PushChannel): Promise<ItemState[]> {
  const rows = (await db('channel_items').where({ channel }).whereNotNull('external_id').orderBy('product_id')) as RawItem[];
  return rows.map(toState);
}

/** A fresh mapping row for an item found in the channel (or, with `found` null, for one it does not have). */
export function newItem(channel: PushChannel, productId: string, sku: string, found: FoundItem | null, now: string, previous?: ItemState): ItemState {
  const same = previous && found && !previous.absent && previous.externalId === found.externalId;
  return {
    channel,
    productId,
    sku,
    externalId: found?.externalId ?? '',
    absent: found === null,
    parentId: found?.parentId ?? null,
    external: found?.external ?? null,
    known: found?.known ?? null,
    // Another item (or none) under the SKU: what was pushed to the old one says nothing about this one.
    pushed: same ? previous.pushed : null,
    recent: same ? previous.recent : [],
    pushedAt: same ? previous.pushedAt : null,
    sendsDay: same ? previous.sendsDay : null,
    sendsCount: same ? previous.sendsCount : 0,
    checkedAt: now,
  };
}

/** Writes mapping rows (insert or update), one statement per 500. */
export async function saveItems(trx: Knex.Transaction, items: ItemState[], now: string): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((i) => ({
    channel: i.channel,
    product_id: i.productId,
    sku: i.sku,
    external_id: i.absent ? null : i.externalId,
    parent_id: i.parentId,
    external: i.external === null ? null : JSON.stringify(i.external),
    known: i.known === null || i.known === undefined ? null : JSON.stringify(i.known),
    pushed: i.pushed === null || i.pushed === undefined ? null : JSON.stringify(i.pushed),
    recent: JSON.stringify(i.recent),
    pushed_at: i.pushedAt,
    sends_day: i.sendsDay,
    sends_count: i.sendsCount,
    checked_at: i.checkedAt,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 400) {
    await trx('channel_items')
      .insert(rows.slice(i, i + 400))
      .onConflict(['channel', 'product_id'])
      .merge();
  }
}

export type PushUpdate = {
  id: number;
  /** The sequence the push was read at: a push a newer change moved is left for the next round. */
  seq: number;
  status: 'pending' | 'parked' | 'sent';
  attempts: number;
  next_attempt_at: string | null;
  value: string | null;
  error: string | null;
  sent_at: string | null;
};

const COLUMNS: Array<[keyof Omit<PushUpdate, 'id' | 'seq'>, 'INTEGER' | 'VARCHAR']> = [
  ['status', 'VARCHAR'],
  ['attempts', 'INTEGER'],
  ['next_attempt_at', 'VARCHAR'],
  ['value', 'VARCHAR'],
  ['error', 'VARCHAR'],
  ['sent_at', 'VARCHAR'],
];

/** Records the outcome of pushes (a CASE per column), only where the push is still the one that was read. */
export async function settlePushes(trx: Knex.Transaction, updates: PushUpdate[], now: string): Promise<void> {
  for (let i = 0; i < updates.length; i += 300) {
    const chunk = updates.slice(i, i + 300);
    const bindings: Knex.RawBinding[] = [];
    const sets = COLUMNS.map(([column, type]) => {
      const whens = chunk.map((u) => {
        bindings.push(u.id, u[column]);
        return `WHEN ? THEN CAST(? AS ${type})`;
      });
      return `${column} = CASE id ${whens.join(' ')} END`;
    });
    bindings.push(now);
    const seqWhens = chunk.map((u) => {
      bindings.push(u.id, u.seq);
      return 'WHEN ? THEN CAST(? AS INTEGER)';
    });
    bindings.push(...chunk.map((u) => u.id));
    await trx.raw(
      `UPDATE channel_pushes SET ${sets.join(', ')}, updated_at = ?
       WHERE status = 'pending' AND change_seq = CASE id ${seqWhens.join(' ')} END AND id IN (${chunk.map(() => '?').join(', ')})`,
      bindings,
    );
  }
}

export type SentPush = { id: number; seq: number; changeCount: number; attempts: number; value: string };

/**
 * Records pushes that reached the channel. A push a newer change moved while it was on its way is
 * recorded as sent for what it carried, and the newer changes continue in a new pending push (its
 * value is computed again: the one sent may be older).
 */
export async function markSent(trx: Knex.Transaction, channel: PushChannel, sent: SentPush[], now: string): Promise<void> {
  if (sent.length === 0) return;
  const current = new Map<number, RawPush & { channel: string }>();
  for (const chunk of chunkValues(sent.map((s) => s.id), 5_000)) {
    const rows = (await trx('channel_pushes').select('id', 'channel', 'product_id', 'sku', 'change_seq', 'change_count', 'reason').whereIn('id', chunk).andWhere('status', 'pending')) as Array<RawPush & { channel: string }>;
    for (const r of rows) current.set(num(r.id), r);
  }
  const updates: Array<SentPush & { seqNow: number }> = [];
  const continued: Array<Record<string, unknown>> = [];
  for (const s of sent) {
    const row = current.get(s.id);
    if (!row) continue;
    updates.push({ ...s, seqNow: num(row.change_seq) });
    if (num(row.change_seq) !== s.seq) {
      continued.push({
        channel,
        product_id: row.product_id,
        sku: row.sku,
        change_seq: num(row.change_seq),
        reason: 'change',
        status: 'pending',
        attempts: 0,
        change_count: Math.max(0, num(row.change_count) - s.changeCount),
        next_attempt_at: null,
        created_at: now,
        updated_at: now,
      });
    }
  }
  for (let i = 0; i < updates.length; i += 300) {
    const chunk = updates.slice(i, i + 300);
    const bindings: Knex.RawBinding[] = [];
    const column = (pick: (u: SentPush) => string | number, type: 'INTEGER' | 'VARCHAR') =>
      `CASE id ${chunk
        .map((u) => {
          bindings.push(u.id, pick(u));
          return `WHEN ? THEN CAST(? AS ${type})`;
        })
        .join(' ')} END`;
    const sets = [
      `change_seq = ${column((u) => u.seq, 'INTEGER')}`,
      `change_count = ${column((u) => u.changeCount, 'INTEGER')}`,
      `attempts = ${column((u) => u.attempts, 'INTEGER')}`,
      `value = ${column((u) => u.value, 'VARCHAR')}`,
    ];
    bindings.push(now, now, ...chunk.map((u) => u.id));
    await trx.raw(
      `UPDATE channel_pushes SET ${sets.join(', ')}, status = 'sent', error = NULL, next_attempt_at = NULL, sent_at = ?, updated_at = ?
       WHERE status = 'pending' AND id IN (${chunk.map(() => '?').join(', ')})`,
      bindings,
    );
  }
  await insertRows(trx, 'channel_pushes', continued);
}

/** Removes pushes that needed no call (the channel already shows the value, or has no such item). */
export async function dropPushes(trx: Knex.Transaction, rows: Array<{ id: number; seq: number }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 400) {
    const chunk = rows.slice(i, i + 400);
    const bindings: Knex.RawBinding[] = [];
    const whens = chunk.map((r) => {
      bindings.push(r.id, r.seq);
      return 'WHEN ? THEN CAST(? AS INTEGER)';
    });
    bindings.push(...chunk.map((r) => r.id));
    await trx.raw(
      `DELETE FROM channel_pushes WHERE status = 'pending' AND change_seq = CASE id ${whens.join(' ')} END AND id IN (${chunk.map(() => '?').join(', ')})`,
      bindings,
    );
  }
}

export type DriftRecord = {
  channel: PushChannel;
  productId: string;
  sku: string;
  channelValue: string;
  stockfeedValue: string;
  source: 'echo' | 'reconcile' | 'compare';
  correctedAt: string | null;
};

export async function recordDrift(trx: Knex.Transaction, entries: DriftRecord[], now: string): Promise<void> {
  await insertRows(
    trx,
    'channel_drift',
    entries.map((e) => ({
      channel: e.channel,
      product_id: e.productId,
      sku: e.sku,
      channel_value: e.channelValue.slice(0, 200),
      stockfeed_value: e.stockfeedValue.slice(0, 200),
      source: e.source,
      found_at: now,
      corrected_at: e.correctedAt,
    })),
  );
}

export type StateRow = {
  channel: string;
  lease_owner: string | null;
  lease_until: string | null;
  config: string | null;
  connected_at: string | null;
  report: string | null;
  last_push_at: string | null;
  last_push_seq: number | string | null;
  last_error: string | null;
  last_error_at: string | null;
  failures: number | string;
  retry_at: string | null;
  echoes_ignored: number | string;
  last_reconcile_at: string | null;
  updated_at: string;
};

/** The channel's state row, created on first use. */
export async function stateOf(trx: Knex.Transaction, channel: PushChannel, now: string): Promise<StateRow> {
  const row = (await trx('channel_state').where({ channel }).first()) as StateRow | undefined;
  if (row) return row;
  const fresh = {
    channel,
    lease_owner: null,
    lease_until: null,
    config: null,
    connected_at: null,
    report: null,
    last_push_at: null,
    last_push_seq: null,
    last_error: null,
    last_error_at: null,
    failures: 0,
    retry_at: null,
    echoes_ignored: 0,
    last_reconcile_at: null,
    updated_at: now,
  };
  await trx('channel_state').insert(fresh);
  return fresh;
}

export async function updateState(trx: Knex.Transaction, channel: PushChannel, now: string, fields: Partial<Omit<StateRow, 'channel'>>): Promise<void> {
  await stateOf(trx, channel, now);
  await trx('channel_state').where({ channel }).update({ ...fields, updated_at: now });
}

/** Sent pushes are kept a week for the push log. */
export async function pruneSent(trx: Knex.Transaction, channel: PushChannel, before: string): Promise<void> {
  await trx('channel_pushes').where({ channel, status: 'sent' }).andWhere('sent_at', '<', before).delete();
}
