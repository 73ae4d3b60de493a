/**
 * Connect: pull the channel's whole catalogue, match its items to Stockfeed's products by SKU
 * (SKUs compare as Stockfeed normalises them: trimmed, upper case), store the mapping and say what
 * did not match and how to fix it. A SKU on two items of the channel is matched to neither: a push
 * to the wrong one would sell stock twice. Items the channel shows a problem for (Shopify not
 * tracking the quantity) are mapped and listed, since the push will fail until it is fixed.
 */
import { normaliseSku } from '../../../shared/domain/sku';
import { PUSH_CHANNEL_LABEL, type MatchItem, type MatchReport, type PushChannel } from '../../../shared/schemas/channel-push';
import { latestSeq } from '../changes/change-log';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import type { Catalogue, FoundItem } from './channel-adapter';
import { queueMapped } from './outbox';
import { loadItems, newItem, saveItems, updateState, type ItemState } from './push-store';

/** Items listed per part of the report (the counts are always whole). */
const LIST_MAX = 500;

const FIX: Record<PushChannel, { stockfeedOnly: string; channelOnly: string; duplicates: string }> = {
  shopify: {
    stockfeedOnly: 'Nothing is pushed for these. If the product is sold in Shopify, give its variant the same SKU there (Products → the variant → SKU); it is matched on the next sync.',
    channelOnly: 'Stock for these variants is not managed by Stockfeed. Add the product to Stockfeed with the same SKU, or correct the SKU in Shopify; it is matched on the next sync.',
    duplicates: 'Several variants share the SKU, so Stockfeed pushes to none of them. Give each variant its own SKU in Shopify.',
  },
  woocommerce: {
    stockfeedOnly: 'Nothing is pushed for these. If the product is sold in WooCommerce, give it (or its variation) the same SKU there (Products → Edit → Inventory → SKU); it is matched on the next sync.',
    channelOnly: 'Stock for these is not managed by Stockfeed. Add the product to Stockfeed with the same SKU, or correct the SKU in WooCommerce; it is matched on the next sync.',
    duplicates: 'Several products or variations share the SKU, so Stockfeed pushes to none of them. Give each its own SKU in WooCommerce.',
  },
  google: {
    stockfeedOnly: "Google has no offer with this SKU as its id. Check the feed fetch in Merchant Center (Products → Data sources) and the product's problems on the Publishing screen.",
    channelOnly: 'Merchant Center has offers whose id is no Stockfeed SKU (from another feed, or a product deleted here). Remove them from that data source, or add the product to Stockfeed.',
    duplicates: 'The same offer id is in several feed labels or languages; Stockfeed updates none of them. Keep one feed label per offer for the Stockfeed feed.',
  },
};

type ProductLite = { id: string; sku: string; title: string };

const item = (sku: string, found: FoundItem | null, title: string | null, detail: string | null = null): MatchItem => ({ sku, channelId: found?.externalId ?? null, title: found?.title ?? title, detail });

function section(items: MatchItem[], fix: string) {
  return { count: items.length, fix, items: items.slice(0, LIST_MAX) };
}

export type ConnectDeps = { db: Db; queue: ExclusiveWriter; pushEnabled: boolean; wake(): void };

/** Matches a pulled catalogue, stores the mapping and the report, and queues the matched items when push is on. */
export async function applyCatalogue(deps: ConnectDeps, channel: PushChannel, catalogue: Catalogue): Promise<MatchReport> {
  const products = (await deps.db('products').select('id', 'sku', 'title').whereNot('status', 'archived').orderBy('sku')) as ProductLite[];
  const bySku = new Map<string, FoundItem[]>();
  const noSku: FoundItem[] = [];
  for (const found of catalogue.items) {
    const sku = normaliseSku(found.sku);
    if (sku === '') {
      noSku.push(found);
      continue;
    }
    bySku.set(sku, [...(bySku.get(sku) ?? []), found]);
  }
  const now = new Date().toISOString();
  const previous = await loadItems(deps.db, channel, products.map((p) => p.id));
  const states: ItemState[] = [];
  const matched: MatchItem[] = [];
  const stockfeedOnly: MatchItem[] = [];
  const duplicates: MatchItem[] = [];
  const problems: MatchItem[] = [];
  const taken = new Set<string>();
  for (const product of products) {
    const found = bySku.get(product.sku) ?? [];
    taken.add(product.sku);
    if (found.length === 1) {
      const only = found[0] as FoundItem;
      states.push(newItem(channel, product.id, product.sku, only, now, previous.get(product.id)));
      matched.push(item(product.sku, only, product.title));
      if (only.problem) problems.push(item(product.sku, only, product.title, only.problem));
    } else {
      states.push(newItem(channel, product.id, product.sku, null, now, previous.get(product.id)));
      if (found.length === 0) stockfeedOnly.push(item(product.sku, null, product.title));
      else duplicates.push({ sku: product.sku, channelId: found.map((f) => f.externalId).join(', '), title: product.title, detail: `${found.length} items: ${found.map((f) => f.title ?? f.externalId).join('; ')}` });
    }
  }
  const channelOnly: MatchItem[] = [
    ...noSku.map((f) => item('', f, null, 'no SKU')),
    ...[...bySku].filter(([sku]) => !taken.has(sku)).flatMap(([sku, found]) => found.map((f) => item(sku, f, null, found.length > 1 ? 'SKU used more than once here' : null))),
  ];
  const fix = FIX[channel];
  const report: MatchReport = {
    channel,
    connectedAt: now,
    channelItems: catalogue.items.length,
    stockfeedProducts: products.length,
    matched: section(matched, ''),
    stockfeedOnly: section(stockfeedOnly, fix.stockfeedOnly),
    channelOnly: section(channelOnly, fix.channelOnly),
    duplicates: section(duplicates, fix.duplicates),
    problems: section(problems, `These are matched, but ${PUSH_CHANNEL_LABEL[channel]} refuses pushes to them until the problem is fixed.`),
    channelLocations: catalogue.locations,
    queued: 0,
  };
  report.queued = await deps.queue.exclusive(async ({ trx, now: at }) => {
    await saveItems(trx, states, at);
    const queued = deps.pushEnabled ? await queueMapped(trx, channel, await latestSeq(trx), 'connect', at) : 0;
    await updateState(trx, channel, at, { connected_at: at, report: JSON.stringify({ ...report, queued }) });
    return queued;
  });
  if (report.queued > 0) deps.wake();
  return report;
}
