/**
 * Stock pushed to WooCommerce (the stand-in speaks REST v3): simple products and variations through
 * the batch endpoints, at most 100 a call, with manage_stock, stock_quantity, backorders and
 * stock_status; a refused item does not hold the others back; an outage is caught up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWooCommerceStandIn, type WooCommerceStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, openPushes, settled, useStandIns } from '../helpers/channel-push';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const batchCalls = (store: WooCommerceStandIn) => store.http.apiRequests().filter((r) => r.method === 'POST' && r.path.endsWith('/batch'));

describe.each(engines())('channel push to WooCommerce (%s)', (engine) => {
  let core: TestCore | undefined;
  let store: WooCommerceStandIn | undefined;

  afterEach(async () => {
    await core?.cleanup();
    await store?.close();
    core = undefined;
    store = undefined;
  });

  async function setUp(simple: string[], variations: string[] = []) {
    store = await startWooCommerceStandIn();
    for (const sku of simple) store.store.addSimple({ sku, stock_quantity: 0 });
    if (variations.length > 0) store.store.addVariable({ name: 'Shirt', sku: 'SHIRT', variations: variations.map((sku) => ({ sku, stock_quantity: 0, attributes: [{ name: 'Size', option: sku.slice(-1) }] })) });
    core = await startCore(engine, { channelPush: FAST_PUSH });
    for (const sku of [...simple, ...variations]) await core.call('products.create', productInput(sku));
    await useStandIns(core, { woocommerce: store });
    const report = await core.call('channels.connect', { channel: 'woocommerce' });
    await settled(core, 'woocommerce');
    return { core, store, report };
  }

  it('sends a receipt within a second to a simple product and to a variation', async () => {
    const { core, store, report } = await setUp(['MUG-1'], ['SHIRT-S', 'SHIRT-M']);
    expect(report.matched.count).toBe(3);
    // The variable parent has a SKU Stockfeed does not have: listed, not pushed.
    expect(report.channelOnly.items.map((i) => i.sku)).toEqual([]);
    const t0 = Date.now();
    await Promise.all([core.call('stock.receive', { sku: 'MUG-1', quantity: 4 }), core.call('stock.receive', { sku: 'SHIRT-M', quantity: 2 })]);
    await eventually(() => store.store.bySku('MUG-1')?.stockQuantity === 4 && store.store.bySku('SHIRT-M')?.stockQuantity === 2, 1_000, 'both in WooCommerce');
    expect(Date.now() - t0).toBeLessThan(1_000);
    const calls = batchCalls(store);
    const simple = calls.find((c) => c.path === '/wp-json/wc/v3/products/batch');
    expect(JSON.parse(simple?.body ?? '{}')).toEqual({ update: [{ id: store.store.bySku('MUG-1')?.id, manage_stock: true, stock_quantity: 4, backorders: 'no', stock_status: 'instock' }] });
    const parent = store.store.bySku('SHIRT')?.id;
    expect(calls.some((c) => c.path === `/wp-json/wc/v3/products/${parent}/variations/batch`)).toBe(true);
    expect(store.store.bySku('SHIRT-M')?.stockStatus).toBe('instock');
    // Basic authentication with the consumer key and secret.
    expect(simple?.headers.authorization).toBe(`Basic ${Buffer.from(`${store.consumerKey}:${store.consumerSecret}`).toString('base64')}`);
  });

  it('sends at most 100 items a call', async () => {
    const skus = Array.from({ length: 150 }, (_, i) => `W-${String(i).padStart(3, '0')}`);
    const { core, store } = await setUp(skus);
    const before = batchCalls(store).length;
    await Promise.all(skus.map((sku) => core.call('stock.receive', { sku, quantity: 3 })));
    await eventually(() => skus.every((sku) => store.store.bySku(sku)?.stockQuantity === 3), 5_000, 'all 150 in WooCommerce');
    const calls = batchCalls(store).slice(before);
    expect(calls.every((c) => (JSON.parse(c.body) as { update: unknown[] }).update.length <= 100)).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(4);
  });

  it('sends backorders and the status WooCommerce derives, and a discontinued product as out of stock', async () => {
    const { core, store } = await setUp(['BACK-1', 'GONE-1']);
    await core.call('products.update', { idOrSku: 'BACK-1', allowBackorder: true });
    await core.call('stock.receive', { sku: 'GONE-1', quantity: 5 });
    await eventually(() => store.store.bySku('BACK-1')?.backorders === 'notify' && store.store.bySku('GONE-1')?.stockQuantity === 5, 2_000, 'backorders and stock');
    expect(store.store.bySku('BACK-1')?.stockStatus).toBe('onbackorder');
    await core.call('products.update', { idOrSku: 'GONE-1', status: 'discontinued' });
    await eventually(() => store.store.bySku('GONE-1')?.stockQuantity === 0, 2_000, 'the discontinued product at 0');
    expect(store.store.bySku('GONE-1')?.stockStatus).toBe('outofstock');
  });

  it('lets a refused item fail alone: the others are sent, it is parked', async () => {
    const { core, store } = await setUp(['OK-1', 'BAD-1']);
    // The product is deleted in WooCommerce after Connect: its id is refused.
    store.store.remove(store.store.bySku('BAD-1')!);
    await Promise.all([core.call('stock.receive', { sku: 'OK-1', quantity: 1 }), core.call('stock.receive', { sku: 'BAD-1', quantity: 1 })]);
    await eventually(() => store.store.bySku('OK-1')?.stockQuantity === 1, 2_000, 'the good item');
    await eventually(async () => (await openPushes(core, 'woocommerce')).parked === 1, 10_000, 'the refused item parked');
    const parked = await core.call('channels.pushes', { channel: 'woocommerce', status: 'parked' });
    expect(parked.pushes[0]).toMatchObject({ sku: 'BAD-1', error: expect.stringContaining('invalid_id') });
  });

  it('catches up after WooCommerce answered 503 for a while', async () => {
    const { core, store } = await setUp(['DOWN-1']);
    await store.faults.down('unavailable');
    await core.call('stock.receive', { sku: 'DOWN-1', quantity: 9 });
    await eventually(async () => (await core.call('channels.status', {})).channels.some((c) => c.channel === 'woocommerce' && c.lastError?.includes('503') === true), 3_000, 'the 503 in the status');
    await store.faults.up();
    await eventually(() => store.store.bySku('DOWN-1')?.stockQuantity === 9, 5_000, 'the catch-up');
    await settled(core, 'woocommerce');
    expect(await openPushes(core, 'woocommerce')).toEqual({ pending: 0, parked: 0 });
  });

  it('looks up a product added after Connect by its SKU when it first changes', async () => {
    const { core, store } = await setUp(['FIRST-1']);
    store.store.addSimple({ sku: 'LATER-1', stock_quantity: 0 });
    await core.call('products.create', productInput('LATER-1'));
    await core.call('stock.receive', { sku: 'LATER-1', quantity: 6 });
    await eventually(() => store.store.bySku('LATER-1')?.stockQuantity === 6, 3_000, 'the new product pushed');
  });
});
