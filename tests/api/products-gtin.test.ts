/**
 * The REST shape of one product per barcode and of in-store sales: 409 `conflict` naming the other
 * product on create and update, the lookup by code, and `POST /stock/sell` with its refusal.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';
const EAN = '4006381333931';

describe('one product per GTIN, and selling, over /api/v1', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let blueId: string;

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${TOKEN}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger });
    await api('POST', '/locations', { code: 'shop', name: 'Shop floor' });
    const blue = await api('POST', '/products', { sku: 'MUG-BLUE', title: 'Blue mug', price: '12.50', gtin: EAN });
    blueId = blue.json().id;
    await api('POST', '/products', { sku: 'MUG-RED', title: 'Red mug', price: '12.50' });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const conflict = () => ({
    error: {
      code: 'conflict',
      message: `GTIN ${EAN} is already used by "Blue mug" (MUG-BLUE)`,
      details: { field: 'gtin', productId: blueId, sku: 'MUG-BLUE', title: 'Blue mug', gtin: EAN },
    },
  });

  it('answers 409 conflict naming the other product when a new product takes a used GTIN', async () => {
    const res = await api('POST', '/products', { sku: 'MUG-COPY', title: 'Copy', price: '1.00', gtin: `0${EAN}` }, { 'idempotency-key': 'copy-1' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { ...conflict().error, message: `GTIN 0${EAN} is already used by "Blue mug" (MUG-BLUE), as ${EAN}` } });
    expect((await api('GET', '/products/MUG-COPY')).statusCode).toBe(404);
  });

  it('answers the same 409 when a change gives a product a used GTIN', async () => {
    const res = await api('PATCH', '/products/MUG-RED', { gtin: EAN });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual(conflict());
    expect((await api('GET', '/products/MUG-RED')).json().gtin).toBeNull();
  });

  it('looks a scanned code up: every product it names, as { products }', async () => {
    const res = await api('GET', `/products/lookup?code=0${EAN}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ products: [expect.objectContaining({ id: blueId, sku: 'MUG-BLUE', gtin: EAN, status: 'active', stock: expect.any(Object) })] });
    expect((await api('GET', '/products/lookup?code=nothing-here')).json()).toEqual({ products: [] });
    const missing = await api('GET', '/products/lookup');
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details.issues).toEqual([{ path: 'code', message: expect.any(String) }]);
  });

  it('sells with POST /stock/sell and answers 409 insufficient_stock naming product and location', async () => {
    await api('POST', '/stock/receive', { sku: 'MUG-BLUE', location: 'shop', quantity: 3 });
    const sold = await api('POST', '/stock/sell', { sku: 'MUG-BLUE', location: 'shop', quantity: 2, reference: 'TILL-7' }, { 'idempotency-key': 'till-7' });
    expect(sold.statusCode).toBe(200);
    expect(sold.json().movements).toEqual([expect.objectContaining({ kind: 'sale', quantity: -2, location: 'shop', reference: 'TILL-7' })]);
    const refused = await api('POST', '/stock/sell', { sku: 'MUG-BLUE', location: 'shop', quantity: 2 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'insufficient_stock',
      message: 'Cannot sell 2 of "Blue mug" (MUG-BLUE): only 1 available at Shop floor (1 on hand, 0 reserved for orders)',
    });
    const zero = await api('POST', '/stock/sell', { sku: 'MUG-BLUE', quantity: 0 });
    expect(zero.statusCode).toBe(422);
  });

  it('describes the new routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.paths['/api/v1/stock/sell']?.post).toBeDefined();
    expect(doc.paths['/api/v1/products/lookup']?.get).toBeDefined();
  });
});
