/**
 * Security regression: a sales-channel secret is all that authenticates an order webhook (it signs
 * the body). A short one can be guessed offline from one signed request, so secrets under 16
 * characters are refused, with the field named; an empty string still removes a secret and null
 * (what GET shows) still keeps it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

describe('channel secrets in PUT /api/v1/settings', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const put = (body: object) => app.inject({ method: 'PUT', url: '/api/v1/settings', headers: { authorization: `Bearer ${TOKEN}` }, payload: body });
  const current = async () => (await app.inject({ method: 'GET', url: '/api/v1/settings', headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const withSecrets = async (channels: { shopify?: unknown; woocommerce?: unknown }) => {
    const settings = await current();
    return { ...settings, shopName: 'Changed with the secret', channels: { ...settings.channels, ...channels } };
  };

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('refuses a secret shorter than 16 characters with 422 naming the field, and changes nothing', async () => {
    const before = await current();
    const res = await put(await withSecrets({ shopify: { secret: 'fifteen-chars-x' }, woocommerce: { secret: 'short' } }));
    expect(res.statusCode).toBe(422);
    const issues = res.json().error.details.issues as Array<{ path: string; message: string }>;
    expect(issues).toEqual([
      { path: 'channels.shopify.secret', message: expect.stringContaining('at least 16 characters') },
      { path: 'channels.woocommerce.secret', message: expect.stringContaining('at least 16 characters') },
    ]);
    expect(await current()).toEqual(before);
  });

  it('takes 16 characters or more; null keeps the secret, an empty string removes it', async () => {
    const saved = await put(await withSecrets({ shopify: { secret: 'sixteen-chars-xx' }, woocommerce: { secret: 'wc-webhook-secret-0123456789' } }));
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().channels).toEqual({ shopify: { secret: null, hasSecret: true }, woocommerce: { secret: null, hasSecret: true } });
    const kept = await put(await current());
    expect(kept.json().channels.shopify.hasSecret).toBe(true);
    const removed = await put(await withSecrets({ shopify: { secret: '' } }));
    expect(removed.statusCode).toBe(200);
    expect(removed.json().channels).toEqual({ shopify: { secret: null, hasSecret: false }, woocommerce: { secret: null, hasSecret: true } });
  });
});
