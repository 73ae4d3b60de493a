/**
 * Channel push over HTTP: the contract routes (connect, status, push log, retry, drift check,
 * drift report) and the channels' inventory webhooks on the signed channel endpoints, where
 * Stockfeed's own echoes are ignored and a change made in the channel is corrected, never believed.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startShopifyStandIn, startWooCommerceStandIn, type ShopifyStandIn, type WooCommerceStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, settled, useStandIns } from '../helpers/channel-push';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

describe('channel push API and inventory webhooks', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let shop: ShopifyStandIn;
  let store: WooCommerceStandIn;
  let base = '';

  const api = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> & { error?: { code: string; message: string } } };
  };
  const status = async (channel: string) => ((await api('GET', '/channels/status')).body.channels as Array<Record<string, unknown>>).find((c) => c.channel === channel) as Record<string, unknown>;

  beforeAll(async () => {
    shop = await startShopifyStandIn();
    const location = shop.shop.addLocation('Shop');
    shop.shop.addProduct('Mug', [{ sku: 'ECHO-1', available: { [location.id]: 0 } }, { sku: 'SALE-1', available: { [location.id]: 0 } }]);
    store = await startWooCommerceStandIn();
    store.store.addSimple({ sku: 'ECHO-1', stock_quantity: 0 });
    core = await startCore('sqlite', { channelPush: FAST_PUSH });
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    for (const sku of ['ECHO-1', 'SALE-1']) await core.call('products.create', productInput(sku));
    await useStandIns(core, { shopify: shop, woocommerce: store });
    // The shops send their inventory webhooks to Stockfeed's signed channel endpoints.
    shop.webhooks.url = `${base}/api/v1/channels/shopify/orders`;
    store.webhooks.url = `${base}/api/v1/channels/woocommerce/orders`;
  });
  afterAll(async () => {
    // Echoes still on their way would hold a keep-alive connection open past the server's close.
    await shop?.webhooks.settled();
    await store?.webhooks.settled();
    await app?.close();
    await core?.cleanup();
    await shop?.close();
    await store?.close();
  });

  it('lists every channel in the status, and refuses an unknown channel by name', async () => {
    const res = await api('GET', '/channels/status');
    expect(res.status).toBe(200);
    expect((res.body.channels as Array<{ channel: string }>).map((c) => c.channel)).toEqual(['shopify', 'woocommerce', 'google']);
    // The text scripts read: the missing settings by name (the Channels screen words it by its form's labels).
    expect(await status('google')).toMatchObject({
      configured: false,
      connected: false,
      problem: 'Not set up: set channels.google.merchantId, channels.google.dataSourceId, channels.google.serviceAccountKey first.',
    });
    const unknown = await api('POST', '/channels/amazon/connect');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error?.message).toContain('channel must be one of shopify, woocommerce, google');
    expect((await api('POST', '/channels/google/connect')).status).toBe(422);
  });

  it('connects over HTTP and answers the match report, kept for the screen', async () => {
    const res = await api('POST', '/channels/shopify/connect');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'shopify', matched: { count: 2 }, queued: 2 });
    expect((await api('GET', '/channels/shopify/matches')).body.report).toMatchObject({ matched: { count: 2 } });
    expect((await api('POST', '/channels/woocommerce/connect')).body).toMatchObject({ matched: { count: 1 }, stockfeedOnly: { count: 1 } });
    await settled(core, 'shopify');
    await settled(core, 'woocommerce');
  });

  it('ignores the echo of its own push, counting it', async () => {
    await core.call('stock.receive', { sku: 'ECHO-1', quantity: 5 });
    await eventually(() => shop.available('ECHO-1') === 5 && store.store.bySku('ECHO-1')?.stockQuantity === 5, 2_000, 'both pushes');
    await shop.webhooks.settled();
    await store.webhooks.settled();
    const shopifyEcho = shop.webhooks.deliveries.at(-1);
    expect(shopifyEcho?.status).toBe(200);
    expect((await status('shopify')).echoesIgnored).toBeGreaterThanOrEqual(1);
    expect((await status('woocommerce')).echoesIgnored).toBeGreaterThanOrEqual(1);
    // No loop: nothing was pushed because of the echoes.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await api('GET', '/channels/shopify/pushes?status=pending')).body.pushes).toEqual([]);
    expect((await api('GET', '/channels/shopify/drift')).body.drift).toEqual([]);
  });

  it('corrects a stock edit made in the channel\'s admin, never taking it as truth, and reports the drift', async () => {
    const calls = shop.calls.length;
    shop.adminSetAvailable('ECHO-1', 77);
    await eventually(() => shop.available('ECHO-1') === 5, 3_000, 'Shopify corrected');
    expect(shop.calls.length).toBe(calls + 1);
    store.adminUpdate('ECHO-1', { stock_quantity: 40 });
    await eventually(() => store.store.bySku('ECHO-1')?.stockQuantity === 5, 3_000, 'WooCommerce corrected');
    await settled(core, 'shopify');
    await settled(core, 'woocommerce');
    expect((await core.call('stock.get', { sku: 'ECHO-1' })).onHand).toBe(5);
    expect((await api('GET', '/channels/shopify/drift')).body.drift).toEqual([expect.objectContaining({ sku: 'ECHO-1', channelValue: '77', stockfeedValue: '5', source: 'echo' })]);
    expect((await api('GET', '/channels/woocommerce/drift')).body.drift).toEqual([expect.objectContaining({ sku: 'ECHO-1', channelValue: '40', stockfeedValue: '5', source: 'echo' })]);
    // The correction's own echo is ignored: no second correction.
    await shop.webhooks.settled();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(shop.calls.length).toBe(calls + 1);
  });

  it('does not "correct" a sale made in the channel once its order reached Stockfeed', async () => {
    await core.call('stock.receive', { sku: 'SALE-1', quantity: 3 });
    await eventually(() => shop.available('SALE-1') === 3, 2_000, 'the first push');
    await settled(core, 'shopify');
    const calls = shop.calls.length;
    // A sale in Shopify: the level drops at once, the order webhook reserves the unit in Stockfeed.
    shop.adminSetAvailable('SALE-1', 2);
    await core.call('reservations.create', { sku: 'SALE-1', quantity: 1, reference: 'Shopify order #1001' });
    await new Promise((resolve) => setTimeout(resolve, FAST_PUSH.echoDelayMs + 300));
    await settled(core, 'shopify');
    expect(shop.available('SALE-1')).toBe(2);
    expect(shop.calls.length).toBe(calls);
    expect(((await api('GET', '/channels/shopify/drift')).body.drift as Array<{ sku: string }>).map((d) => d.sku)).not.toContain('SALE-1');
  });

  it('lists pushes by status, and retries only a parked push', async () => {
    const sent = await api('GET', '/channels/shopify/pushes?status=sent&limit=2');
    expect(sent.status).toBe(200);
    expect((sent.body.pushes as unknown[]).length).toBe(2);
    expect(sent.body.next).toEqual(expect.any(Number));
    const one = (sent.body.pushes as Array<{ id: number }>)[0]!;
    const notParked = await api('POST', `/channels/shopify/pushes/${one.id}/retry`);
    expect(notParked.status).toBe(409);
    expect((await api('POST', '/channels/shopify/pushes/999999/retry')).status).toBe(404);
    expect((await api('GET', '/channels/shopify/pushes?status=lost')).status).toBe(422);
  });

  it('runs the drift check on demand', async () => {
    const res = await api('POST', '/channels/woocommerce/reconcile');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ channel: 'woocommerce', checked: 1, differences: [] });
  });

  it('puts channel.synced and channel.failed on the change log, and so on the event stream', async () => {
    const synced = (await api('GET', '/changes?type=channel.synced&limit=1000')).body.changes as Array<{ payload: { channel: string; pushed: number } }>;
    expect(synced.length).toBeGreaterThan(0);
    expect(synced.every((c) => c.payload.pushed > 0)).toBe(true);
    expect(new Set(synced.map((c) => c.payload.channel))).toEqual(new Set(['shopify', 'woocommerce']));
    // WooCommerce stops answering: one channel.failed (not one per retry), and the push waits.
    await store.faults.down('refuse');
    await core.call('stock.receive', { sku: 'ECHO-1', quantity: 1 });
    await eventually(async () => ((await api('GET', '/changes?type=channel.failed&limit=10')).body.changes as unknown[]).length > 0, 3_000, 'channel.failed');
    const failed = (await api('GET', '/changes?type=channel.failed&limit=10')).body.changes as Array<{ payload: { channel: string; error: string; pending: number } }>;
    expect(failed).toEqual([expect.objectContaining({ payload: expect.objectContaining({ channel: 'woocommerce', error: expect.any(String), pending: 1 }) })]);
    expect(await status('woocommerce')).toMatchObject({ pending: 1, parked: 0, lastError: expect.any(String) });
    await store.faults.up();
    core.channelPush.pusher?.retryNow('woocommerce');
    await eventually(() => store.store.bySku('ECHO-1')?.stockQuantity === 6, 3_000, 'WooCommerce caught up');
  });

  it('documents the channel routes of issue 15 in the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const paths = (res.json() as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: { enum?: string[] } }> }>> }).paths;
    expect(Object.keys(paths['/api/v1/channels/{channel}/connect'] ?? {})).toEqual(['post']);
    expect(Object.keys(paths['/api/v1/channels/status'] ?? {})).toEqual(['get']);
    expect(Object.keys(paths['/api/v1/channels/{channel}/pushes/{id}/retry'] ?? {})).toEqual(['post']);
    expect(Object.keys(paths['/api/v1/channels/{channel}/reconcile'] ?? {})).toEqual(['post']);
    const pushes = paths['/api/v1/channels/{channel}/pushes']?.get;
    expect(pushes?.parameters?.find((p) => p.name === 'status')).toMatchObject({ in: 'query', schema: { enum: ['pending', 'parked', 'sent'] } });
    expect(pushes?.parameters?.find((p) => p.name === 'channel')).toMatchObject({ in: 'path', schema: { enum: ['shopify', 'woocommerce', 'google'] } });
  });
});
