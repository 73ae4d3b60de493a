/**
 * Stock pushed to Shopify (the stand-in speaks Admin GraphQL 2026-10): a receipt arrives within a
 * second, a burst coalesces, an outage is caught up in order, throttling slows without losing, a
 * stale compare-and-swap is read back and resolved, and the buffer comes off the largest location.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, openPushes, settled, useStandIns } from '../helpers/channel-push';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

type Mutation = { input: { quantities: Array<{ inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity: number | null }> }; key: string };

const mutations = (shop: ShopifyStandIn) => shop.calls.filter((c) => c.query.includes('inventorySetQuantities') && !c.throttled).map((c) => c.variables as unknown as Mutation);

describe.each(engines())('channel push to Shopify (%s)', (engine) => {
  let core: TestCore | undefined;
  let shop: ShopifyStandIn | undefined;

  afterEach(async () => {
    await core?.cleanup();
    await shop?.close();
    core = undefined;
    shop = undefined;
  });

  /** A shop with one location and the given SKUs at 0, a core with the same products, connected. */
  async function setUp(skus: string[], options: Parameters<typeof startShopifyStandIn>[0] = {}) {
    shop = await startShopifyStandIn(options);
    const location = shop.shop.addLocation('Warehouse');
    for (const sku of skus) shop.shop.addProduct(`Product ${sku}`, [{ sku, available: { [location.id]: 0 } }]);
    core = await startCore(engine, { channelPush: FAST_PUSH });
    for (const sku of skus) await core.call('products.create', productInput(sku));
    await useStandIns(core, { shopify: shop });
    const report = await core.call('channels.connect', { channel: 'shopify' });
    expect(report.matched.count).toBe(skus.length);
    await settled(core, 'shopify');
    return { core, shop, location };
  }

  it('sends a receipt within a second, with changeFromQuantity and an idempotency key', async () => {
    const { core, shop } = await setUp(['MUG-1']);
    const before = shop.calls.length;
    const t0 = Date.now();
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 7 });
    await eventually(() => shop.available('MUG-1') === 7, 1_000, 'the receipt in Shopify');
    expect(Date.now() - t0).toBeLessThan(1_000);
    await settled(core, 'shopify');
    const sent = mutations(shop).at(-1) as Mutation;
    expect(sent.input.quantities).toEqual([{ inventoryItemId: expect.stringMatching(/^gid:\/\/shopify\/InventoryItem\//), locationId: expect.stringMatching(/^gid:\/\/shopify\/Location\//), quantity: 7, changeFromQuantity: 0 }]);
    expect(sent.key).toMatch(/^stockfeed-[0-9a-f]{48}$/);
    expect(shop.calls.length - before).toBe(1);
    const status = (await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify');
    expect(status).toMatchObject({ connected: true, pending: 0, parked: 0, lastError: null, mapped: 1 });
    expect(status?.lastPushSeq).toBeGreaterThan(0);
    const log = await core.call('channels.pushes', { channel: 'shopify', status: 'sent' });
    expect(log.pushes[0]).toMatchObject({ sku: 'MUG-1', status: 'sent', value: '7', attempts: 1 });
    const synced = await core.call('changes.list', { since: 0, type: 'channel.synced', limit: 100 });
    expect(synced.changes.at(-1)?.payload).toMatchObject({ channel: 'shopify', pushed: 1, skus: ['MUG-1'] });
  });

  it('coalesces 1,000 rapid changes to 10 SKUs into a few updates per SKU, ending on the right values', async () => {
    const skus = Array.from({ length: 10 }, (_, i) => `BURST-${i}`);
    const { core, shop } = await setUp(skus);
    const before = mutations(shop).length;
    const writes: Array<Promise<unknown>> = [];
    for (const sku of skus) writes.push(core.call('stock.receive', { sku, quantity: 2 }));
    for (let i = 10; i < 1_000; i++) {
      const sku = skus[i % 10] as string;
      writes.push(i % 3 === 2 ? core.call('stock.adjust', { sku, quantity: -1, reason: 'damaged' }) : core.call('stock.receive', { sku, quantity: 2 }));
    }
    await Promise.all(writes);
    const expected = new Map<string, number>();
    for (const sku of skus) expected.set(sku, (await core.call('stock.get', { sku })).available);
    await eventually(() => skus.every((sku) => shop.available(sku) === expected.get(sku)), 10_000, 'every SKU at its final value');
    await settled(core, 'shopify');
    const sent = mutations(shop).slice(before);
    const perSku = new Map<string, number>();
    for (const m of sent) for (const q of m.input.quantities) perSku.set(q.inventoryItemId, (perSku.get(q.inventoryItemId) ?? 0) + 1);
    // 100 changes per SKU become a handful of updates (each batch sends the latest value).
    expect(Math.max(...perSku.values())).toBeLessThanOrEqual(12);
    expect(sent.reduce((n, m) => n + m.input.quantities.length, 0)).toBeLessThan(120);
    const pushes = await core.call('channels.pushes', { channel: 'shopify', status: 'sent', limit: 500 });
    const folded = pushes.pushes.reduce((n, p) => n + p.changeCount, 0);
    // The push log says how many changes each push carried.
    expect(folded / pushes.pushes.length).toBeGreaterThan(5);
  });

  it('catches up in order after Shopify was down, and parks nothing for the outage', async () => {
    const { core, shop } = await setUp(['A-1', 'A-2', 'A-3']);
    await shop.faults.down('refuse');
    await core.call('stock.receive', { sku: 'A-3', quantity: 3 });
    await core.call('stock.receive', { sku: 'A-1', quantity: 1 });
    await core.call('stock.receive', { sku: 'A-2', quantity: 2 });
    await eventually(async () => (await core.call('channels.status', {})).channels.some((c) => c.channel === 'shopify' && c.lastError !== null), 5_000, 'the outage in the status');
    const down = (await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify');
    expect(down).toMatchObject({ pending: 3, parked: 0, lastError: expect.stringContaining('connection refused') });
    const failed = await core.call('changes.list', { since: 0, type: 'channel.failed', limit: 100 });
    expect(failed.changes).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // One entry for the outage, not one per retry.
    expect((await core.call('changes.list', { since: 0, type: 'channel.failed', limit: 100 })).changes).toHaveLength(1);
    const before = mutations(shop).length;
    await shop.faults.up();
    await eventually(() => shop.available('A-1') === 1 && shop.available('A-2') === 2 && shop.available('A-3') === 3, 5_000, 'the catch-up');
    await settled(core, 'shopify');
    const first = mutations(shop)[before] as Mutation;
    const order = first.input.quantities.map((q) => q.quantity);
    expect(order).toEqual([3, 1, 2]);
    expect(await openPushes(core, 'shopify')).toEqual({ pending: 0, parked: 0 });
    expect((await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify')?.lastError).toBeNull();
  });

  it('slows down when throttled (THROTTLED and the cost budget) and loses nothing', async () => {
    const skus = Array.from({ length: 6 }, (_, i) => `T-${i}`);
    // An empty bucket that refills slowly (a mutation costs about 12 points, so 6 s of refill): the
    // first push is throttled however long a loaded machine takes to send it.
    const { core, shop } = await setUp(skus, { bucket: { maximumAvailable: 1000, restoreRate: 2 } });
    shop.bucket.set(0);
    for (const [i, sku] of skus.entries()) {
      await core.call('stock.receive', { sku, quantity: i + 1 });
      // Separate rounds, so several mutations are needed.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await eventually(() => skus.every((sku, i) => shop.available(sku) === i + 1), 45_000, 'every SKU despite the throttling');
    expect(shop.calls.some((c) => c.throttled)).toBe(true);
    await settled(core, 'shopify');
    expect(await openPushes(core, 'shopify')).toEqual({ pending: 0, parked: 0 });
    const status = (await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify');
    expect(status?.lastError).toBeNull();
  }, 90_000);

  it('waits as long as a 429 Retry-After says, then sends', async () => {
    const { core, shop } = await setUp(['R-1']);
    shop.faults.failNext(1, { status: 429, headers: { 'Retry-After': '1' } });
    const t0 = Date.now();
    await core.call('stock.receive', { sku: 'R-1', quantity: 4 });
    await eventually(() => shop.available('R-1') === 4, 5_000, 'the push after Retry-After');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('resolves a stale compare-and-swap: reads Shopify back, sets Stockfeed\'s value and reports the drift', async () => {
    const { core, shop } = await setUp(['CAS-1']);
    await core.call('stock.receive', { sku: 'CAS-1', quantity: 5 });
    await eventually(() => shop.available('CAS-1') === 5, 2_000, 'the first push');
    // Someone edits the count in the Shopify admin; no webhook tells Stockfeed.
    shop.adminSetAvailable('CAS-1', 42);
    await core.call('stock.receive', { sku: 'CAS-1', quantity: 1 });
    await eventually(() => shop.available('CAS-1') === 6, 3_000, 'Stockfeed\'s value after the stale compare');
    await settled(core, 'shopify');
    const stale = shop.calls.filter((c) => JSON.stringify(c.response).includes('CHANGE_FROM_QUANTITY_STALE'));
    expect(stale).toHaveLength(1);
    const { drift } = await core.call('channels.drift', { channel: 'shopify' });
    expect(drift[0]).toMatchObject({ sku: 'CAS-1', channelValue: '42', stockfeedValue: '6', source: 'compare', correctedAt: expect.any(String) });
    expect(await openPushes(core, 'shopify')).toEqual({ pending: 0, parked: 0 });
  });

  it('parks a push Shopify keeps refusing, and Retry sends it again', async () => {
    const { core, shop, location } = await setUp(['PARK-1']);
    // The item loses its level at the location: every push is refused (ITEM_NOT_STOCKED_AT_LOCATION).
    const variant = shop.shop.variantBySku('PARK-1');
    const key = `${variant?.inventoryItemId}:${location.id}`;
    const level = shop.shop.levels.get(key);
    shop.shop.levels.delete(key);
    await core.call('stock.receive', { sku: 'PARK-1', quantity: 2 });
    await eventually(async () => (await openPushes(core, 'shopify')).parked === 1, 10_000, 'the push parked');
    const parked = await core.call('channels.pushes', { channel: 'shopify', status: 'parked' });
    expect(parked.pushes[0]).toMatchObject({ sku: 'PARK-1', attempts: 5, error: expect.stringContaining('ITEM_NOT_STOCKED_AT_LOCATION') });
    const failed = await core.call('changes.list', { since: 0, type: 'channel.failed', limit: 10 });
    expect(failed.changes.at(-1)?.payload).toMatchObject({ channel: 'shopify', parked: 1, skus: ['PARK-1'] });
    // Fixed in Shopify: Retry sends it with the value as it is now.
    shop.shop.levels.set(key, level!);
    const retried = await core.call('channels.retry', { channel: 'shopify', id: parked.pushes[0]!.id });
    expect(retried).toMatchObject({ status: 'pending', attempts: 0, reason: 'retry' });
    await eventually(() => shop.shop.level(variant!.inventoryItemId, location.id)?.available === 2, 3_000, 'the retried push');
    await expect(core.call('channels.retry', { channel: 'shopify', id: parked.pushes[0]!.id })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('splits the online quantity over mapped locations, taking the buffer from the largest', async () => {
    shop = await startShopifyStandIn();
    const east = shop.shop.addLocation('East');
    const west = shop.shop.addLocation('West');
    shop.shop.addProduct('Split', [{ sku: 'SPLIT-1', available: { [east.id]: 0, [west.id]: 0 } }]);
    core = await startCore(engine, { channelPush: FAST_PUSH });
    await core.call('locations.create', { code: 'east', name: 'East' });
    await core.call('locations.create', { code: 'west', name: 'West' });
    await core.call('products.create', productInput('SPLIT-1', { bufferStock: 3 }));
    await useStandIns(core, { shopify: shop, locations: { east: String(east.id), west: `gid://shopify/Location/${west.id}` } });
    await core.call('channels.connect', { channel: 'shopify' });
    await core.call('stock.receive', { sku: 'SPLIT-1', location: 'east', quantity: 10 });
    await core.call('stock.receive', { sku: 'SPLIT-1', location: 'west', quantity: 4 });
    await eventually(() => shop!.available('SPLIT-1', east.id) === 7 && shop!.available('SPLIT-1', west.id) === 4, 3_000, 'the split');
  });
});
