/**
 * Inventory webhooks from the channels (Shopify `inventory_levels/update`, WooCommerce
 * `product.updated`). Both channels send one for every change, Stockfeed's own pushes included, so
 * each is first compared with what Stockfeed pushed lately: a match is an echo, counted and
 * ignored. Anything else means the channel changed on its own — a sale there, or someone editing
 * stock in its admin. It is never taken as truth: Stockfeed notes what the channel shows and
 * queues a push a few seconds later (time for the order webhook of a sale to arrive first). If
 * Stockfeed's value then still differs, the push corrects the channel and the drift is reported;
 * if not (it was a sale), nothing is sent. So no webhook can start a loop.
 */
import type { Knex } from 'knex';
import type { PushChannel } from '../../../shared/schemas/channel-push';
import { latestSeq } from '../changes/change-log';
import { queuePushes } from './outbox';
import { updateState, type ItemState } from './push-store';
import type { ShopifyValue, WooValue } from './values';

export type EchoOutcome = 'echo' | 'changed' | 'unchanged' | 'unknown' | 'ignored';
export type EchoResult = { outcome: EchoOutcome; sku: string | null };

/** What a webhook says one slot of an item now holds. */
type Reading = { externalId: string; slot: string; value: number | null; backorders: string | null };

const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null);
const id = (value: unknown): string | null => (typeof value === 'number' || typeof value === 'bigint' || (typeof value === 'string' && /^\d+$/.test(value)) ? String(value) : null);

/** The reading of a webhook body, or null when it is not an inventory change Stockfeed follows. */
export function readEcho(channel: PushChannel, body: unknown): Reading | null {
  const b = record(body);
  if (!b) return null;
  if (channel === 'shopify') {
    const item = id(b.inventory_item_id);
    const location = id(b.location_id);
    if (!item || !location || (typeof b.available !== 'number' && b.available !== null)) return null;
    return { externalId: `gid://shopify/InventoryItem/${item}`, slot: `gid://shopify/Location/${location}`, value: b.available as number | null, backorders: null };
  }
  if (channel === 'woocommerce') {
    const product = id(b.id);
    if (!product) return null;
    const quantity = typeof b.stock_quantity === 'number' && b.manage_stock !== false ? b.stock_quantity : null;
    return { externalId: product, slot: '', value: quantity, backorders: typeof b.backorders === 'string' ? b.backorders : null };
  }
  return null;
}

type RawItem = { product_id: string; sku: string; external_id: string; known: string | null; recent: string };

/** The item's known value with the webhook's reading applied. */
function knownWith(channel: PushChannel, known: unknown, reading: Reading): unknown {
  if (channel === 'shopify') {
    const levels = { ...((known as ShopifyValue | null)?.levels ?? {}) };
    if (reading.value === null) delete levels[reading.slot];
    else levels[reading.slot] = reading.value;
    return { levels };
  }
  const before = known as WooValue | null;
  return { quantity: reading.value, backorders: reading.backorders ?? before?.backorders ?? 'no' };
}

function currentSlot(channel: PushChannel, known: unknown, slot: string): number | null | undefined {
  if (channel === 'shopify') return (known as ShopifyValue | null)?.levels?.[slot];
  return (known as WooValue | null)?.quantity;
}

/**
 * Applies webhooks (a batch of them, in one transaction). `delayMs` is how long a push caused by a
 * changed value waits. Returns one result per reading, in order.
 */
export async function applyEchoes(trx: Knex.Transaction, now: string, channel: PushChannel, readings: Array<Reading | null>, delayMs: number): Promise<EchoResult[]> {
  const ids = [...new Set(readings.filter((r): r is Reading => r !== null).map((r) => r.externalId))];
  const rows = ids.length === 0 ? [] : ((await trx('channel_items').select('product_id', 'sku', 'external_id', 'known', 'recent').where({ channel }).whereIn('external_id', ids)) as RawItem[]);
  const byExternal = new Map(rows.map((r) => [r.external_id, { row: r, known: r.known === null ? null : (JSON.parse(r.known) as unknown), recent: JSON.parse(r.recent) as ItemState['recent'] }]));
  const results: EchoResult[] = [];
  const changed = new Map<string, { productId: string; sku: string; known: unknown }>();
  let echoes = 0;
  for (const reading of readings) {
    if (!reading) {
      results.push({ outcome: 'ignored', sku: null });
      continue;
    }
    const entry = byExternal.get(reading.externalId);
    if (!entry) {
      results.push({ outcome: 'unknown', sku: null });
      continue;
    }
    const { row } = entry;
    if (entry.recent.some((r) => r.slot === reading.slot && r.value === reading.value)) {
      echoes += 1;
      results.push({ outcome: 'echo', sku: row.sku });
      continue;
    }
    if (currentSlot(channel, entry.known, reading.slot) === reading.value) {
      results.push({ outcome: 'unchanged', sku: row.sku });
      continue;
    }
    entry.known = knownWith(channel, entry.known, reading);
    changed.set(row.product_id, { productId: row.product_id, sku: row.sku, known: entry.known });
    results.push({ outcome: 'changed', sku: row.sku });
  }
  if (echoes > 0) {
    await updateState(trx, channel, now, {});
    await trx('channel_state').where({ channel }).increment('echoes_ignored', echoes);
  }
  if (changed.size > 0) {
    for (const c of changed.values()) {
      await trx('channel_items').where({ channel, product_id: c.productId }).update({ known: JSON.stringify(c.known), updated_at: now });
    }
    const seq = await latestSeq(trx);
    const notBefore = new Date(Date.parse(now) + delayMs).toISOString();
    await queuePushes(trx, [...changed.values()].map((c) => ({ channel, productId: c.productId, sku: c.sku, seq })), 'echo', now, notBefore);
  }
  return results;
}
