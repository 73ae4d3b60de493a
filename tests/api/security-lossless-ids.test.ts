/**
 * Security regression: Shopify's order, line and refund ids are 64-bit integers (its own sample
 * order id, 820982911946154508, is above 2^53). A signed webhook carrying one used to be answered
 * 400 "Too big" (JSON.parse had already rounded it), so Shopify retried it and eventually dropped
 * the subscription. Every topic is sent here as Shopify's own sample payload, byte for byte, through
 * the signed endpoint, and every id must come out exactly as sent.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { parseWebhookBody, shopifyEvent } from '../../electron/core/channels/channel-events';
import { silentLogger } from '../../electron/core/logger';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';
import { shopifyRequest, shopifySample, wooOrder, wooRequest } from '../fixtures/channels/channel-requests';

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'shpss_0123456789abcdef0123456789abcdef';
const ORDER_ID = '820982911946154508';
/** The line ids of Shopify's sample order, in order; all but one are above 2^53. */
const LINE_IDS = ['487817672276298554', '789012345678901234', '890123456789012345', '976318377106520349', '315789986012684393'];
/** The SKUs of the sample order's lines: the products exist, so the order applies. */
const SAMPLE_SKUS = ['SKU2006-001', 'LENS-PROTECT-2YR', 'CASE-LEATHER-PREM', 'SKU2006-020', 'SKU2006-035'];

describe('parseWebhookBody', () => {
  it('keeps integers above 2^53 exact (as bigints) and leaves safe numbers as numbers', () => {
    const body = parseWebhookBody(Buffer.from('{"id":820982911946154508,"quantity":2,"subtotal":89.99,"neg":-9007199254740993,"small":9007199254740991}')) as Record<string, unknown>;
    expect(body).toEqual({ id: 820982911946154508n, quantity: 2, subtotal: 89.99, neg: -9007199254740993n, small: 9007199254740991 });
  });

  it('takes an id up to 2^63 - 1 and refuses a negative one or one past 64 bits', () => {
    const order = (id: string) => shopifyEvent('orders/create', parseWebhookBody(Buffer.from(`{"id":${id},"line_items":[]}`)));
    expect(order('9223372036854775807')).toMatchObject({ orderId: '9223372036854775807' });
    expect(() => order('9223372036854775808')).toThrow(/id: an id is a whole number up to 9223372036854775807/);
    expect(() => order('-9007199254740993')).toThrow(/payload is malformed: id/);
    expect(() => order('18446744073709551616')).toThrow(/payload is malformed: id/);
  });

  it('says why a body is not JSON', () => {
    expect(() => parseWebhookBody(Buffer.from('{"id": 1, "line_items": ['))).toThrow(/not valid JSON/);
  });
});

