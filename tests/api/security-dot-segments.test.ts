/**
 * Security regression: a SKU or slug that a URL template turns into a dot segment. SKU ".." in
 * `https://shop.example.com/products/{sku}` published the shop's front page as the product's link,
 * and `/api/v1/stock/..` or `/api/v1/products/..` reach another endpoint once a client resolves
 * them. Such SKUs and slugs are refused with a clear message, by the API and by the CSV import.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { isDotSegment } from '../../shared/domain/dot-segment';
import { skuProblem } from '../../shared/domain/sku';
import { slugProblem } from '../../shared/domain/slug';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('dot segments in the domain rules', () => {
  it('knows every form URL resolution removes, percent-encoded too', () => {
    for (const s of ['.', '..', '%2e', '%2E', '.%2e', '%2e.', '%2E%2e']) expect(isDotSegment(s), s).toBe(true);
    for (const s of ['...', '.A', 'A.', '..X', '%2e%2e%2e', '', '%2f']) expect(isDotSegment(s), s).toBe(false);
  });

  it('refuses SKU "." and ".." with a message saying why', () => {
    expect(skuProblem('.')).toMatch(/^SKU cannot be "\.": in a web address it means "this folder" or "the folder above"/);
    expect(skuProblem('..')).toMatch(/^SKU cannot be "\.\."/);
    // Dots inside a SKU stay fine.
    expect(skuProblem('A.B')).toBeNull();
    expect(skuProblem('...')).toBeNull();
    expect(skuProblem('.5')).toBeNull();
  });

  it('refuses slug "." and ".." with the same explanation, not a generic pattern message', () => {
    expect(slugProblem('.')).toMatch(/^slug cannot be "\.": in a web address/);
    expect(slugProblem('..')).toMatch(/^slug cannot be "\.\."/);
    expect(slugProblem('%2e%2e')).toMatch(/^slug cannot be "%2e%2e"/);
  });
});

describe('dot-segment SKUs and slugs at the edges', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('answers 422 naming sku for a product or stock write with SKU "." or ".."', async () => {
    for (const sku of ['.', '..', ' .. ']) {
      const res = await api('POST', '/products', { sku, title: 'Dots', price: '1.00' });
      expect(res.statusCode, sku).toBe(422);
      expect(res.json().error.details.issues).toEqual([{ path: 'sku', message: expect.stringMatching(/^SKU cannot be "\.{1,2}"/) }]);
    }
    const receive = await api('POST', '/stock/receive', { sku: '..', quantity: 1 });
    expect(receive.statusCode).toBe(422);
    expect(receive.json().error.details.issues[0]).toMatchObject({ path: 'sku', message: expect.stringContaining('cannot be "..": in a web address') });
    expect((await core.call('products.list', {})).products).toEqual([]);
  });

  it('answers 422 naming slug for slug "." or ".."', async () => {
    const created = await api('POST', '/products', { sku: 'DOTS-1', title: 'Dots', price: '1.00', slug: '..' });
    expect(created.statusCode).toBe(422);
    expect(created.json().error.details.issues).toEqual([{ path: 'slug', message: expect.stringMatching(/^slug cannot be "\.\."/) }]);
    expect((await api('POST', '/products', { sku: 'DOTS-1', title: 'Dots', price: '1.00' })).statusCode).toBe(201);
    const patched = await api('PATCH', '/products/DOTS-1', { slug: '.' });
    expect(patched.statusCode).toBe(422);
    expect(patched.json().error.details.issues[0]).toMatchObject({ path: 'slug', message: expect.stringMatching(/^slug cannot be "\."/) });
  });

  it('reports them by row and column in a CSV import, and writes nothing', async () => {
    const csv = ['sku,title,price,slug', '..,Two dots,1.00,', 'DOT-OK,Fine,1.00,.', '.,One dot,1.00,ok-slug'].join('\n');
    const res = await app.inject({ method: 'POST', url: '/api/v1/catalog/import.csv', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      { row: 2, column: 'sku', message: expect.stringMatching(/^SKU cannot be "\.\."/) },
      { row: 3, column: 'slug', message: expect.stringMatching(/^slug cannot be "\."/) },
      { row: 4, column: 'sku', message: expect.stringMatching(/^SKU cannot be "\."/) },
    ]);
    expect((await core.call('products.list', {})).products.map((p) => p.sku)).toEqual(['DOTS-1']);
  });
});
