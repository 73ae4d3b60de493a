import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

describe('REST API /api/v1', () => {
  let core: TestCore;
  let app: FastifyInstance;

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('answers health without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, version: '9.9.9', cache: 'memory' });
  });

  it('needs the bearer token everywhere else: 401 with the error shape', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/products' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') } });
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/stock/receive', headers: { authorization: 'Bearer nope' }, payload: {} });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('unauthorized');
    const basic = await app.inject({ method: 'GET', url: '/api/v1/products', headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.statusCode).toBe(401);
  });

  it('creates, reads and patches products with the documented field names', async () => {
    const created = await api('POST', '/products', {
      sku: 'api-1',
      title: 'API product',
      price: '12.50',
      currency: 'EUR',
      additionalImageUrls: ['https://cdn.example.com/a.jpg'],
    });
    expect(created.statusCode).toBe(201);
    const product = created.json();
    expect(Object.keys(product)).toEqual(
      expect.arrayContaining([
        'id', 'sku', 'title', 'description', 'brand', 'gtin', 'mpn', 'condition', 'price', 'salePrice', 'currency',
        'slug', 'imageUrl', 'additionalImageUrls', 'status', 'itemGroupId', 'allowBackorder', 'preorderDate',
      ]),
    );
    expect(product).toMatchObject({ sku: 'API-1', price: '12.50', salePrice: null, currency: 'EUR' });
    expect((await api('GET', `/products/${product.id}`)).json().sku).toBe('API-1');
    expect((await api('GET', '/products/api-1')).json().id).toBe(product.id);
    const patched = await api('PATCH', '/products/API-1', { salePrice: '10.00' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().salePrice).toBe('10.00');
    const list = await api('GET', '/products?query=api&limit=10');
    expect(list.json()).toMatchObject({ products: [{ sku: 'API-1' }], next: null });
  });

  it('rejects bad input with 422 naming each field, never a stack trace', async () => {
    const res = await api('POST', '/products', { sku: 'bad sku!', title: '', price: 12.5, colour: 'red' });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('validation_failed');
    const paths = error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['sku', 'title', 'price', '(body)']));
    expect(JSON.stringify(error)).not.toMatch(/at .*\.ts:\d+/);
    const limit = await api('GET', '/products?limit=abc');
    expect(limit.statusCode).toBe(422);
    expect(limit.json().error.details.issues[0].path).toBe('limit');
  });

  it('refuses a NUL character anywhere in the input (PostgreSQL cannot store it) with 422', async () => {
    const res = await api('POST', '/products', { sku: 'NUL-1', title: 'ok', price: '1.00', description: 'a\u0000b' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.issues).toEqual([{ path: 'description', message: expect.stringContaining('NUL') }]);
    const nested = await api('PUT', '/settings', { shopName: 'x', sftp: { host: 'h\u0000' } });
    expect(nested.json().error.details.issues[0].path).toBe('sftp.host');
  });

  it('answers 400 for a body that is not JSON or not an object, 413 for one too large, 404 for unknown things', async () => {
    const notJson = await app.inject({
      method: 'POST',
      url: '/api/v1/stock/receive',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: '{"sku": ',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('bad_request');
    const array = await api('POST', '/stock/receive', [1, 2]);
    expect(array.statusCode).toBe(400);
    const huge = await api('POST', '/products', { sku: 'BIG', title: 'x', price: '1.00', description: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const missing = await api('GET', '/products/NOPE-1');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    const route = await api('GET', '/nothing-here');
    expect(route.statusCode).toBe(404);
    expect(route.json().error.code).toBe('not_found');
  });

  it('moves stock and reports it in the documented shape', async () => {
    await api('POST', '/products', { sku: 'STOCK-1', title: 'Stocked', price: '3.00' });
    await api('POST', '/locations', { code: 'shop', name: 'Shop' });
    expect((await api('POST', '/stock/receive', { sku: 'STOCK-1', quantity: 10, reference: 'PO-9' })).statusCode).toBe(200);
    expect((await api('POST', '/stock/adjust', { sku: 'STOCK-1', quantity: -1, reason: 'broken' })).statusCode).toBe(200);
    expect((await api('POST', '/stock/count', { sku: 'STOCK-1', quantity: 8 })).statusCode).toBe(200);
    expect((await api('POST', '/stock/transfer', { sku: 'STOCK-1', quantity: 3, toLocation: 'shop' })).statusCode).toBe(200);
    const adjustNoReason = await api('POST', '/stock/adjust', { sku: 'STOCK-1', quantity: -1 });
    expect(adjustNoReason.statusCode).toBe(422);
    const stock = await api('GET', '/stock/stock-1');
    expect(stock.json()).toEqual({
      sku: 'STOCK-1',
      onHand: 8,
      committed: 0,
      incoming: 0,
      available: 8,
      availability: 'in_stock',
      availabilityDate: null,
      byLocation: [
        { location: 'main', onHand: 5, committed: 0, incoming: 0, available: 5 },
        { location: 'shop', onHand: 3, committed: 0, incoming: 0, available: 3 },
      ],
      incomingByDate: [],
    });
  });

  it('reserves with 201, refuses with 409 when not enough is available, fulfils and releases', async () => {
    const ok = await api('POST', '/reservations', { sku: 'STOCK-1', location: 'shop', quantity: 2, reference: 'ORDER-1' });
    expect(ok.statusCode).toBe(201);
    const too = await api('POST', '/reservations', { sku: 'STOCK-1', location: 'shop', quantity: 2, reference: 'ORDER-2' });
    expect(too.statusCode).toBe(409);
    expect(too.json().error).toMatchObject({ code: 'insufficient_stock', details: { available: 1 } });
    const fulfil = await api('POST', `/reservations/${ok.json().id}/fulfil`);
    expect(fulfil.statusCode).toBe(200);
    expect(fulfil.json()).toMatchObject({ status: 'fulfilled', stock: { onHand: 6 } });
    const again = await api('POST', `/reservations/${ok.json().id}/release`);
    expect(again.statusCode).toBe(409);
    const badId = await api('POST', '/reservations/not-a-uuid/release');
    expect(badId.statusCode).toBe(422);
  });

  it('replays an Idempotency-Key and refuses it for a different body', async () => {
    const body = { sku: 'STOCK-1', quantity: 1 };
    const first = await api('POST', '/stock/receive', body, { 'idempotency-key': 'hook-1' });
    const second = await api('POST', '/stock/receive', body, { 'idempotency-key': 'hook-1' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    const other = await api('POST', '/stock/receive', { ...body, quantity: 2 }, { 'idempotency-key': 'hook-1' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('idempotency_conflict');
    expect((await api('GET', '/stock/STOCK-1')).json().onHand).toBe(7);
  });

  it('pages through changes since a cursor', async () => {
    const all = (await api('GET', '/changes?since=0&limit=1000')).json();
    expect(all.changes.length).toBeGreaterThan(5);
    const firstTwo = (await api('GET', '/changes?since=0&limit=2')).json();
    expect(firstTwo.changes.map((c: { seq: number }) => c.seq)).toEqual([all.changes[0].seq, all.changes[1].seq]);
    const rest = (await api('GET', `/changes?since=${firstTwo.next}&limit=1000`)).json();
    expect(rest.changes.length).toBe(all.changes.length - 2);
    expect(rest.next).toBe(all.next);
    const stockOnly = (await api('GET', '/changes?since=0&type=stock.changed&sku=STOCK-1')).json();
    expect(stockOnly.changes.every((c: { type: string; sku: string }) => c.type === 'stock.changed' && c.sku === 'STOCK-1')).toBe(true);
  });

  it('gets and puts settings without ever returning a secret', async () => {
    const current = (await api('GET', '/settings')).json();
    const put = await api('PUT', '/settings', { ...current, shopName: 'API Shop', sftp: { ...current.sftp, password: 'hunter2' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ shopName: 'API Shop', sftp: { password: null, hasPassword: true } });
    const after = await api('GET', '/settings');
    expect(after.body).not.toContain('hunter2');
    const partial = await api('PUT', '/settings', { shopName: 'Only a name', currency: 'EURO' });
    expect(partial.statusCode).toBe(422);
    expect(partial.json().error.details.issues[0].path).toBe('currency');
  });
});
