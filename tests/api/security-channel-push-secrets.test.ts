/**
 * Security regression: the channels' credentials (Shopify access token, or client ID and secret
 * and the tokens exchanged for them; WooCommerce consumer key and secret; Google service account
 * key) are stored like the other secrets — never returned
 * (null with has…), null keeps, '' removes — and never written to a log, the change log, the
 * status or the push log, even when a channel refuses them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import type { Logger } from '../../electron/core/logger';
import { startGoogleStandIn, startShopifyStandIn, startWooCommerceStandIn, type GoogleStandIn, type ShopifyStandIn, type WooCommerceStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, useStandIns } from '../helpers/channel-push';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

describe('channel credentials in PUT /api/v1/settings', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let shop: ShopifyStandIn;
  let store: WooCommerceStandIn;
  let google: GoogleStandIn;
  const logged: string[] = [];
  const logger: Logger = { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) };

  const api = (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
  const settings = async () => (await api('GET', '/settings')).json() as Record<string, unknown> & { channels: Record<string, Record<string, unknown>> };
  const secrets = () => [shop.accessToken, store.consumerKey, store.consumerSecret, google.serviceAccountKey.private_key.split('\n')[1] as string, 'shpat_refused_0123456789'];

  beforeAll(async () => {
    shop = await startShopifyStandIn();
    shop.shop.addLocation('Shop');
    store = await startWooCommerceStandIn();
    google = await startGoogleStandIn();
    core = await startCore('sqlite', { channelPush: FAST_PUSH, logger });
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger, rateLimit: false });
    await core.call('products.create', productInput('SECRET-1'));
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
    await shop?.close();
    await store?.close();
    await google?.close();
  });

  it('never returns a saved credential: null with has…, and the service account only by its e-mail', async () => {
    await useStandIns(core, { shopify: shop, woocommerce: store, google });
    const res = await api('GET', '/settings');
    for (const secret of secrets()) expect(res.body).not.toContain(secret);
    const { channels } = res.json() as { channels: Record<string, Record<string, unknown>> };
    expect(channels.shopify).toMatchObject({ accessToken: null, hasAccessToken: true });
    expect(channels.woocommerce).toMatchObject({ consumerKey: null, hasConsumerKey: true, consumerSecret: null, hasConsumerSecret: true });
    expect(channels.google).toMatchObject({ serviceAccountKey: null, hasServiceAccountKey: true, serviceAccountEmail: google.serviceAccountKey.client_email });
  });

  it('keeps a credential sent back as null, and removes one sent as an empty string', async () => {
    const current = await settings();
    const kept = await api('PUT', '/settings', current);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().channels.shopify.hasAccessToken).toBe(true);
    const removed = await api('PUT', '/settings', { ...current, channels: { ...current.channels, woocommerce: { ...current.channels.woocommerce, consumerSecret: '' } } });
    expect(removed.json().channels.woocommerce).toMatchObject({ hasConsumerKey: true, hasConsumerSecret: false });
    await useStandIns(core, { woocommerce: store });
  });

  it('refuses a service account key that is not the JSON key file, naming the field', async () => {
    const current = await settings();
    const res = await api('PUT', '/settings', { ...current, channels: { ...current.channels, google: { ...current.channels.google, serviceAccountKey: 'stockfeed@project.iam.gserviceaccount.com' } } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.issues).toEqual([{ path: 'channels.google.serviceAccountKey', message: expect.stringContaining('client_email and private_key') }]);
    const noKey = JSON.stringify({ ...google.serviceAccountKey, private_key: undefined });
    expect((await api('PUT', '/settings', { ...current, channels: { ...current.channels, google: { ...current.channels.google, serviceAccountKey: noKey } } })).statusCode).toBe(422);
  });

  it('writes no credential to the log, the change log, the status or the push log, even when the channel refuses it', async () => {
    // A token Shopify refuses: every push fails with 401, and Connect says so.
    const current = await settings();
    await api('PUT', '/settings', { ...current, channels: { ...current.channels, shopify: { ...current.channels.shopify, accessToken: 'shpat_refused_0123456789' } } });
    expect((await api('POST', '/channels/shopify/connect')).statusCode).toBe(502);
    await core.call('stock.receive', { sku: 'SECRET-1', quantity: 2 });
    await eventually(async () => (await core.call('channels.status', {})).channels.some((c) => c.channel === 'shopify' && c.lastError?.includes('401') === true), 3_000, 'the refusal in the status');
    await api('POST', '/channels/woocommerce/connect');
    await api('POST', '/channels/google/connect');
    const everything = [
      logged.join('\n'),
      (await api('GET', '/changes?since=0&limit=1000')).body,
      (await api('GET', '/channels/status')).body,
      (await api('GET', '/channels/shopify/pushes?limit=500')).body,
      (await api('GET', '/channels/woocommerce/matches')).body,
      (await api('GET', '/settings')).body,
    ].join('\n');
    expect(logged.join('\n')).toContain('HTTP 401');
    for (const secret of secrets()) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('PRIVATE KEY');
  });
  it("keeps Shopify's client ID and secret like every secret, and writes neither they nor the exchanged tokens anywhere", async () => {
    const wrong = 'shpss_wrong_secret_0123456789abcdef';
    const current = await settings();
    const shopify = { ...current.channels.shopify, auth: 'clientCredentials', clientId: shop.clientId, clientSecret: wrong };
    const saved = await api('PUT', '/settings', { ...current, channels: { ...current.channels, shopify } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).not.toContain(shop.clientId);
    expect(saved.body).not.toContain(wrong);
    expect(saved.json().channels.shopify).toMatchObject({ auth: 'clientCredentials', clientId: null, hasClientId: true, clientSecret: null, hasClientSecret: true });

    // Refused by Shopify: Connect and the status say so, without the secret.
    const refused = await api('POST', '/channels/shopify/connect');
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.message).toContain('invalid_client');
    await core.call('stock.receive', { sku: 'SECRET-1', quantity: 1 });
    await eventually(async () => (await core.call('channels.status', {})).channels.some((c) => c.channel === 'shopify' && c.lastError?.includes('invalid_client') === true), 3_000, 'the refusal in the status');

    // null keeps the secret (the form sends it back unchanged); a new one replaces it, and works.
    const again = await settings();
    const kept = await api('PUT', '/settings', again);
    expect(kept.json().channels.shopify).toMatchObject({ hasClientId: true, hasClientSecret: true });
    await api('PUT', '/settings', { ...again, channels: { ...again.channels, shopify: { ...again.channels.shopify, clientSecret: shop.clientSecret } } });
    expect((await api('POST', '/channels/shopify/connect')).statusCode).toBe(200);
    expect(shop.tokens.issued.length).toBeGreaterThan(0);

    const everything = [
      logged.join('\n'),
      (await api('GET', '/changes?since=0&limit=1000')).body,
      (await api('GET', '/channels/status')).body,
      (await api('GET', '/channels/shopify/pushes?limit=500')).body,
      (await api('GET', '/channels/shopify/matches')).body,
      (await api('GET', '/settings')).body,
    ].join('\n');
    for (const secret of [shop.clientId, shop.clientSecret, wrong, ...shop.tokens.issued.map((t) => t.token)]) expect(everything).not.toContain(secret);

    // '' removes them; the channel then names what is missing.
    const last = await settings();
    const removed = await api('PUT', '/settings', { ...last, channels: { ...last.channels, shopify: { ...last.channels.shopify, clientId: '', clientSecret: '' } } });
    expect(removed.json().channels.shopify).toMatchObject({ hasClientId: false, hasClientSecret: false });
    const missing = await api('POST', '/channels/shopify/connect');
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.message).toContain('channels.shopify.clientId, channels.shopify.clientSecret');
  });
});