describe.each(engines())('Shopify sample payloads with 64-bit ids on %s', (engine) => {
  let core: TestCore;
  let app: FastifyInstance;
  const send = async (topic: Parameters<typeof shopifySample>[0], body: string = shopifySample(topic)) => {
    const res = await app.inject(shopifyRequest(topic, body, SECRET));
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { outcome: string; state: string | null; orderId: string; reference: string; message: string };
  };
  const stock = async (sku: string) => (await core.call('stock.get', { sku })) as { onHand: number; committed: number };
  const storedOrder = async () => {
    const row = (await core.db('channel_orders').where({ channel: 'shopify', order_id: ORDER_ID }).first()) as { order_id: string; lines: string; state: string } | undefined;
    return row && { orderId: row.order_id, state: row.state, lines: JSON.parse(row.lines) as Array<{ lineId: string; sku: string; quantity: number; returned: number }> };
  };

  beforeAll(async () => {
    core = await startCore(engine);
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, channels: { ...settings.channels, shopify: { secret: SECRET } } });
    for (const sku of SAMPLE_SKUS) {
      await core.call('products.create', productInput(sku));
      await core.call('stock.receive', { sku, quantity: 5 });
    }
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('orders/create reserves every line and stores the order and line ids exactly', async () => {
    const created = await send('orders/create');
    expect(created).toMatchObject({ outcome: 'reserved', state: 'reserved', orderId: ORDER_ID, reference: 'Shopify order #9999' });
    expect(await storedOrder()).toMatchObject({ orderId: ORDER_ID, state: 'reserved' });
    expect((await storedOrder())?.lines.map((l) => [l.lineId, l.sku, l.quantity])).toEqual(LINE_IDS.map((id, i) => [id, SAMPLE_SKUS[i], 1]));
    for (const sku of SAMPLE_SKUS) expect(await stock(sku)).toMatchObject({ onHand: 5, committed: 1 });
    // The reservations carry the reference, and the change log the exact id.
    const changes = await core.call('changes.list', { type: 'order.changed' });
    expect(changes.changes.map((c) => (c.payload as { orderId: string }).orderId)).toContain(ORDER_ID);
  });

  it('orders/paid fulfils it and orders/fulfilled then changes nothing', async () => {
    expect(await send('orders/paid')).toMatchObject({ outcome: 'fulfilled', state: 'fulfilled', orderId: ORDER_ID });
    for (const sku of SAMPLE_SKUS) expect(await stock(sku)).toMatchObject({ onHand: 4, committed: 0 });
    expect(await send('orders/fulfilled')).toMatchObject({ outcome: 'unchanged', state: 'fulfilled', orderId: ORDER_ID });
  });

  it('refunds/create names the refund by its exact id; a restocked line matches its 64-bit line id', async () => {
    // Shopify's sample refunds every line with no_restock: nothing goes back on the shelf.
    const sample = await send('refunds/create');
    expect(sample).toMatchObject({ outcome: 'recorded', orderId: ORDER_ID });
    expect(sample.message).toContain('890088186047892319');
    expect(await stock('SKU2006-001')).toMatchObject({ onHand: 4 });
    // The same refund with its first line returned to stock (the one change made to the sample,
    // with a new refund id): the line is found by line_item_id 487817672276298554. A rounded id
    // (487817672276298560) would match no line of the order.
    const restocked = shopifySample('refunds/create')
      .replace('"id": 890088186047892319', '"id": 890088186047892321')
      .replace('"restock_type": "no_restock"', '"restock_type": "return"');
    const returned = await send('refunds/create', restocked);
    expect(returned).toMatchObject({ outcome: 'returned', orderId: ORDER_ID });
    expect(returned.message).toContain('890088186047892321');
    expect(await stock('SKU2006-001')).toMatchObject({ onHand: 5 });
    expect((await storedOrder())?.lines[0]).toMatchObject({ lineId: LINE_IDS[0], returned: 1 });
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('orders/cancelled releases a held order; another order id one above 2^53 apart stays separate', async () => {
    // Two ids that round to the same double: kept apart only because they are compared as text.
    const twin = shopifySample('orders/create').replace(`"id": ${ORDER_ID}`, '"id": 820982911946154509');
    expect(Number('820982911946154509')).toBe(Number(ORDER_ID));
    expect(await send('orders/create', twin)).toMatchObject({ outcome: 'reserved', orderId: '820982911946154509' });
    expect(await stock('SKU2006-020')).toMatchObject({ committed: 1 });
    const cancelledTwin = shopifySample('orders/cancelled').replace(`"id": ${ORDER_ID}`, '"id": 820982911946154509');
    expect(await send('orders/cancelled', cancelledTwin)).toMatchObject({ outcome: 'released', state: 'cancelled', orderId: '820982911946154509' });
    expect(await stock('SKU2006-020')).toMatchObject({ committed: 0 });
    // The sample order itself (already fulfilled) is not touched by its twin's cancellation.
    expect(await storedOrder()).toMatchObject({ state: 'fulfilled' });
    expect(await send('orders/cancelled')).toMatchObject({ orderId: ORDER_ID, state: 'fulfilled' });
  });
});

describe('WooCommerce ids are parsed the same way', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const WOO_SECRET = 'wc-webhook-secret-0123456789';

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, channels: { ...settings.channels, woocommerce: { secret: WOO_SECRET } } });
    await core.call('products.create', productInput('MUG-BLUE'));
    await core.call('stock.receive', { sku: 'MUG-BLUE', quantity: 10 });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('keeps a WooCommerce order id above 2^53 exact', async () => {
    const body = JSON.stringify(wooOrder(727, 'processing', [['MUG-BLUE', 2]])).replace('"id":727,', '"id":9007199254740993,');
    const res = await app.inject(wooRequest('order.created', body, WOO_SECRET));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'reserved', orderId: '9007199254740993' });
  });
});
