/**
 * Security regression: the API token could be walked around. The token check looked at the raw
 * request URL while the router matched the decoded path, so `/%61pi/v1/settings` reached the
 * settings handler with no token (and so did every other route). Authentication is now decided
 * from the route that matched, and every route needs the token unless it is declared public.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { EXTRA_ROUTES } from '../../electron/server/http/openapi-extra-routes';
import { registeredRoutes } from '../../electron/server/http/openapi';
import { silentLogger } from '../../electron/core/logger';
import { contract, OPERATION_NAMES, type OperationSpec } from '../../shared/contract';
import { startCore, tempDir, type TestCore } from '../helpers/core';
import { listenOnLoopback, rawRequest, type RawResponse } from '../helpers/raw-http';

const TOKEN = 'bypass-token-0123456789abcdef';
const SKU = 'SEC-1';

/** Everything a request without the token must not be able to change (or read). */
async function snapshot(core: TestCore): Promise<string> {
  return JSON.stringify({
    token: core.tokens.current(),
    settings: await core.call('settings.get', {}),
    products: await core.call('products.list', { limit: 500 }),
    locations: await core.call('locations.list', {}),
    webhooks: await core.call('webhooks.list', {}),
    changes: await core.call('changes.latest', {}),
    reservations: await core.call('reservations.list', {}),
    stock: await core.call('stock.get', { sku: SKU }),
    publish: await core.call('publish.status', {}),
  });
}

const encodeChar = (c: string, upper = false) => {
  const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${upper ? hex.toUpperCase() : hex}`;
};

/**
 * Spellings of one path that a router, a proxy or a browser may treat as the same path: escapes in
 * any segment, doubled and trailing slashes, dot segments (plain and escaped), case changes, an
 * escaped `?`, escaped slashes and backslashes.
 */
function spellings(canonical: string): string[] {
  const segments = canonical.split('/').slice(1);
  const join = (parts: string[]) => `/${parts.join('/')}`;
  const out = new Set<string>([canonical]);
  segments.forEach((segment, i) => {
    const replace = (value: string) => join(segments.map((s, j) => (j === i ? value : s)));
    out.add(replace(encodeChar(segment[0] as string) + segment.slice(1)));
    out.add(replace(segment.slice(0, -1) + encodeChar(segment.at(-1) as string, true)));
    out.add(replace([...segment].map((c) => encodeChar(c)).join('')));
    out.add(replace(segment.toUpperCase()));
    out.add(replace(segment[0]?.toUpperCase() + segment.slice(1)));
    out.add(join([...segments.slice(0, i), '', ...segments.slice(i)]));
    out.add(join([...segments.slice(0, i), '.', ...segments.slice(i)]));
    out.add(join([...segments.slice(0, i), '%2e', ...segments.slice(i)]));
    out.add(join([...segments.slice(0, i), 'x', '..', ...segments.slice(i)]));
    out.add(join([...segments.slice(0, i), 'x', '%2E%2E', ...segments.slice(i)]));
  });
  const all = [...canonical].map((c) => (c === '/' ? c : encodeChar(c))).join('');
  for (const variant of [
    all,
    `/${all}`,
    `${canonical}/`,
    `${canonical}//`,
    `${canonical}/.`,
    `${canonical}%3F`,
    `${canonical}%3Fx=1`,
    `${canonical}%3f/`,
    `${canonical};x=1`,
    `${canonical}%00`,
    `${canonical}%20`,
    `${canonical}.`,
    `/${segments.join('%2F')}`,
    `/%2F${canonical.slice(1)}`,
    `/%2e/${canonical.slice(1)}`,
    `/${segments.join('\\')}`,
    `/${segments.join('%5C')}`,
    `//${canonical.slice(1)}`,
    `/%61pi${canonical.slice(4)}/`,
    `//%61pi${canonical.slice(4)}`,
    `/%61pi/./v1${canonical.slice(7)}`,
    `/%61pi${canonical.slice(4)}%3Ftoken=${TOKEN.slice(0, 4)}`,
    canonical.toUpperCase(),
  ]) {
    out.add(variant);
  }
  return [...out];
}

type Probe = { method: string; path: string; body?: string; contentType?: string };

