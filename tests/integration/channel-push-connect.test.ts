/**
 * Connect and the drift check: the catalogue is matched by SKU and every SKU that did not match is
 * listed with how to fix it; a quantity someone changed in the channel's admin is read back,
 * corrected and reported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startShopifyStandIn, startWooCommerceStandIn, type ShopifyStandIn, type WooCommerceStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, settled, useStandIns } from '../helpers/channel-push';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('Connect and the drift check (%s)', (engine) => {
  let core: TestCore | undefined;
  let shop: ShopifyStandIn | undefined;
  let store: WooCommerceStandIn | undefined;

  afterEach(async () => {
    await core?.cleanup();
    await shop?.close();
    await store?.close();
    core = undefined;
    shop = undefined;
    store = undefined;
  });

  it('lists what did not match in Shopify: in Stockfeed only, in Shopify only, duplicate SKUs and problems, each with its fix', async () => {
    shop = await startShopifyStandIn();
    const location = shop.shop.addLocation('Shop');
    const at = { [location.id]: 0 };
    shop.shop.addProduct('Mug', [{ sku: 'mug-blue', available: at }, { sku: 'MUG-RED', available: at }]);
    shop.shop.addProduct('Twin', [{ sku: 'TWIN', available: at }, { sku: 'TWIN', available: at }]);
    shop.shop.addProduct('Loose', [{ sku: 'ONLY-IN-SHOPIFY', available: at }, { sku: null, available: at }]);
    shop.shop.addProduct('Untracked', [{ sku: 'UNTRACKED', available: at, tracked: false }]);
    core = await startCore(engine, { channelPush: FAST_PUSH });
    for (const sku of ['MUG-BLUE', 'MUG-RED', 'TWIN', 'UNTRACKED', 'ONLY-IN-STOCKFEED']) await core.call('products.create', productInput(sku));
    await useStandIns(core, { shopify: shop, pushEnabled: false });
    const report = await core.call('channels.connect', { channel: 'shopify' });
    expect(report).toMatchObject({ channel: 'shopify', channelItems: 7, stockfeedProducts: 5, queued: 0 });
    // SKUs compare as Stockfeed normalises them: "mug-blue" is MUG-BLUE.
    expect(report.matched.items.map((i) => i.sku).sort()).toEqual(['MUG-BLUE', 'MUG-RED', 'UNTRACKED']);
    expect(report.stockfeedOnly).toMatchObject({ count: 1, items: [{ sku: 'ONLY-IN-STOCKFEED' }], fix: expect.stringContaining('same SKU') });
    expect(report.channelOnly.items.map((i) => [i.sku, i.detail])).toEqual([
      ['', 'no SKU'],
      ['ONLY-IN-SHOPIFY', null],
    ]);
    expect(report.duplicates).toMatchObject({ count: 1, items: [{ sku: 'TWIN', detail: expect.stringContaining('2 items') }], fix: expect.stringContaining('its own SKU') });
    expect(report.problems.items).toEqual([expect.objectContaining({ sku: 'UNTRACKED', detail: expect.stringContaining('Track quantity') })]);
    expect(report.channelLocations).toEqual([{ id: `gid://shopify/Location/${location.id}`, name: 'Shop' }]);
    // The report is kept for the screen.
    expect((await core.call('channels.matches', { channel: 'shopify' })).report).toEqual(report);
    expect((await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify')).toMatchObject({ connected: true, mapped: 3, pushEnabled: false, problem: expect.stringContaining('Push is off') });
  });

  it('asks for the location mapping when the shop has several locations', async () => {
    shop = await startShopifyStandIn();
    shop.shop.addLocation('East');
    shop.shop.addLocation('West');
    core = await startCore(engine, { channelPush: FAST_PUSH });
    await useStandIns(core, { shopify: shop });
    await expect(core.call('channels.connect', { channel: 'shopify' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/channels\.shopify\.locations: the shop has 2 locations \(East \(\d+\), West \(\d+\)\)/) });
  });

  it('answers 502 naming the failure when the channel cannot be reached or refuses the credentials', async () => {
    shop = await startShopifyStandIn({ accessToken: 'shpat_right' });
    shop.shop.addLocation('Shop');
    core = await startCore(engine, { channelPush: FAST_PUSH });
    await useStandIns(core, { shopify: { ...shop, accessToken: 'shpat_wrong' } });
    await expect(core.call('channels.connect', { channel: 'shopify' })).rejects.toMatchObject({ code: 'bad_gateway', message: expect.stringContaining('HTTP 401') });
    await shop.faults.down('refuse');
    await expect(core.call('channels.connect', { channel: 'shopify' })).rejects.toMatchObject({ code: 'bad_gateway', message: expect.stringMatching(/connection (refused|reset)/) });
  });

  it('corrects drift in Shopify found by the drift check, and reports it', async () => {
    shop = await startShopifyStandIn();
    const location = shop.shop.addLocation('Shop');
    shop.shop.addProduct('Mug', [{ sku: 'DRIFT-1', available: { [location.id]: 0 } }, { sku: 'DRIFT-2', available: { [location.id]: 0 } }]);
    core = await startCore(engine, { channelPush: FAST_PUSH });
    await core.call('products.create', productInput('DRIFT-1'));
    await core.call('products.create', productInput('DRIFT-2'));
    await useStandIns(core, { shopify: shop });
    await core.call('channels.connect', { channel: 'shopify' });
    await core.call('stock.receive', { sku: 'DRIFT-1', quantity: 8 });
    await core.call('stock.receive', { sku: 'DRIFT-2', quantity: 3 });
    await eventually(() => shop!.available('DRIFT-1') === 8 && shop!.available('DRIFT-2') === 3, 2_000, 'the first pushes');
    await settled(core, 'shopify');
    shop.adminSetAvailable('DRIFT-1', 50);
    const result = await core.call('channels.reconcile', { channel: 'shopify' });
    expect(result).toMatchObject({ channel: 'shopify', checked: 2, skipped: 0, differences: [{ sku: 'DRIFT-1', channelValue: '50', stockfeedValue: '8' }] });
    await eventually(() => shop!.available('DRIFT-1') === 8, 2_000, 'the correction');
    await settled(core, 'shopify');
    const { drift } = await core.call('channels.drift', { channel: 'shopify' });
    expect(drift).toEqual([expect.objectContaining({ sku: 'DRIFT-1', channelValue: '50', stockfeedValue: '8', source: 'reconcile', correctedAt: expect.any(String) })]);
    // The compare-and-swap used what the check read, so Shopify did not refuse the correction.
    expect(shop.calls.some((c) => JSON.stringify(c.response).includes('STALE'))).toBe(false);
    const status = (await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify');
    expect(status).toMatchObject({ driftFound: 1, lastDriftCheckAt: result.checkedAt });
  });

  it('lists WooCommerce items without a match and corrects a stock edit made in wp-admin', async () => {
    store = await startWooCommerceStandIn();
    store.store.addSimple({ sku: 'W-1', stock_quantity: 0 });
    store.store.addSimple({ sku: 'W-DUP', stock_quantity: 0 });
    store.store.addSimple({ sku: 'W-ONLY', stock_quantity: 0 });
    store.store.addVariable({ name: 'Tee', sku: 'TEE', variations: [{ sku: 'W-DUP', stock_quantity: 0, attributes: [{ name: 'Size', option: 'S' }] }, { sku: 'TEE-M', stock_quantity: 0, attributes: [{ name: 'Size', option: 'M' }] }] });
    core = await startCore(engine, { channelPush: FAST_PUSH });
    for (const sku of ['W-1', 'W-DUP', 'TEE-M', 'W-MISSING']) await core.call('products.create', productInput(sku));
    await useStandIns(core, { woocommerce: store });
    const report = await core.call('channels.connect', { channel: 'woocommerce' });
    expect(report.matched.items.map((i) => i.sku).sort()).toEqual(['TEE-M', 'W-1']);
    expect(report.duplicates.items.map((i) => i.sku)).toEqual(['W-DUP']);
    expect(report.stockfeedOnly.items.map((i) => i.sku)).toEqual(['W-MISSING']);
    expect(report.channelOnly.items.map((i) => i.sku)).toEqual(['W-ONLY']);
    await core.call('stock.receive', { sku: 'TEE-M', quantity: 4 });
    await eventually(() => store!.store.bySku('TEE-M')?.stockQuantity === 4, 2_000, 'the variation');
    await settled(core, 'woocommerce');
    store.adminUpdate('TEE-M', { stock_quantity: 1 });
    const result = await core.call('channels.reconcile', { channel: 'woocommerce' });
    expect(result.differences).toEqual([{ sku: 'TEE-M', channelValue: '1', stockfeedValue: '4' }]);
    await eventually(() => store!.store.bySku('TEE-M')?.stockQuantity === 4, 2_000, 'the correction');
  });
});
