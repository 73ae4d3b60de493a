/**
 * The storefront availability endpoints and their own token kind. A storefront token is accepted
 * by the availability routes and refused (403) by every other route the contract and the server
 * register, so a storefront never holds the owner's API token and a leaked storefront token reads
 * availability and nothing else.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { registeredRoutes } from '../../electron/server/http/openapi';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'owner-token-0123456789abcdef';

describe('storefront availability and storefront tokens', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let storefront = '';
  let storefrontId = '';

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, token = TOKEN, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...headers }, ...(body === undefined ? {} : { payload: body as object }) });

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
    await core.call('products.create', productInput('SF-IN', { bufferStock: 2 }));
    await core.call('products.create', productInput('SF-OUT'));
    await core.call('products.create', productInput('SF-BACK', { allowBackorder: true }));
    await core.call('stock.receive', { sku: 'SF-IN', quantity: 10 });
    const created = await api('POST', '/storefront-tokens', TOKEN, { name: 'Shop front' });
    expect(created.statusCode).toBe(201);
    ({ token: storefront, id: storefrontId } = created.json() as { token: string; id: string });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('answers one SKU with the feed\'s availability, an ETag and must-revalidate; 304 on If-None-Match', async () => {
    const res = await api('GET', '/availability/SF-IN', storefront);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sku: 'SF-IN', available: 8, availability: 'in_stock', availabilityDate: null });
    expect(res.headers['cache-control']).toBe('max-age=0, must-revalidate');
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await api('GET', '/availability/SF-IN', storefront, undefined, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // A write changes the answer and its ETag at once (the cache was invalidated before the write was answered).
    await core.call('stock.receive', { sku: 'SF-IN', quantity: 1 });
    const after = await api('GET', '/availability/SF-IN', storefront, undefined, { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ available: 9 });
    expect(after.headers.etag).not.toBe(etag);
  });

  it('answers up to 100 SKUs at once, naming the unknown ones; refuses more, and none', async () => {
    const res = await api('GET', '/availability?skus=SF-IN,SF-OUT,SF-BACK,NOPE', storefront);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ sku: string; availability: string; available: number; availabilityDate: string | null }>; unknown: string[] };
    expect(body.items.map((i) => [i.sku, i.availability, i.available])).toEqual([
      ['SF-IN', 'in_stock', 9],
      ['SF-OUT', 'out_of_stock', 0],
      ['SF-BACK', 'backorder', 0],
    ]);
    expect(body.items[2]?.availabilityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.unknown).toEqual(['NOPE']);
    expect(res.headers.etag).toBeDefined();
    const tooMany = await api('GET', `/availability?skus=${Array.from({ length: 101 }, (_, i) => `S-${i}`).join(',')}`, storefront);
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().error.message).toMatch(/at most 100/);
    expect((await api('GET', '/availability?skus=', storefront)).statusCode).toBe(422);
    expect((await api('GET', '/availability/NOPE', storefront)).statusCode).toBe(404);
  });

  it('refuses a storefront token with 403 on every other route', async () => {
    const routes = registeredRoutes(app).filter((r) => !r.url.startsWith('/api/v1/availability'));
    expect(routes.length).toBeGreaterThan(30);
    const allowed: string[] = [];
    for (const route of routes) {
      if (!route.url.startsWith('/api/v1/')) continue;
      const url = route.url.replace(/:([A-Za-z]+)/g, 'x');
      const res = await app.inject({ method: route.method as 'GET', url, headers: { authorization: `Bearer ${storefront}`, 'content-type': 'application/json' }, payload: route.method === 'GET' ? undefined : '{}' });
      // Public routes answer anyone; everything that needs a token must refuse this one.
      if (res.statusCode !== 403 && !['/api/v1/health', '/api/v1/openapi.json', '/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/auth/sign-in-methods'].includes(route.url) && !route.url.startsWith('/api/v1/channels/')) {
        allowed.push(`${route.method} ${route.url} → ${res.statusCode}`);
      }
    }
    expect(allowed).toEqual([]);
    const denied = await api('GET', '/products', storefront);
    expect(denied.json().error.code).toBe('forbidden');
    expect(denied.json().error.message).toMatch(/availability only/);
  });

  it('lists tokens without the token, stores only a hash, and a revoked token stops working', async () => {
    const list = await api('GET', '/storefront-tokens');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ tokens: [{ id: storefrontId, name: 'Shop front', createdAt: expect.any(String) }] });
    expect(JSON.stringify(await core.db('storefront_tokens').select())).not.toContain(storefront);
    expect((await api('POST', '/storefront-tokens', TOKEN, { name: '' })).statusCode).toBe(422);
    // A storefront token cannot make more of itself.
    expect((await api('POST', '/storefront-tokens', storefront, { name: 'x' })).statusCode).toBe(403);
    const second = (await api('POST', '/storefront-tokens', TOKEN, { name: 'Other' })).json() as { id: string; token: string };
    expect((await api('DELETE', `/storefront-tokens/${second.id}`)).json()).toEqual({ id: second.id, deleted: true });
    const revoked = await api('GET', '/availability/SF-IN', second.token);
    expect(revoked.statusCode).toBe(401);
    expect((await api('DELETE', `/storefront-tokens/${second.id}`)).statusCode).toBe(404);
    expect((await api('GET', '/availability/SF-IN', storefront)).statusCode).toBe(200);
  });

  it('accepts the owner\'s API token on the availability routes too', async () => {
    expect((await api('GET', '/availability/SF-OUT')).statusCode).toBe(200);
  });
});