/** Protected requests, each of which would change or reveal something if it reached its handler. */
const PROTECTED: Probe[] = [
  { method: 'GET', path: '/api/v1/settings' },
  { method: 'HEAD', path: '/api/v1/settings' },
  { method: 'PUT', path: '/api/v1/settings', body: JSON.stringify({ shopName: 'pwned' }), contentType: 'application/json' },
  { method: 'GET', path: '/api/v1/products' },
  { method: 'GET', path: `/api/v1/products/${SKU}` },
  { method: 'POST', path: '/api/v1/products', body: JSON.stringify({ sku: 'PWN-1', title: 'pwned', price: '1.00' }), contentType: 'application/json' },
  { method: 'PATCH', path: `/api/v1/products/${SKU}`, body: JSON.stringify({ title: 'pwned' }), contentType: 'application/json' },
  { method: 'POST', path: '/api/v1/catalog/import.csv', body: 'sku,title,price\nPWN-2,pwned,1.00\n', contentType: 'text/csv' },
  { method: 'GET', path: '/api/v1/catalog/export.csv' },
  { method: 'POST', path: '/api/v1/auth/rotate-token', body: '{}', contentType: 'application/json' },
  { method: 'POST', path: '/api/v1/auth/rotate-token' },
  { method: 'POST', path: '/api/v1/webhooks', body: JSON.stringify({ url: 'https://evil.example/hook' }), contentType: 'application/json' },
  { method: 'POST', path: '/api/v1/stock/receive', body: JSON.stringify({ sku: SKU, quantity: 5 }), contentType: 'application/json' },
  { method: 'POST', path: '/api/v1/catalog/sample', body: '{}', contentType: 'application/json' },
  { method: 'GET', path: '/api/v1/events' },
];

/** The not-found handler's answer, as opposed to a handler's own 404 (an unknown product). */
function refusedWithoutReachingAHandler(res: RawResponse, method: string): boolean {
  // A HEAD answer has no body to tell the not-found handler from a handler's own 404.
  if (method === 'HEAD') return res.status === 401 || res.status === 404;
  let error: { code?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(res.body) as { error?: typeof error }).error;
  } catch {
    return false;
  }
  if (res.status === 401) return error?.code === 'unauthorized';
  if (res.status === 404) return /^No such endpoint/.test(error?.message ?? '');
  return false;
}

describe.each([
  ['without the built UI', false],
  ['with the built UI served from /', true],
])('security: the API token cannot be walked around (%s)', (_label, withUi) => {
  let core: TestCore;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    core = await startCore('sqlite');
    await core.call('products.create', { sku: SKU, title: 'Secure', price: '2.00' });
    let staticDir: string | undefined;
    if (withUi) {
      staticDir = tempDir('stockfeed-ui-');
      fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>UI</title>');
    }
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, staticDir });
    port = await listenOnLoopback(app);
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('answers 401 or 404 to every spelling of a protected path without the token, and nothing changes', async () => {
    const before = await snapshot(core);
    const reached: string[] = [];
    for (const probe of PROTECTED) {
      for (const spelling of spellings(probe.path)) {
        const headers: Record<string, string> = probe.contentType ? { 'content-type': probe.contentType } : {};
        const res = await rawRequest(port, { method: probe.method, path: spelling, headers, ...(probe.body ? { body: probe.body } : {}) });
        if (!refusedWithoutReachingAHandler(res, probe.method)) reached.push(`${probe.method} ${spelling} → ${res.status} ${res.body.slice(0, 80)}`);
      }
    }
    expect(reached).toEqual([]);
    expect(await snapshot(core)).toBe(before);
  });

  it('refuses a cross-origin "simple" request (text/plain, a foreign Origin, no token) on every write route, whatever the spelling', async () => {
    const writes: Array<{ method: string; path: string }> = [
      ...OPERATION_NAMES.map((name) => contract[name] as OperationSpec)
        .filter((spec) => spec.method !== 'GET')
        .map((spec) => ({ method: spec.method, path: `/api/v1${spec.path}`.replace(/:idOrSku|:sku/g, SKU).replace(/:[A-Za-z]+/g, '1') })),
      ...EXTRA_ROUTES.filter((route) => route.method !== 'GET').map((route) => ({ method: route.method, path: route.path })),
    ];
    expect(writes.length).toBeGreaterThan(20);
    const before = await snapshot(core);
    const answered: string[] = [];
    for (const write of writes) {
      for (const spelling of [write.path, `/%61pi${write.path.slice(4)}`, `${write.path.slice(0, -1)}${encodeChar(write.path.at(-1) as string)}`]) {
        for (const body of ['', '{"shopName":"pwned","sku":"PWN-3","title":"pwned","price":"1.00"}', 'sku,title,price\nPWN-4,pwned,1.00\n']) {
          const res = await rawRequest(port, {
            method: write.method,
            path: spelling,
            headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
            body,
          });
          if (![401, 403, 404].includes(res.status)) answered.push(`${write.method} ${spelling} (${body.length} bytes) → ${res.status} ${res.body.slice(0, 80)}`);
        }
      }
    }
    expect(answered).toEqual([]);
    expect(await snapshot(core)).toBe(before);
  });

  it('needs the token on every registered route except the ones declared public', async () => {
    const publicRoutes = new Set([
      'GET /api/v1/health',
      'GET /api/v1/openapi.json',
      'POST /api/v1/channels/shopify/orders',
      'POST /api/v1/channels/woocommerce/orders',
      // They check the app's header and the credential themselves (tests/api/security-session-cookie.test.ts).
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/logout',
      'GET /feeds/*',
      'GET /',
      'GET /*',
      'GET *',
    ]);
    const open: string[] = [];
    for (const route of registeredRoutes(app)) {
      const key = `${route.method} ${route.url}`;
      if (route.method === 'HEAD' || publicRoutes.has(key)) continue;
      const url = route.url.replace(/:[A-Za-z]+/g, '1').replace('*', 'x');
      const res = await app.inject({ method: route.method as 'GET', url });
      if (res.statusCode !== 401) open.push(`${key} → ${res.statusCode}`);
    }
    expect(open).toEqual([]);
  });
});

