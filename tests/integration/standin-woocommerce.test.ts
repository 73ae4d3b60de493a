/**
 * The WooCommerce stand-in answers the way the REST API v3 is documented and coded to: products and
 * variations by SKU with paging headers, stock_status computed from the quantity and backorders,
 * the batch endpoints with their 100-item limit and per-item errors, consumer key authentication
 * with WooCommerce's error codes, signed product.updated echoes, and faults.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyHmacBase64 } from '../helpers/channel-standins/echo-webhooks';
import { startWooCommerceStandIn, type WooCommerceStandIn } from '../helpers/channel-standins/woocommerce-standin';
import { startReceiver } from '../helpers/webhook-receiver';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function store() {
  const woo = await startWooCommerceStandIn({ webhookSecret: 'hook-secret' });
  open.push(woo);
  const mug = woo.store.addSimple({ name: 'Mug', sku: 'MUG', stock_quantity: 5, regular_price: '9.50' });
  const poster = woo.store.addSimple({ name: 'Poster', sku: 'POSTER', manage_stock: false, stock_status: 'instock' });
  const tee = woo.store.addVariable({ name: 'Tee', sku: 'TEE', variations: [{ sku: 'TEE-S', stock_quantity: 0, attributes: [{ name: 'Size', option: 'S' }] }, { sku: 'TEE-M', stock_quantity: 4, backorders: 'notify', attributes: [{ name: 'Size', option: 'M' }] }] });
  return { woo, mug, poster, tee };
}

const auth = (woo: WooCommerceStandIn, key = woo.consumerKey, secret = woo.consumerSecret) => ({ authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` });

async function call(woo: WooCommerceStandIn, method: string, path: string, body?: unknown, headers: Record<string, string> = auth(woo)) {
  const response = await fetch(`${woo.apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as unknown };
}

describe('WooCommerce stand-in: reading the catalogue', () => {
  it('lists products with X-WP-Total and X-WP-TotalPages, filters by SKU list, and reads variations', async () => {
    const { woo, tee } = await store();
    const page = await call(woo, 'GET', '/products?per_page=2&page=1');
    expect(page.status).toBe(200);
    expect(page.headers.get('x-wp-total')).toBe('3');
    expect(page.headers.get('x-wp-totalpages')).toBe('2');
    expect(page.headers.get('link')).toContain('rel="next"');
    expect((page.body as Array<{ sku: string }>).map((p) => p.sku)).toEqual(['TEE', 'POSTER']); // newest first
    const bySku = await call(woo, 'GET', '/products?sku=MUG,POSTER&orderby=id&order=asc');
    expect(bySku.body).toEqual([
      expect.objectContaining({ sku: 'MUG', type: 'simple', manage_stock: true, stock_quantity: 5, stock_status: 'instock', backorders: 'no', variations: [] }),
      expect.objectContaining({ sku: 'POSTER', manage_stock: false, stock_quantity: null, stock_status: 'instock' }),
    ]);
    const variable = await call(woo, 'GET', `/products/${tee.product.id}`);
    expect(variable.body).toMatchObject({ type: 'variable', variations: tee.product.children, stock_status: 'instock' });
    const variations = await call(woo, 'GET', `/products/${tee.product.id}/variations?per_page=100`);
    expect(variations.body).toEqual([
      expect.objectContaining({ sku: 'TEE-M', stock_quantity: 4, stock_status: 'instock', backorders: 'notify', backorders_allowed: true, attributes: [{ id: 0, name: 'Size', option: 'M' }] }),
      expect.objectContaining({ sku: 'TEE-S', stock_quantity: 0, stock_status: 'outofstock' }),
    ]);
    // WordPress encodes JSON like PHP: slashes escaped, so a receiver must parse, not compare text.
    expect(page.text).toContain('http:\\/\\/127.0.0.1');
  });

  it('refuses per_page above 100 and unknown ids in WordPress error shape', async () => {
    const { woo } = await store();
    const big = await call(woo, 'GET', '/products?per_page=101');
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject({ code: 'rest_invalid_param', message: 'Invalid parameter(s): per_page', data: { status: 400, params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' } } });
    expect(await call(woo, 'GET', '/products/999999')).toMatchObject({ status: 404, body: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 404 } } });
    expect((await call(woo, 'GET', '/orders')).body).toMatchObject({ code: 'rest_no_route', data: { status: 404 } });
  });
});

describe('WooCommerce stand-in: authentication', () => {
  it('accepts Basic auth and the consumer_key/consumer_secret query parameters, and answers WooCommerce 401s otherwise', async () => {
    const { woo } = await store();
    expect((await call(woo, 'GET', `/products?consumer_key=${woo.consumerKey}&consumer_secret=${woo.consumerSecret}`, undefined, {})).status).toBe(200);
    expect(await call(woo, 'GET', '/products', undefined, {})).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } } });
    expect(await call(woo, 'GET', '/products', undefined, auth(woo, woo.consumerKey, 'cs_wrong'))).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.' } });
    expect((await call(woo, 'POST', '/products/batch', { update: [] }, auth(woo, 'ck_unknown', 'cs_x'))).body).toMatchObject({ code: 'woocommerce_rest_cannot_batch' });
  });

  it('refuses writes with a read-only key', async () => {
    const woo = await startWooCommerceStandIn({ keys: [{ consumerKey: 'ck_read', consumerSecret: 'cs_read', permissions: 'read' }] });
    open.push(woo);
    const mug = woo.store.addSimple({ sku: 'MUG', stock_quantity: 1 });
    expect((await call(woo, 'GET', `/products/${mug.id}`)).status).toBe(200);
    expect(await call(woo, 'PUT', `/products/${mug.id}`, { stock_quantity: 2 })).toMatchObject({ status: 401, body: { code: 'woocommerce_rest_authentication_error', message: 'The API key provided does not have write permissions.' } });
  });
});

describe('WooCommerce stand-in: writing stock', () => {
  it('computes stock_status from stock_quantity and backorders as WooCommerce saves a product', async () => {
    const { woo, mug, tee } = await store();
    expect(await call(woo, 'PUT', `/products/${mug.id}`, { stock_quantity: 0, stock_status: 'instock' })).toMatchObject({ status: 200, body: { stock_quantity: 0, stock_status: 'outofstock' } });
    expect((await call(woo, 'PUT', `/products/${mug.id}`, { backorders: 'yes' })).body).toMatchObject({ stock_status: 'onbackorder', backorders_allowed: true, backordered: true });
    expect((await call(woo, 'PUT', `/products/${mug.id}`, { manage_stock: false, stock_status: 'outofstock' })).body).toMatchObject({ manage_stock: false, stock_quantity: null, backorders: 'no', stock_status: 'outofstock' });
    expect((await call(woo, 'PUT', `/products/${mug.id}`, { stock_quantity: 'many' })).body).toMatchObject({ code: 'rest_invalid_param', data: { params: { stock_quantity: expect.any(String) } } });
    const [small] = tee.variations;
    expect((await call(woo, 'PUT', `/products/${tee.product.id}/variations/${small!.id}`, { stock_quantity: 3 })).body).toMatchObject({ stock_quantity: 3, stock_status: 'instock' });
    await call(woo, 'PUT', `/products/${tee.product.id}/variations/${tee.variations[1]!.id}`, { stock_quantity: 0, backorders: 'no' });
    await call(woo, 'PUT', `/products/${tee.product.id}/variations/${small!.id}`, { stock_quantity: 0 });
    expect((await call(woo, 'GET', `/products/${tee.product.id}`)).body).toMatchObject({ stock_status: 'outofstock' });
  });

  it('updates up to 100 items per batch call, reports unknown ids per item, and refuses 101 with 413', async () => {
    const { woo, mug, tee } = await store();
    const batch = await call(woo, 'POST', '/products/batch', { update: [{ id: mug.id, stock_quantity: 11 }, { id: 424242, stock_quantity: 1 }] });
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual({
      update: [
        expect.objectContaining({ id: mug.id, stock_quantity: 11, stock_status: 'instock' }),
        { id: 424242, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } },
      ],
    });
    const variations = await call(woo, 'POST', `/products/${tee.product.id}/variations/batch`, { update: [{ id: tee.variations[0]!.id, stock_quantity: 2 }, { id: mug.id, stock_quantity: 2 }] });
    expect(variations.body).toEqual({
      update: [expect.objectContaining({ id: tee.variations[0]!.id, stock_quantity: 2 }), { id: mug.id, error: { code: 'woocommerce_rest_product_variation_invalid_id', message: 'Invalid ID.', data: { status: 400 } } }],
    });
    expect(woo.store.items.get(mug.id)!.stockQuantity).toBe(11);
    const tooMany = await call(woo, 'POST', '/products/batch', { update: Array.from({ length: 101 }, () => ({ id: mug.id, stock_quantity: 1 })) });
    expect(tooMany).toMatchObject({ status: 413, body: { code: 'woocommerce_rest_request_entity_too_large', message: 'Unable to accept more than 100 items for this request.', data: { status: 413 } } });
    expect(woo.store.items.get(mug.id)!.stockQuantity).toBe(11);
  });
});

describe('WooCommerce stand-in: echoes and faults', () => {
  it('sends product.updated for products and variations, signed with the webhook secret over the exact body', async () => {
    const { woo, mug, tee } = await store();
    const receiver = await startReceiver();
    open.push(receiver);
    woo.webhooks.url = receiver.url;
    await call(woo, 'POST', '/products/batch', { update: [{ id: mug.id, stock_quantity: 2 }] });
    woo.adminUpdate('TEE-S', { stock_quantity: 9 });
    await woo.webhooks.settled();
    expect(receiver.requests).toHaveLength(2);
    const [product, variation] = receiver.requests;
    expect(product!.headers).toMatchObject({ 'x-wc-webhook-topic': 'product.updated', 'x-wc-webhook-resource': 'product', 'x-wc-webhook-event': 'updated', 'x-wc-webhook-id': '7', 'x-wc-webhook-source': `${woo.url}/` });
    expect(product!.headers['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyHmacBase64('hook-secret', product!.rawBody, product!.headers['x-wc-webhook-signature'] as string)).toBe(true);
    expect(verifyHmacBase64('hook-secret', JSON.stringify(JSON.parse(product!.rawBody)), product!.headers['x-wc-webhook-signature'] as string)).toBe(false);
    expect(JSON.parse(product!.rawBody)).toMatchObject({ id: mug.id, sku: 'MUG', stock_quantity: 2 });
    expect(JSON.parse(variation!.rawBody)).toMatchObject({ id: tee.variations[0]!.id, type: 'variation', parent_id: tee.product.id, sku: 'TEE-S', stock_quantity: 9 });
  });

  it('answers 429 with Retry-After, resets connections and goes down on request', async () => {
    const { woo } = await store();
    woo.faults.failNext(1, { status: 429, headers: { 'Retry-After': '2' } });
    const limited = await fetch(`${woo.apiUrl}/products`, { headers: auth(woo) });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    await woo.faults.down('reset');
    await expect(fetch(`${woo.apiUrl}/products`, { headers: auth(woo) })).rejects.toThrow();
    await woo.faults.down('refuse');
    await expect(fetch(`${woo.apiUrl}/products`, { headers: auth(woo) })).rejects.toThrow();
    await woo.faults.up();
    expect((await fetch(`${woo.apiUrl}/products`, { headers: auth(woo) })).status).toBe(200);
  });
});
