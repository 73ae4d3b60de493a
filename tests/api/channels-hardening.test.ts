import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { TokenStore } from '../../electron/core/auth/token-store';
import { DEFAULT_RATE_LIMIT, rateLimitFromEnv } from '../../electron/server/http/hardening';
import type { Logger } from '../../electron/core/logger';
import { startCore, tempDir, type TestCore } from '../helpers/core';
import { shopifyRequest } from '../fixtures/channels/channel-requests';

const SECRET = 'shpss_hardening_secret_0123456789';

function recordingLogger(lines: string[]): Logger {
  const push = (message: string) => void lines.push(message);
  return { info: push, warn: push, error: push };
}

describe('API hardening: token rotation, rate limits, body limits, secrets', () => {
  const opened: Array<{ core: TestCore; app: FastifyInstance }> = [];
  const envBefore = process.env.STOCKFEED_API_TOKEN;
  afterEach(() => {
    if (envBefore === undefined) delete process.env.STOCKFEED_API_TOKEN;
    else process.env.STOCKFEED_API_TOKEN = envBefore;
  });
  afterAll(async () => {
    for (const { core, app } of opened) {
      await app.close();
      await core.cleanup();
    }
  });

  async function open(options: Partial<Parameters<typeof createApiServer>[0]> = {}) {
    const core = await startCore('sqlite');
    const app = await createApiServer({ core, version: 'test', logger: options.logger ?? recordingLogger([]), rateLimit: false, ...options });
    opened.push({ core, app });
    return { core, app };
  }
  const get = (app: FastifyInstance, token: string, url = '/api/v1/locations') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('rotates the token: the new one is written to the data folder and the old one stops working at once', async () => {
    delete process.env.STOCKFEED_API_TOKEN;
    const { core, app } = await open();
    const old = core.tokens.current();
    expect((await get(app, old)).statusCode).toBe(200);
    const rotated = await app.inject({ method: 'POST', url: '/api/v1/auth/rotate-token', headers: { authorization: `Bearer ${old}` }, payload: {} });
    expect(rotated.statusCode).toBe(200);
    const { token } = rotated.json() as { token: string };
    expect(token).not.toBe(old);
    expect(token.length).toBeGreaterThanOrEqual(32);
    const file = path.join(core.dataDir, 'api-token');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(token);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect((await get(app, old)).statusCode).toBe(401);
    expect((await get(app, token)).statusCode).toBe(200);
    // A restart reads the rotated token.
    expect(new TokenStore(core.dataDir, undefined).current()).toBe(token);
  });

  it('refuses to rotate a token given by STOCKFEED_API_TOKEN, with a clear error', async () => {
    process.env.STOCKFEED_API_TOKEN = 'env-token-0123456789abcdef';
    const { app } = await open();
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/rotate-token', headers: { authorization: 'Bearer env-token-0123456789abcdef' }, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('STOCKFEED_API_TOKEN');
    expect((await get(app, 'env-token-0123456789abcdef')).statusCode).toBe(200);
    expect(() => new TokenStore(tempDir(), 'env-token-0123456789abcdef').rotate()).toThrow(/environment variable/);
  });

  it('limits requests per token with 429 in the error shape; health and channels have their own budgets', async () => {
    const token = 'rate-token-0123456789abcdef';
    const { core, app } = await open({ token, rateLimit: { perMinute: 5, channelPerMinute: 3 } });
    for (let i = 0; i < 5; i++) expect((await get(app, token)).statusCode).toBe(200);
    const limited = await get(app, token);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('5 per minute'), details: expect.any(Object) } });
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);

    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, channels: { ...settings.channels, shopify: { secret: SECRET } } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.inject(shopifyRequest('products/update', { id: 1 }, SECRET))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('reads the per-token limit from STOCKFEED_RATE_LIMIT, refusing a typo', () => {
    expect(rateLimitFromEnv(undefined, undefined)).toEqual(DEFAULT_RATE_LIMIT);
    expect(rateLimitFromEnv('300', undefined)).toEqual({ ...DEFAULT_RATE_LIMIT, perMinute: 300 });
    expect(rateLimitFromEnv('0', undefined)).toBe(false);
    expect(() => rateLimitFromEnv('lots', undefined)).toThrow(/whole number/);
    expect(rateLimitFromEnv(undefined, '120000')).toEqual({ ...DEFAULT_RATE_LIMIT, storefrontPerMinute: 120_000 });
    expect(() => rateLimitFromEnv(undefined, '0')).toThrow(/STOCKFEED_STOREFRONT_RATE_LIMIT.*at least 1/);
    expect(() => rateLimitFromEnv(undefined, '1e3x')).toThrow(/STOCKFEED_STOREFRONT_RATE_LIMIT must be a whole number/);
  });

  it('a storefront token has a budget of its own, for page-view rates, apart from the owner’s token', async () => {
    const token = 'owner-token-0123456789abcdef';
    const { core, app } = await open({ token, rateLimit: { perMinute: 5, channelPerMinute: 3, storefrontPerMinute: 8 } });
    await core.call('products.create', { sku: 'SF-1', title: 'Storefront item', price: '5.00' });
    const created = await app.inject({ method: 'POST', url: '/api/v1/storefront-tokens', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { name: 'Shop front' } });
    expect(created.statusCode).toBe(201);
    const storefront = (created.json() as { token: string }).token;
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await get(app, storefront, '/api/v1/availability/SF-1')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    expect((await get(app, storefront, '/api/v1/availability/SF-1')).json().error.message).toContain('8 per minute');
    // The owner's token spent one request (the storefront token) of its 5.
    for (let i = 0; i < 4; i++) expect((await get(app, token)).statusCode).toBe(200);
    expect((await get(app, token)).statusCode).toBe(429);
  });

  it('limits body sizes: 1 MB for the API, 2 MB for channel webhooks, 413 in the error shape', async () => {
    const token = 'size-token-0123456789abcdef';
    const { core, app } = await open({ token });
    const big = { sku: 'X'.repeat(1_100_000) };
    const res = await app.inject({ method: 'POST', url: '/api/v1/products', headers: { authorization: `Bearer ${token}` }, payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');

    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, channels: { ...settings.channels, shopify: { secret: SECRET } } });
    const note = 'n'.repeat(1_500_000);
    const fits = await app.inject(shopifyRequest('orders/create', { id: 1, name: '#1', note, line_items: [] }, SECRET));
    expect(fits.statusCode).toBe(200);
    const tooBig = await app.inject(shopifyRequest('orders/create', { id: 2, note: 'n'.repeat(2_200_000), line_items: [] }, SECRET));
    expect(tooBig.statusCode).toBe(413);
  });

  it('never writes a secret or a token to the log', async () => {
    const lines: string[] = [];
    const token = 'log-token-0123456789abcdef';
    const { core, app } = await open({ token, logger: recordingLogger(lines) });
    const settings = await core.call('settings.get', {});
    await app.inject({
      method: 'PUT',
      url: '/api/v1/settings',
      headers: { authorization: `Bearer ${token}` },
      payload: { ...settings, channels: { shopify: { secret: SECRET }, woocommerce: { secret: 'wc-secret-in-log-test' } } },
    });
    await app.inject(shopifyRequest('orders/create', '{"broken": ', SECRET));
    await app.inject(shopifyRequest('orders/create', '{}', 'wrong-secret'));
    await app.inject({ method: 'GET', url: '/api/v1/products', headers: { authorization: 'Bearer wrong-token-0123456789' } });
    const changes = await core.call('changes.list', { type: 'settings.updated' });
    const text = lines.join('\n') + JSON.stringify(changes);
    for (const secret of [SECRET, 'wc-secret-in-log-test', token]) expect(text).not.toContain(secret);
  });
});
