/**
 * The Products screen's new operations over HTTP, as a script would use them: a bulk job started
 * with 202 and polled to the end (or cancelled), counts per status, DELETE with its 409, opening
 * stock on create, and the CSV export of exactly the filtered list.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'products-daily-token-0123456789';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('products: bulk jobs, counts, delete, opening stock and filtered export over HTTP', () => {
  let core: TestCore;
  let app: FastifyInstance;
  // A request without a body goes without a Content-Type (as `curl -X DELETE` sends it).
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, extra: Record<string, string> = {}) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...(payload === undefined ? { authorization: headers.authorization } : headers), ...extra },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });

  beforeAll(async () => {
    core = await startCore('sqlite', { bulkBatchSize: 5 });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
    for (let i = 1; i <= 30; i++) {
      const res = await call('POST', '/products', { sku: `LAMP-${String(i).padStart(2, '0')}`, title: `${i % 3 ? 'Desk' : 'Floor'} lamp ${i}`, price: '40.00' });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('starts a bulk job with 202 and a job id, and reports its progress until it has finished', async () => {
    const started = await call('POST', '/products/bulk/jobs', { filter: { query: 'desk lamp' }, action: 'salePrice', percentOff: 10 }, { 'idempotency-key': 'sale-desk-1' });
    expect(started.statusCode).toBe(202);
    const job = started.json();
    expect(job).toMatchObject({ state: 'running', action: 'salePrice', total: 20 });
    let now = job;
    const seen: number[] = [];
    for (let i = 0; i < 300 && now.state === 'running'; i++) {
      const res = await call('GET', `/products/bulk/jobs/${job.id}`);
      expect(res.statusCode).toBe(200);
      now = res.json();
      seen.push(now.processed);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(now).toMatchObject({ state: 'finished', processed: 20, updated: 20, refused: 0 });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect((await call('GET', '/products/LAMP-01')).json()).toMatchObject({ price: '40.00', salePrice: '36.00' });
    expect((await call('GET', '/products/LAMP-03')).json()).toMatchObject({ salePrice: null });
    const listed = (await call('GET', '/products/bulk/jobs')).json();
    expect(listed.jobs.map((j: { id: string }) => j.id)).toContain(job.id);
    // Cancelling a finished job answers it as it ended.
    const cancelled = await call('POST', `/products/bulk/jobs/${job.id}/cancel`, {});
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'finished', processed: 20 });
    expect((await call('GET', '/products/bulk/jobs/0190d0a0-0000-7000-8000-000000000000')).statusCode).toBe(404);
    const bad = await call('POST', '/products/bulk/jobs', { skus: ['LAMP-01'], filter: {}, action: 'archive' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues).toEqual([{ path: 'filter', message: 'name the products either by skus or by filter' }]);
  });

  it('counts per status for the tabs, archived included', async () => {
    expect((await call('POST', '/products/bulk', { skus: ['LAMP-03', 'LAMP-06'], action: 'archive' })).json()).toEqual({ updated: 2, unchanged: 0 });
    const counts = await call('GET', '/products/counts?query=floor');
    expect(counts.statusCode).toBe(200);
    expect(counts.json()).toEqual({ byStatus: { active: 8, archived: 2, discontinued: 0 }, total: 10 });
    // The route does not take a SKU: a product's own page is still /products/{sku}.
    expect((await call('GET', '/products/LAMP-03')).json()).toMatchObject({ sku: 'LAMP-03', status: 'archived' });
  });

  it('deletes a product without stock history and answers 409 for one with it', async () => {
    expect((await call('POST', '/stock/receive', { sku: 'LAMP-02', quantity: 1 })).statusCode).toBe(200);
    const refused = await call('DELETE', '/products/LAMP-02');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'conflict', message: 'LAMP-02 has stock history (1 movement); archive it instead' });
    const deleted = await call('DELETE', '/products/LAMP-30');
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ sku: 'LAMP-30', deleted: true });
    expect((await call('GET', '/products/LAMP-30')).statusCode).toBe(404);
    expect((await call('DELETE', '/products/LAMP-30')).statusCode).toBe(404);
  });

  it('creates a product with its opening stock in one request', async () => {
    const res = await call('POST', '/products', { sku: 'LAMP-NEW', title: 'New lamp', price: '55.00', openingStock: [{ quantity: 4 }] });
    expect(res.statusCode).toBe(201);
    expect(res.json().stock).toMatchObject({ onHand: 4, available: 4 });
  });

  it('exports exactly the filtered list as CSV, and refuses a filter it cannot read', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv?query=floor&status=archived', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.sku, r.status])).toEqual([
      ['LAMP-03', 'archived'],
      ['LAMP-06', 'archived'],
    ]);
    const inStock = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv?stock=in_stock', headers: { authorization: `Bearer ${TOKEN}` } });
    expect((parse(inStock.body, { columns: true }) as Array<Record<string, string>>).map((r) => r.sku)).toEqual(['LAMP-02', 'LAMP-NEW']);
    const all = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(parse(all.body, { columns: true })).toHaveLength(30);
    const bad = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv?location=attic', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues).toEqual([{ path: 'location', message: 'no location with the code "attic"' }]);
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv?colour=red', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(unknown.statusCode).toBe(422);
    // The contract's text export takes the same filter (the desktop app's path).
    expect((await core.call('catalog.export', { query: 'floor', status: 'archived' })).products).toBe(2);
  });
});
