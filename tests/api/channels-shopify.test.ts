import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';
import { fixture, shopifyOrder, shopifyRequest } from '../fixtures/channels/channel-requests';

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'shpss_0123456789abcdef0123456789abcdef';

describe('POST /api/v1/channels/shopify/orders', () => {
  let core: TestCore;
  let app: FastifyInstance;

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
  const stock = async (sku: string) => (await core.call('stock.get', { sku })) as { onHand: number; committed: number; available: number };

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    for (const sku of ['MUG-BLUE', 'TEAPOT-BLACK', 'STRAINER']) {
      await core.call('products.create', productInput(sku));
      await core.call('stock.receive', { sku, quantity: 10 });
    }
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('is 401 with a clear message until the secret is set, and never asks for the API token', async () => {
    const res = await app.inject(shopifyRequest('orders/create', fixture('shopify-order'), SECRET));
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('channels.shopify.secret') });
  });

  it('stores the secret without ever returning it', async () => {
    const current = (await api('GET', '/settings')).json();
    const put = await api('PUT', '/settings', { ...current, channels: { ...current.channels, shopify: { secret: SECRET } } });
    expect(put.statusCode).toBe(200);
    expect(put.json().channels.shopify).toEqual({ secret: null, hasSecret: true });
    const again = await api('GET', '/settings');
    expect(again.body).not.toContain(SECRET);
    // PUT with null (what GET shows) keeps the stored secret.
    const keep = await api('PUT', '/settings', again.json());
    expect(keep.json().channels.shopify.hasSecret).toBe(true);
  });

  it('refuses a missing or wrong signature with 401 before reading the body, and changes nothing', async () => {
    const order = fixture('shopify-order');
    const missing = shopifyRequest('orders/create', order, SECRET);
    delete missing.headers['x-shopify-hmac-sha256'];
    expect((await app.inject(missing)).statusCode).toBe(401);
    const wrong = await app.inject(shopifyRequest('orders/create', order, 'another-secret'));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toContain('does not match');
    // A body that is not even JSON, with a bad signature, is still 401: nothing is parsed first.
    const garbage = await app.inject(shopifyRequest('orders/create', '{"id": 1, "line_items": [', SECRET, { signature: 'AAAA' }));
    expect(garbage.statusCode).toBe(401);
    // Signed for a different body (tampered after signing).
    const tampered = shopifyRequest('orders/create', order, SECRET);
    tampered.payload = tampered.payload.replace('"quantity":2', '"quantity":9');
    expect((await app.inject(tampered)).statusCode).toBe(401);
    expect((await stock('MUG-BLUE')).committed).toBe(0);
  });

  it('reserves every line of orders/create by SKU, once, whatever the redeliveries', async () => {
    const request = shopifyRequest('orders/create', fixture('shopify-order'), SECRET, { webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
    const res = await app.inject(request);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'reserved', state: 'reserved', reference: 'Shopify order #1042', duplicate: false });
    expect(await stock('MUG-BLUE')).toMatchObject({ onHand: 10, committed: 2 });
    expect(await stock('TEAPOT-BLACK')).toMatchObject({ committed: 1 });
    expect(await stock('STRAINER')).toMatchObject({ committed: 1 });

    const redelivered = await app.inject(request);
    expect(redelivered.json()).toMatchObject({ outcome: 'reserved', duplicate: true });
    // Same event under a new webhook id (a second subscription, or a resend from the admin).
    const resent = await app.inject(shopifyRequest('orders/create', fixture('shopify-order'), SECRET));
    expect(resent.json()).toMatchObject({ outcome: 'unchanged', state: 'reserved' });
    expect((await stock('MUG-BLUE')).committed).toBe(2);
    const reservations = await core.call('reservations.list', { sku: 'MUG-BLUE' });
    expect(reservations.reservations).toHaveLength(1);
    expect(reservations.reservations[0]).toMatchObject({ reference: 'Shopify order #1042', status: 'held', quantity: 2 });
  });

  it('fulfils on orders/paid and returns restocked refund lines on refunds/create', async () => {
    const paid = await app.inject(shopifyRequest('orders/paid', { ...fixture('shopify-order'), financial_status: 'paid' }, SECRET));
    expect(paid.json()).toMatchObject({ outcome: 'fulfilled', state: 'fulfilled' });
    expect(await stock('MUG-BLUE')).toMatchObject({ onHand: 8, committed: 0 });
    const fulfilled = await app.inject(shopifyRequest('orders/fulfilled', fixture('shopify-order'), SECRET));
    expect(fulfilled.json().outcome).toBe('unchanged');

    const refund = await app.inject(shopifyRequest('refunds/create', fixture('shopify-refund'), SECRET));
    expect(refund.statusCode).toBe(200);
    expect(refund.json()).toMatchObject({ outcome: 'returned', message: expect.stringContaining('2 units') });
    expect((await stock('MUG-BLUE')).onHand).toBe(10);
    // The strainer line was refunded with no_restock: it stays sold.
    expect((await stock('STRAINER')).onHand).toBe(9);
    // The same refund again (a new webhook id) returns nothing more.
    const again = await app.inject(shopifyRequest('refunds/create', fixture('shopify-refund'), SECRET));
    expect(again.json().outcome).toBe('unchanged');
    expect((await stock('MUG-BLUE')).onHand).toBe(10);
  });

  it('releases the reservations of a cancelled order', async () => {
    await app.inject(shopifyRequest('orders/create', shopifyOrder(2001, [['MUG-BLUE', 3], ['STRAINER', 1]]), SECRET));
    expect((await stock('MUG-BLUE')).committed).toBe(3);
    const cancelled = await app.inject(shopifyRequest('orders/cancelled', { ...shopifyOrder(2001, [['MUG-BLUE', 3], ['STRAINER', 1]]), cancelled_at: new Date().toISOString() }, SECRET));
    expect(cancelled.json()).toMatchObject({ outcome: 'released', state: 'cancelled' });
    expect((await stock('MUG-BLUE')).committed).toBe(0);
    // A late orders/create after the cancellation reserves nothing.
    const late = await app.inject(shopifyRequest('orders/create', shopifyOrder(2001, [['MUG-BLUE', 3]]), SECRET));
    expect(late.json()).toMatchObject({ outcome: 'unchanged', state: 'cancelled' });
    expect((await stock('MUG-BLUE')).committed).toBe(0);
  });

  it('turns an unknown SKU into an exception with the order reference, reserving nothing of the order', async () => {
    const order = shopifyOrder(3001, [['MUG-BLUE', 1], ['NO-SUCH-SKU', 1], [null, 1]]);
    const res = await app.inject(shopifyRequest('orders/create', order, SECRET));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ outcome: 'exception', reference: 'Shopify order #3001', exceptionId: expect.any(String) });
    expect((await stock('MUG-BLUE')).committed).toBe(0);

    const list = (await api('GET', '/orders/exceptions?status=open')).json();
    const exception = list.exceptions.find((e: { id: string }) => e.id === body.exceptionId);
    expect(exception).toMatchObject({ channel: 'shopify', orderId: '3001', reference: 'Shopify order #3001', status: 'open' });
    expect(exception.problems.map((p: { code: string; sku: string }) => [p.code, p.sku])).toEqual([
      ['unknown_sku', ''],
      ['unknown_sku', 'NO-SUCH-SKU'],
    ]);

    // Still failing: retry is 409 and the exception stays open.
    const retryTooSoon = await api('POST', `/orders/exceptions/${body.exceptionId}/resolve`, { action: 'retry' });
    expect(retryTooSoon.statusCode).toBe(409);
    expect(retryTooSoon.json().error.details.problems).toHaveLength(2);

    // A person dismisses it; the order stays without stock.
    const dismissed = await api('POST', `/orders/exceptions/${body.exceptionId}/resolve`, { action: 'dismiss', note: 'test order' });
    expect(dismissed.json()).toMatchObject({ status: 'resolved', resolution: 'dismissed: test order' });
    expect((await api('POST', `/orders/exceptions/${body.exceptionId}/resolve`, { action: 'dismiss' })).statusCode).toBe(409);
  });

  it('turns a quantity the shop cannot cover into an exception; a retry after receiving stock applies it', async () => {
    const order = shopifyOrder(4001, [['TEAPOT-BLACK', 20], ['STRAINER', 1]]);
    const res = (await app.inject(shopifyRequest('orders/create', order, SECRET))).json();
    expect(res.outcome).toBe('exception');
    expect(res.message).toContain('TEAPOT-BLACK');
    expect((await stock('STRAINER')).committed).toBe(0);

    await core.call('stock.receive', { sku: 'TEAPOT-BLACK', quantity: 20 });
    const retried = await api('POST', `/orders/exceptions/${res.exceptionId}/resolve`, { action: 'retry' });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'resolved', resolution: expect.stringContaining('retried') });
    expect((await stock('TEAPOT-BLACK')).committed).toBe(20);
    expect((await stock('STRAINER')).committed).toBe(1);
  });

  it('answers 400 with the reason for a signed but malformed body', async () => {
    const notJson = await app.inject(shopifyRequest('orders/create', '{"id": 5001, "line_items": [', SECRET));
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('not valid JSON') });
    const wrongShape = await app.inject(shopifyRequest('orders/create', { id: 5002, line_items: [{ id: 1, sku: 'MUG-BLUE', quantity: -3 }] }, SECRET));
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json().error.details.issues[0].path).toBe('line_items.0.quantity');
    const noTopic = shopifyRequest('orders/create', fixture('shopify-order'), SECRET);
    delete noTopic.headers['x-shopify-topic'];
    expect((await app.inject(noTopic)).statusCode).toBe(400);
    const other = await app.inject(shopifyRequest('products/update', { id: 1 }, SECRET));
    expect(other.json()).toMatchObject({ outcome: 'ignored' });
  });

  it('leaves the ledger equal to the stock levels', async () => {
    expect((await core.checkLedger()).ok).toBe(true);
    const changes = await core.call('changes.list', { type: 'order.exception' });
    expect(changes.changes.length).toBeGreaterThan(0);
  });
});
