/**
 * One round of a channel's lane: a page of due pushes, oldest change first. Products not mapped yet
 * are looked up by SKU (new products in either place are matched here); each value is computed
 * from the database now (never a stale one); a product the channel already shows right needs no
 * call; Google's daily budget may hold a push back; the rest go out in batches, and the round's
 * outcome is recorded in one transaction with one `channel.synced` entry (none when nothing was sent).
 */
import { createHash } from 'node:crypto';
import { utcToday } from '../../../shared/domain/availability';
import type { PushChannel } from '../../../shared/schemas/channel-push';
import type { NewChange } from '../changes/change-log';
import type { SummaryContext } from '../stock/stock-summary';
import { retryDelayMs } from '../util/backoff';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import type { ChannelAdapter, FoundItem, SendOutcome } from './channel-adapter';
import { ChannelError } from './channel-http';
import { loadFacts } from './facts';
import { ABSENT_RECHECK_MS } from './outbox';
import {
  dropPushes,
  loadItems,
  markSent,
  newItem,
  recordDrift,
  saveItems,
  settlePushes,
  updateState,
  type DriftRecord,
  type ItemState,
  type PushRow,
  type PushUpdate,
  type RecentPush,
  type SentPush,
} from './push-store';
import { describeValue, sameValue } from './values';