describe('security: routes need the token unless declared public (deny by default)', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    // Routes added later without a declaration, inside and outside /api/v1.
    app.get('/api/v1/added-later', async () => ({ secret: 'inside' }));
    app.post('/elsewhere', async () => ({ secret: 'outside' }));
    app.get('/declared-public', { config: { auth: 'public' } }, async () => ({ open: true }));
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('answers 401 on an undeclared route anywhere, and the handler with the token', async () => {
    for (const [method, url] of [['GET', '/api/v1/added-later'], ['GET', '/%61pi/v1/added-later'], ['POST', '/elsewhere'], ['POST', '/%65lsewhere']] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.body).not.toContain('secret');
    }
    const ok = await app.inject({ method: 'POST', url: '/elsewhere', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.json()).toEqual({ secret: 'outside' });
    expect((await app.inject({ method: 'GET', url: '/declared-public' })).json()).toEqual({ open: true });
  });

  it('keeps the public routes public: health, the OpenAPI document, the UI fallback, feeds and the signed webhooks', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/%68ealth' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    const feed = await app.inject({ method: 'GET', url: '/feeds/google-merchant.xml' });
    expect(feed.statusCode).toBe(404);
    expect(feed.json().error.message).toContain('No published file');
    // The webhook's own signature check answers, not the token check.
    const hook = await app.inject({ method: 'POST', url: '/api/v1/channels/shopify/orders', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(hook.statusCode).toBe(401);
    expect(hook.json().error.message).toContain('Shopify');
  });

  it('takes ?token= on the events stream only', async () => {
    const products = await app.inject({ method: 'GET', url: `/api/v1/products?token=${TOKEN}` });
    expect(products.statusCode).toBe(401);
    const encoded = await app.inject({ method: 'GET', url: `/%61pi/v1/products?token=${TOKEN}` });
    expect(encoded.statusCode).toBe(401);
  });
});

describe('security: a state-changing request from another site is refused (403), even with the token', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false, allowedHosts: ['stock.example'] });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const put = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/api/v1/locations', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, payload: { code: `l${Math.random().toString(36).slice(2, 8)}`, name: 'L' } });

  it('refuses a present, foreign Origin and accepts the same origin, a listed host, or no Origin (scripts, channel webhooks)', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:3000', 'null', 'http://127.0.0.1:9999']) {
      const res = await put({ origin, host: '127.0.0.1:4780' });
      expect(res.statusCode, origin).toBe(403);
      expect(res.json().error).toEqual({ code: 'forbidden', message: expect.stringContaining('another site') });
    }
    expect((await put({ origin: 'http://127.0.0.1:4780', host: '127.0.0.1:4780' })).statusCode).toBe(201);
    expect((await put({ origin: 'https://stock.example', host: 'stock.example' })).statusCode).toBe(201);
    expect((await put({ origin: 'https://stock.example', host: '127.0.0.1:4780' })).statusCode).toBe(201);
    expect((await put({ host: '127.0.0.1:4780' })).statusCode).toBe(201);
    const read = await app.inject({ method: 'GET', url: '/api/v1/locations', headers: { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' } });
    expect(read.statusCode).toBe(200);
    const hook = await app.inject({ method: 'POST', url: '/api/v1/channels/shopify/orders', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, payload: '{}' });
    expect(hook.statusCode).toBe(403);
  });
});
