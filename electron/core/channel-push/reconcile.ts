/**
 * The drift check: read what the channel shows for every mapped item and compare it with what
 * Stockfeed holds now. Stockfeed is the source of truth, so every difference — usually someone
 * editing stock in the channel's admin — gets a correction push, and the drift report lists it
 * (SKU, the channel's value, Stockfeed's, when) once the correction has gone out. Items with a push
 * on its way are skipped: their channel value is about to change anyway.
 */
import type { PushChannel, ReconcileResult } from '../../../shared/schemas/channel-push';
import { latestSeq } from '../changes/change-log';
import type { SummaryContext } from '../stock/stock-summary';
import { chunkValues, type Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import type { ChannelAdapter } from './channel-adapter';
import { loadFacts } from './facts';
import { queuePushes } from './outbox';
import { mappedItems, saveItems, updateState, type ItemState } from './push-store';
import { describeValue, sameValue } from './values';

export type ReconcileDeps = { db: Db; queue: ExclusiveWriter; summary: SummaryContext; pushEnabled: boolean; wake(): void };

/** Items read per call to the adapter, unless it says otherwise (it pages further itself). */
const CHUNK = 1_000;

export async function reconcile(deps: ReconcileDeps, channel: PushChannel, adapter: ChannelAdapter, signal: AbortSignal): Promise<ReconcileResult> {
  await adapter.prepare(signal);
  const items = await mappedItems(deps.db, channel);
  const open = new Set<string>();
  for (const chunk of chunkValues(items.map((i) => i.productId), 5_000)) {
    const rows = (await deps.db('channel_pushes').select('product_id').where({ channel, status: 'pending' }).whereIn('product_id', chunk)) as Array<{ product_id: string }>;
    for (const r of rows) open.add(r.product_id);
  }
  const checkable = items.filter((i) => !open.has(i.productId));
  const differences: ReconcileResult['differences'] = [];
  const changed: ItemState[] = [];
  const toPush: ItemState[] = [];
  const describe = (value: unknown) => describeValue(value, adapter.describeSlot);
  const size = adapter.readBatch ?? CHUNK;
  for (let i = 0; i < checkable.length; i += size) {
    const chunk = checkable.slice(i, i + size);
    const [read, facts] = await Promise.all([adapter.read(chunk, signal), loadFacts(deps.db, chunk.map((c) => c.productId))]);
    for (const item of chunk) {
      const product = facts.products.get(item.productId);
      const shown = read.get(item.productId);
      if (!product || shown === undefined) continue;
      const value = adapter.value(product, facts.levels.get(item.productId) ?? [], deps.summary);
      if (!sameValue(shown, item.known)) changed.push(Object.assign(item, { known: shown }));
      if (sameValue(shown, value)) continue;
      differences.push({ sku: item.sku, channelValue: describe(shown), stockfeedValue: describe(value) });
      toPush.push(item);
    }
  }
  const checkedAt = new Date().toISOString();
  await deps.queue.exclusive(async ({ trx, now }) => {
    await saveItems(trx, changed, now);
    if (deps.pushEnabled && toPush.length > 0) {
      const seq = await latestSeq(trx);
      await queuePushes(trx, toPush.map((i) => ({ channel, productId: i.productId, sku: i.sku, seq })), 'reconcile', now);
    }
    await updateState(trx, channel, now, { last_reconcile_at: checkedAt });
  });
  if (deps.pushEnabled && toPush.length > 0) deps.wake();
  return { channel, checked: checkable.length, differences: differences.slice(0, 1_000), skipped: open.size, checkedAt };
}
