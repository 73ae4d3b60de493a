/**
 * The three channels together: one receipt reaches Shopify, WooCommerce and Google within a
 * second, and a burst of 1,000 changes to 10 SKUs ends on the right values everywhere with a few
 * updates per SKU.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGoogleStandIn, startShopifyStandIn, startWooCommerceStandIn, type GoogleStandIn, type ShopifyStandIn, type WooCommerceStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, settled, useStandIns } from '../helpers/channel-push';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('channel push to all three channels (%s)', (engine) => {
  let core: TestCore | undefined;
  let shop: ShopifyStandIn | undefined;
  let store: WooCommerceStandIn | undefined;
  let google: GoogleStandIn | undefined;

  afterEach(async () => {
    await core?.cleanup();
    for (const standIn of [shop, store, google]) await standIn?.close();
    core = undefined;
  });

  async function setUp(skus: string[]) {
    shop = await startShopifyStandIn();
    const location = shop.shop.addLocation('Shop');
    store = await startWooCommerceStandIn();
    google = await startGoogleStandIn();
    for (const sku of skus) {
      shop.shop.addProduct(sku, [{ sku, available: { [location.id]: 0 } }]);
      store.store.addSimple({ sku, stock_quantity: 0 });
      google.seedProduct(sku, { title: sku, availability: 'OUT_OF_STOCK', price: { amountMicros: '9990000', currencyCode: 'USD' } });
    }
    core = await startCore(engine, { channelPush: FAST_PUSH });
    for (const sku of skus) await core.call('products.create', productInput(sku));
    await useStandIns(core, { shopify: shop, woocommerce: store, google });
    for (const channel of ['shopify', 'woocommerce', 'google'] as const) {
      expect((await core.call('channels.connect', { channel })).matched.count).toBe(skus.length);
      await settled(core, channel);
    }
    return { core, shop, store, google };
  }

  const googleShows = (g: GoogleStandIn, sku: string) => (g.product(sku)?.productAttributes as { availability?: string } | undefined)?.availability;

  it('sends a receipt to Shopify, WooCommerce and Google within a second', async () => {
    const { core, shop, store, google } = await setUp(['ALL-1']);
    const t0 = Date.now();
    await core.call('stock.receive', { sku: 'ALL-1', quantity: 3 });
    await eventually(() => shop.available('ALL-1') === 3 && store.store.bySku('ALL-1')?.stockQuantity === 3 && googleShows(google, 'ALL-1') === 'IN_STOCK', 1_000, 'the receipt everywhere');
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('ends 1,000 rapid changes to 10 SKUs on the right values everywhere, with a few updates per SKU', async () => {
    const skus = Array.from({ length: 10 }, (_, i) => `MANY-${i}`);
    const { core, shop, store, google } = await setUp(skus);
    const shopBefore = shop.calls.length;
    const writes: Array<Promise<unknown>> = skus.map((sku) => core.call('stock.receive', { sku, quantity: 2 }));
    for (let i = 10; i < 1_000; i++) {
      const sku = skus[i % 10] as string;
      writes.push(Math.floor(i / 10) % 2 === 0 ? core.call('stock.receive', { sku, quantity: 1 }) : core.call('stock.adjust', { sku, quantity: -1, reason: 'damaged' }));
    }
    await Promise.all(writes);
    const want = new Map<string, number>();
    for (const sku of skus) want.set(sku, (await core.call('stock.get', { sku })).available);
    await eventually(
      () => skus.every((sku) => shop.available(sku) === want.get(sku) && store.store.bySku(sku)?.stockQuantity === want.get(sku) && googleShows(google, sku) === 'IN_STOCK'),
      10_000,
      'every SKU everywhere',
    );
    for (const channel of ['shopify', 'woocommerce', 'google'] as const) await settled(core, channel);
    const shopifyUpdates = shop.calls.slice(shopBefore).flatMap((c) => ((c.variables.input as { quantities?: unknown[] } | undefined)?.quantities ?? []));
    expect(shopifyUpdates.length).toBeLessThanOrEqual(10 * 10);
    const wooUpdates = store.http.apiRequests('/wp-json/wc/v3/products/batch').flatMap((r) => (JSON.parse(r.body) as { update: unknown[] }).update);
    expect(wooUpdates.length).toBeLessThanOrEqual(10 * 10);
    // Google saw availability change once per SKU (out of stock → in stock): one update each.
    expect(google.inputCalls).toHaveLength(10);
  });
});