export type RoundDeps = {
  db: Db;
  queue: ExclusiveWriter;
  summary: SummaryContext;
  /** Failures of one push before it is parked. */
  maxAttempts: number;
  /** First retry delay of a push the channel refused; doubles per attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
};

export type RoundResult = { sent: number; calls: number; settled: number; stopped: ChannelError | null };

type Send = { row: PushRow; item: ItemState; value: unknown; drift: boolean; knownBefore: unknown };

/** Echo slots are remembered this long, and at most this many per item. */
const RECENT_MS = 15 * 60 * 1000;
const RECENT_MAX = 16;

export function rememberPushes(recent: RecentPush[], slots: Array<{ slot: string; value: number | null }>, now: string): RecentPush[] {
  const cutoff = new Date(Date.parse(now) - RECENT_MS).toISOString();
  return [...recent.filter((r) => r.at > cutoff), ...slots.map((s) => ({ ...s, at: now }))].slice(-RECENT_MAX);
}

/** Batches of pushes whose weights (Shopify: locations per item) fit the channel's call. */
function batches(sends: Send[], adapter: ChannelAdapter): Send[][] {
  const out: Send[][] = [];
  let current: Send[] = [];
  let weight = 0;
  for (const send of sends) {
    const w = adapter.weight(send.value);
    if (current.length > 0 && weight + w > adapter.capacity) {
      out.push(current);
      current = [];
      weight = 0;
    }
    current.push(send);
    weight += w;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export async function pushRound(deps: RoundDeps, channel: PushChannel, adapter: ChannelAdapter, rows: PushRow[], signal: AbortSignal): Promise<RoundResult> {
  const ids = [...new Set(rows.map((r) => r.productId))];
  const [items, facts] = await Promise.all([loadItems(deps.db, channel, ids), loadFacts(deps.db, ids)]);
  const now = new Date().toISOString();
  const recheck = new Date(Date.now() - ABSENT_RECHECK_MS).toISOString();
  const changedItems = new Map<string, ItemState>();
  let calls = 0;

  // Products the channel has not been asked about (or whose SKU changed, or not for an hour): look them up.
  const unknown = ids.filter((id) => {
    const product = facts.products.get(id);
    const item = items.get(id);
    return product && (!item || item.sku !== product.sku || (item.absent && item.checkedAt < recheck));
  });
  if (unknown.length > 0) {
    const skus = unknown.map((id) => (facts.products.get(id) as { sku: string }).sku);
    let lookup: { found: Map<string, FoundItem>; calls: number };
    try {
      lookup = await adapter.lookup(skus, signal);
    } catch (error) {
      if (error instanceof ChannelError) return { sent: 0, calls, settled: 0, stopped: error };
      throw error;
    }
    calls += lookup.calls;
    for (const id of unknown) {
      const sku = (facts.products.get(id) as { sku: string }).sku;
      const state = newItem(channel, id, sku, lookup.found.get(sku) ?? null, now, items.get(id));
      items.set(id, state);
      changedItems.set(id, state);
    }
  }

  const drops: Array<{ id: number; seq: number }> = [];
  const waits: PushUpdate[] = [];
  const sends: Send[] = [];
  const today = utcToday();
  for (const row of rows) {
    const product = facts.products.get(row.productId);
    const item = items.get(row.productId);
    if (!product || !item || item.absent) {
      drops.push({ id: row.id, seq: row.seq });
      continue;
    }
    const value = adapter.value(product, facts.levels.get(row.productId) ?? [], deps.summary);
    if (sameValue(value, item.known)) {
      // The channel already shows it (a sale made there, or a change undone before it was sent).
      drops.push({ id: row.id, seq: row.seq });
      if (!sameValue(item.pushed, value)) changedItems.set(item.productId, Object.assign(item, { pushed: value }));
      continue;
    }
    const decision = adapter.decide?.({ ...item, sendsToday: item.sendsDay === today ? item.sendsCount : 0 }, value) ?? 'send';
    if (decision !== 'send') {
      waits.push({ id: row.id, seq: row.seq, status: 'pending', attempts: row.attempts, next_attempt_at: decision.waitUntil, value: null, error: null, sent_at: null });
      continue;
    }
    // The channel changed on its own since the last push (an echo or a read said so), and Stockfeed disagrees: drift.
    const moved = item.pushed !== null && item.pushed !== undefined && !sameValue(item.known, item.pushed);
    const drift = item.known !== null && item.known !== undefined && (row.reason === 'reconcile' || moved);
    sends.push({ row, item, value, drift, knownBefore: item.known });
  }

  // Every batch goes out, then the round is recorded in one transaction (the write queue is the
  // stock writers' too: one short commit per round, not one per call). A call repeated after a
  // crash before the record carries the same idempotency key.
  const outcomes: SendOutcome[] = [];
  let stopped: ChannelError | null = null;
  for (const batch of batches(sends, adapter)) {
    const key = createHash('sha256')
      .update(channel)
      // The same pushes at the same sequence and attempt: a call repeated after a crash is the same call.
      .update(batch.map((s) => `${s.row.id}:${s.row.seq}:${s.row.attempts}`).join(','))
      .digest('hex');
    const result = await adapter.send(
      batch.map((s) => ({ item: s.item, value: s.value })),
      key,
      signal,
    );
    calls += result.calls;
    outcomes.push(...result.outcomes);
    if (result.stopped) {
      stopped = result.stopped;
      break;
    }
  }
  const sent = await record(deps, channel, adapter, { sends, outcomes, calls, drops, waits, changedItems: [...changedItems.values()] });
  return { sent, calls, settled: drops.length + waits.length, stopped };
}

type RoundOutcome = {
  sends: Send[];
  outcomes: SendOutcome[];
  calls: number;
  /** Pushes that needed no call, and those waiting for Google's budget. */
  drops: Array<{ id: number; seq: number }>;
  waits: PushUpdate[];
  /** Mapping rows found by a lookup, or that learnt the channel already agrees. */
  changedItems: ItemState[];
};

/** Records a round: the pushes' outcomes, the mapping's new values, drift found, and one change-log entry. */
async function record(deps: RoundDeps, channel: PushChannel, adapter: ChannelAdapter, round: RoundOutcome): Promise<number> {
  const { outcomes, calls } = round;
  if (outcomes.length === 0 && round.drops.length === 0 && round.waits.length === 0 && round.changedItems.length === 0) return 0;
  const now = new Date().toISOString();
  const today = utcToday();
  const bySend = new Map(round.sends.map((s) => [s.item.productId, s]));
  const describe = (value: unknown) => describeValue(value, adapter.describeSlot);
  const updates: PushUpdate[] = [];
  const sent: SentPush[] = [];
  const items: ItemState[] = [];
  const drift: DriftRecord[] = [];
  const okSkus: string[] = [];
  const parked: Array<{ sku: string; error: string }> = [];
  let upToSeq = 0;
  for (const outcome of outcomes) {
    const send = bySend.get(outcome.productId);
    if (!send) continue;
    const { row, item } = send;
    const attempts = row.attempts + 1;
    if (outcome.ok) {
      const stockfeedValue = describe(outcome.value);
      if (send.drift) drift.push({ channel, productId: item.productId, sku: item.sku, channelValue: describe(send.knownBefore), stockfeedValue, source: row.reason === 'reconcile' ? 'reconcile' : 'echo', correctedAt: now });
      else if (outcome.drift) drift.push({ channel, productId: item.productId, sku: item.sku, channelValue: describe(outcome.drift), stockfeedValue, source: 'compare', correctedAt: now });
      items.push({
        ...item,
        known: outcome.value,
        pushed: outcome.value,
        pushedAt: now,
        recent: rememberPushes(item.recent, outcome.slots, now),
        sendsDay: today,
        sendsCount: (item.sendsDay === today ? item.sendsCount : 0) + 1,
      });
      sent.push({ id: row.id, seq: row.seq, changeCount: row.changeCount, attempts, value: stockfeedValue });
      okSkus.push(item.sku);
      upToSeq = Math.max(upToSeq, row.seq);
    } else {
      const park = attempts >= deps.maxAttempts;
      const retryAt = park ? null : new Date(Date.now() + retryDelayMs(attempts, deps.retryBaseMs, deps.retryMaxMs)).toISOString();
      updates.push({ id: row.id, seq: row.seq, status: park ? 'parked' : 'pending', attempts, next_attempt_at: retryAt, value: null, error: outcome.error, sent_at: null });
      if (park) parked.push({ sku: item.sku, error: outcome.error });
    }
  }
  // Items the round settled first (no call needed), then those it sent: a sent value wins.
  const sentIds = new Set(items.map((i) => i.productId));
  await deps.queue.exclusive(async (ctx) => {
    await saveItems(ctx.trx, [...round.changedItems.filter((i) => !sentIds.has(i.productId)), ...items], now);
    await dropPushes(ctx.trx, round.drops);
    await markSent(ctx.trx, channel, sent, now);
    await settlePushes(ctx.trx, [...round.waits, ...updates], now);
    await recordDrift(ctx.trx, drift, now);
    const entries: NewChange[] = [];
    if (okSkus.length > 0) {
      await updateState(ctx.trx, channel, now, { last_push_at: now, last_push_seq: upToSeq, failures: 0, last_error: null, last_error_at: null, retry_at: null });
      entries.push({ type: 'channel.synced', productId: null, sku: null, payload: { channel, pushed: okSkus.length, calls, skus: okSkus.slice(0, 20), upToSeq } });
    }
    if (parked.length > 0) {
      entries.push({
        type: 'channel.failed',
        productId: null,
        sku: null,
        payload: { channel, parked: parked.length, skus: parked.slice(0, 20).map((p) => p.sku), error: (parked[0] as { error: string }).error },
      });
    }
    await ctx.append(entries);
  });
  return okSkus.length;
}
