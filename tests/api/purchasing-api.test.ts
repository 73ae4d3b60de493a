/**
 * The purchasing routes by their stable names: every one needs the token, bad input is refused
 * naming the field, the product's supplier list is PUT as a JSON array, receipts are idempotent
 * with Idempotency-Key, and the OpenAPI document describes them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';
const SOME_ID = '0190b0f2-0000-7000-8000-000000000000';

describe('purchasing over REST /api/v1', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}`, ...headers }, ...(body === undefined ? {} : { payload: body as object }) });

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger });
    await core.call('products.create', productInput('MUG-BLUE', { price: '12.50', currency: 'EUR' }));
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('needs the token on every purchasing route', async () => {
    const routes: Array<['GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', string]> = [
      ['GET', '/suppliers'],
      ['POST', '/suppliers'],
      ['GET', `/suppliers/${SOME_ID}`],
      ['PATCH', `/suppliers/${SOME_ID}`],
      ['DELETE', `/suppliers/${SOME_ID}`],
      ['GET', '/products/MUG-BLUE/suppliers'],
      ['PUT', '/products/MUG-BLUE/suppliers'],
      ['GET', '/products/MUG-BLUE/reorder'],
      ['PUT', '/products/MUG-BLUE/reorder'],
      ['GET', '/replenishment/suggestions'],
      ['GET', '/replenishment/overview'],
      ['GET', '/purchase-orders'],
      ['POST', '/purchase-orders'],
      ['GET', `/purchase-orders/${SOME_ID}`],
      ['PATCH', `/purchase-orders/${SOME_ID}`],
      ...(['order', 'receive', 'cancel', 'close'] as const).map((a): ['POST', string] => ['POST', `/purchase-orders/${SOME_ID}/${a}`]),
    ];
    for (const [method, url] of routes) {
      const res = await app.inject({ method, url: `/api/v1${url}`, payload: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
    }
    // Nothing was written by the refused requests.
    expect((await core.call('suppliers.list', {})).suppliers).toEqual([]);
  });

  it('creates and reads suppliers with the documented fields, money as decimal strings', async () => {
    const created = await api('POST', '/suppliers', { name: 'Potter & Co', email: 'orders@potter.example', phone: '+44 20 7946 0000', currency: 'eur', leadTimeDays: 10, minimumOrderValue: '150', notes: 'Mon–Thu' });
    expect(created.statusCode).toBe(201);
    const supplier = created.json();
    expect(supplier).toEqual({
      id: expect.any(String),
      name: 'Potter & Co',
      email: 'orders@potter.example',
      phone: '+44 20 7946 0000',
      currency: 'EUR',
      leadTimeDays: 10,
      minimumOrderValue: '150.00',
      notes: 'Mon–Thu',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const patched = await api('PATCH', `/suppliers/${supplier.id}`, { leadTimeDays: 12, phone: '' });
    expect(patched.json()).toMatchObject({ leadTimeDays: 12, phone: null });
    expect((await api('GET', '/suppliers')).json().suppliers).toHaveLength(1);
    expect((await api('GET', `/suppliers/${SOME_ID}`)).statusCode).toBe(404);
    const twice = await api('POST', '/suppliers', { name: 'Potter & Co' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.details).toMatchObject({ field: 'name' });
  });

  it('names the bad field of a supplier, a reorder setting and a purchase order (422)', async () => {
    const supplier = await api('POST', '/suppliers', { name: '', email: 'not-an-address', leadTimeDays: 2.5, minimumOrderValue: 10 });
    expect(supplier.statusCode).toBe(422);
    expect(supplier.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'leadTimeDays', 'minimumOrderValue', 'name']);

    const reorder = await api('PUT', '/products/MUG-BLUE/reorder', { location: 'main', reorderPoint: -1, reorderQuantity: 0 });
    expect(reorder.statusCode).toBe(422);
    expect(reorder.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['reorderPoint', 'reorderQuantity']);

    const po = await api('POST', '/purchase-orders', { supplierId: 'nope', lines: [{ sku: 'MUG-BLUE', quantity: 0, expectedDate: '31/01/2027' }] });
    expect(po.statusCode).toBe(422);
    expect(po.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['supplierId', 'lines.0.quantity', 'lines.0.expectedDate']);

    const receive = await api('POST', `/purchase-orders/${SOME_ID}/receive`, { lines: [] });
    expect(receive.statusCode).toBe(422);
    expect(receive.json().error.details.issues).toEqual([expect.objectContaining({ path: 'lines' })]);
  });

  it('takes the product’s suppliers as a JSON array, and sets the reorder point', async () => {
    const [supplier] = (await api('GET', '/suppliers')).json().suppliers;
    const put = await api('PUT', '/products/mug-blue/suppliers', [{ supplierId: supplier.id, supplierSku: 'P-77', unitCost: '4.2', packSize: 6, minimumOrderQuantity: 12, preferred: true }]);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      sku: 'MUG-BLUE',
      averageCost: null,
      costCurrency: null,
      suppliers: [{ supplierId: supplier.id, supplierName: 'Potter & Co', supplierSku: 'P-77', unitCost: '4.20', currency: 'EUR', packSize: 6, minimumOrderQuantity: 12, preferred: true }],
    });
    const bad = await api('PUT', '/products/MUG-BLUE/suppliers', [{ supplierId: supplier.id, packSize: 0 }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues).toEqual([expect.objectContaining({ path: 'suppliers.0.packSize' })]);

    const reorder = await api('PUT', '/products/MUG-BLUE/reorder', { location: 'main', reorderPoint: 5, reorderQuantity: 24 });
    expect(reorder.statusCode).toBe(200);
    expect(reorder.json().locations).toEqual([expect.objectContaining({ location: 'main', reorderPoint: 5, reorderQuantity: 24, maxLevel: null, position: 0 })]);
    const suggestions = await api('GET', `/replenishment/suggestions?supplier=${encodeURIComponent('Potter & Co')}&location=main`);
    expect(suggestions.json().groups).toEqual([expect.objectContaining({ supplierName: 'Potter & Co', lines: [expect.objectContaining({ sku: 'MUG-BLUE', quantity: 24, supplierSku: 'P-77' })], total: '100.80' })]);
  });

  it('runs a purchase order through order and receive, the receipt idempotent with Idempotency-Key', async () => {
    const [supplier] = (await api('GET', '/suppliers')).json().suppliers;
    const created = await api('POST', '/purchase-orders', { supplierId: supplier.id, lines: [{ sku: 'MUG-BLUE', quantity: 24, expectedDate: '2099-02-01' }] });
    expect(created.statusCode).toBe(201);
    const po = created.json();
    expect(Object.keys(po).sort()).toEqual(
      ['id', 'number', 'supplierId', 'supplierName', 'location', 'status', 'currency', 'notes', 'lines', 'total', 'late', 'orderedAt', 'createdAt', 'updatedAt'].sort(),
    );
    expect(po.lines[0]).toEqual({ id: expect.any(String), sku: 'MUG-BLUE', supplierSku: 'P-77', title: 'Product MUG-BLUE', quantity: 24, unitCost: '4.20', expectedDate: '2099-02-01', received: 0 });
    expect((await api('POST', `/purchase-orders/${po.id}/order`)).json().status).toBe('ordered');
    const stock = (await api('GET', '/stock/MUG-BLUE')).json();
    expect(stock).toMatchObject({ incoming: 24, incomingByDate: [{ date: '2099-02-01', location: 'main', quantity: 24, purchaseOrder: po.number }] });

    const body = { lines: [{ lineId: po.lines[0].id, quantity: 10 }] };
    const first = await api('POST', `/purchase-orders/${po.id}/receive`, body, { 'idempotency-key': 'delivery-1' });
    const second = await api('POST', `/purchase-orders/${po.id}/receive`, body, { 'idempotency-key': 'delivery-1' });
    expect(first.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(first.json()).toMatchObject({ status: 'partly_received', lines: [expect.objectContaining({ received: 10 })] });
    expect((await api('GET', '/stock/MUG-BLUE')).json()).toMatchObject({ onHand: 10, incoming: 14 });
    const other = await api('POST', `/purchase-orders/${po.id}/receive`, { lines: [{ lineId: po.lines[0].id, quantity: 11 }] }, { 'idempotency-key': 'delivery-1' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('idempotency_conflict');

    const closed = await api('POST', `/purchase-orders/${po.id}/close`);
    expect(closed.json().status).toBe('closed');
    expect((await api('GET', '/purchase-orders?status=closed')).json().purchaseOrders.map((o: { number: string }) => o.number)).toEqual([po.number]);
    expect((await api('GET', '/stock/MUG-BLUE')).json()).toMatchObject({ onHand: 10, incoming: 0, incomingByDate: [] });
  });

  it('describes every purchasing route in the OpenAPI document, the supplier list as an array body', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const [path, method] of [
      ['/api/v1/suppliers', 'get'],
      ['/api/v1/suppliers/{id}', 'delete'],
      ['/api/v1/products/{idOrSku}/reorder', 'put'],
      ['/api/v1/replenishment/suggestions', 'get'],
      ['/api/v1/purchase-orders/{id}/receive', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/api/v1/products/{idOrSku}/suppliers'].put.requestBody.content['application/json'].schema.type).toBe('array');
    expect(doc.paths['/api/v1/purchase-orders/{id}/receive'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]));
  });
});
