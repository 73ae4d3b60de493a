import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';
import { fixture, wooOrder, wooRequest } from '../fixtures/channels/channel-requests';

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'wc-webhook-secret-0123456789';

describe('POST /api/v1/channels/woocommerce/orders', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const stock = async (sku: string) => (await core.call('stock.get', { sku })) as { onHand: number; committed: number };
  const send = async (topic: string, body: Record<string, unknown>, options: { deliveryId?: string } = {}) => {
    const res = await app.inject(wooRequest(topic, body, SECRET, options));
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { outcome: string; state: string | null; duplicate: boolean; exceptionId: string | null; message: string };
  };

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    for (const sku of ['MUG-BLUE', 'STRAINER']) {
      await core.call('products.create', productInput(sku));
      await core.call('stock.receive', { sku, quantity: 10 });
    }
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('answers the unsigned creation ping with 200 only once a secret is set', async () => {
    const ping = { method: 'POST' as const, url: '/api/v1/channels/woocommerce/orders', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'webhook_id=14' };
    expect((await app.inject(ping)).statusCode).toBe(401);
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, channels: { ...settings.channels, woocommerce: { secret: SECRET } } });
    const res = await app.inject(ping);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, ping: true });
    // Anything else unsigned is refused.
    expect((await app.inject({ ...ping, payload: 'webhook_id=14&x=1' })).statusCode).toBe(401);
  });

  it('refuses a wrong signature with 401', async () => {
    const res = await app.inject(wooRequest('order.created', fixture('woocommerce-order'), 'not-the-secret'));
    expect(res.statusCode).toBe(401);
    expect((await stock('MUG-BLUE')).committed).toBe(0);
  });

  it('follows the order status: processing reserves, completed fulfils, refunded returns', async () => {
    const created = await send('order.created', fixture('woocommerce-order'), { deliveryId: 'a1b2c3d4e5' });
    expect(created).toMatchObject({ outcome: 'reserved', state: 'reserved' });
    expect(await stock('MUG-BLUE')).toMatchObject({ onHand: 10, committed: 2 });
    // A redelivery (same delivery id) and an update that leaves the status alone change nothing.
    expect(await send('order.created', fixture('woocommerce-order'), { deliveryId: 'a1b2c3d4e5' })).toMatchObject({ duplicate: true });
    expect((await send('order.updated', fixture('woocommerce-order'))).outcome).toBe('unchanged');
    expect((await stock('MUG-BLUE')).committed).toBe(2);

    const completed = await send('order.updated', { ...fixture('woocommerce-order'), status: 'completed' });
    expect(completed).toMatchObject({ outcome: 'fulfilled', state: 'fulfilled' });
    expect(await stock('MUG-BLUE')).toMatchObject({ onHand: 8, committed: 0 });

    const refunded = await send('order.updated', { ...fixture('woocommerce-order'), status: 'refunded' });
    expect(refunded).toMatchObject({ outcome: 'returned', state: 'refunded' });
    expect(await stock('MUG-BLUE')).toMatchObject({ onHand: 10 });
    expect(await stock('STRAINER')).toMatchObject({ onHand: 10 });
    expect((await send('order.updated', { ...fixture('woocommerce-order'), status: 'refunded' })).outcome).toBe('unchanged');
  });

  it('tells apart two orders sent in the same second under one delivery id', async () => {
    // WooCommerce derives the delivery id from the webhook id and the current second.
    const first = await send('order.created', wooOrder(811, 'processing', [['STRAINER', 1]]), { deliveryId: 'same-second' });
    const second = await send('order.created', wooOrder(812, 'processing', [['STRAINER', 1]]), { deliveryId: 'same-second' });
    expect([first.outcome, second.outcome]).toEqual(['reserved', 'reserved']);
    expect((await send('order.created', wooOrder(812, 'processing', [['STRAINER', 1]]), { deliveryId: 'same-second' })).duplicate).toBe(true);
    expect((await stock('STRAINER')).committed).toBe(2);
    await send('order.updated', wooOrder(811, 'cancelled', [['STRAINER', 1]]));
    await send('order.updated', wooOrder(812, 'cancelled', [['STRAINER', 1]]));
  });

  it('releases on cancelled, failed and deleted orders', async () => {
    for (const [id, status] of [[801, 'cancelled'], [802, 'failed']] as const) {
      await send('order.created', wooOrder(id, 'on-hold', [['MUG-BLUE', 4]]));
      expect((await stock('MUG-BLUE')).committed).toBe(4);
      expect(await send('order.updated', wooOrder(id, status, [['MUG-BLUE', 4]]))).toMatchObject({ outcome: 'released', state: 'cancelled' });
      expect((await stock('MUG-BLUE')).committed).toBe(0);
    }
    await send('order.created', wooOrder(803, 'pending', [['STRAINER', 2]]));
    expect(await send('order.deleted', { id: 803 })).toMatchObject({ outcome: 'released' });
    expect((await stock('STRAINER')).committed).toBe(0);
  });

  it('reserves and ships in one step when the first delivery already says completed (out of order)', async () => {
    const res = await send('order.updated', wooOrder(804, 'completed', [['STRAINER', 1]]));
    expect(res).toMatchObject({ outcome: 'fulfilled' });
    expect(await stock('STRAINER')).toMatchObject({ onHand: 9, committed: 0 });
    expect((await send('order.created', wooOrder(804, 'processing', [['STRAINER', 1]]))).outcome).toBe('unchanged');
  });

  it('records an exception for an order the shop cannot cover, and resolves it when the order is cancelled', async () => {
    const res = await send('order.created', wooOrder(805, 'processing', [['MUG-BLUE', 1], ['MUG-BLUE', 50]]));
    expect(res.outcome).toBe('exception');
    expect((await stock('MUG-BLUE')).committed).toBe(0);
    const open = await core.call('orders.exceptions', { status: 'open' });
    expect(open.exceptions.map((e) => e.reference)).toContain('WooCommerce order #805');
    const cancelled = await send('order.updated', wooOrder(805, 'cancelled', [['MUG-BLUE', 1], ['MUG-BLUE', 50]]));
    expect(cancelled).toMatchObject({ outcome: 'recorded', state: 'cancelled' });
    const after = await core.call('orders.exceptions', { status: 'open' });
    expect(after.exceptions.map((e) => e.reference)).not.toContain('WooCommerce order #805');
  });

  it('ignores drafts and non-order topics, and rejects a malformed order with 400', async () => {
    expect((await send('order.created', wooOrder(806, 'checkout-draft', [['MUG-BLUE', 1]]))).outcome).toBe('ignored');
    expect((await send('product.updated', { id: 93 })).outcome).toBe('ignored');
    const bad = await app.inject(wooRequest('order.updated', { id: 807, status: 'processing', line_items: 'none' }, SECRET));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('line_items');
    expect((await core.checkLedger()).ok).toBe(true);
  });
});
