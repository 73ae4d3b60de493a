/**
 * Security regression: a channel's API address is where its credentials go. It must be https;
 * plain http is taken only for an address the outgoing-request rules already let through (this
 * computer or the local network, with webhooks.allowPrivateNetwork on) — for WooCommerce, whose
 * keys travel as Basic authentication, only for this computer. Link-local addresses (the cloud
 * metadata service) are refused either way, and the rule is checked again at every request.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, useStandIns } from '../helpers/channel-push';
import { productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

describe('channel API addresses in PUT /api/v1/settings', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let shop: ShopifyStandIn;

  type Body = Record<string, unknown> & { webhooks: { allowPrivateNetwork: boolean }; channels: Record<string, Record<string, unknown>> };
  const api = (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
  const current = async () => (await api('GET', '/settings')).json() as Body;
  /** PUT with one channel's fields changed (push on), and the local network allowed or not. */
  const save = async (channel: 'shopify' | 'woocommerce' | 'google', fields: Record<string, unknown>, allowPrivateNetwork = false) => {
    const settings = await current();
    // The other channels' push off, so only this one's address is judged.
    const channels = Object.fromEntries(Object.entries(settings.channels).map(([name, value]) => [name, typeof value === 'object' ? { ...value, pushEnabled: false } : value]));
    return api('PUT', '/settings', {
      ...settings,
      webhooks: { allowPrivateNetwork },
      channels: { ...channels, [channel]: { ...settings.channels[channel], pushEnabled: true, ...fields } },
    });
  };
  const issue = (res: { json(): unknown }) => (res.json() as { error: { details: { issues: Array<{ path: string; message: string }> } } }).error.details.issues[0];

  beforeAll(async () => {
    shop = await startShopifyStandIn();
    shop.shop.addLocation('Shop');
    core = await startCore('sqlite', { channelPush: FAST_PUSH });
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
    await shop?.close();
  });

  it('refuses plain http to a host on the internet, naming the field', async () => {
    const res = await save('shopify', { shopDomain: 'my-shop.myshopify.com', apiBaseUrl: 'http://shop.example.com' }, true);
    expect(res.statusCode).toBe(422);
    expect(issue(res)).toEqual({ path: 'channels.shopify.apiBaseUrl', message: expect.stringContaining('must be https://') });
    expect((await save('google', { tokenUrl: 'http://oauth.example.com/token' })).statusCode).toBe(422);
  });

  it('refuses this computer and the local network unless the owner allows them, and link-local always', async () => {
    const loopback = await save('shopify', { shopDomain: 'my-shop.myshopify.com', apiBaseUrl: 'https://127.0.0.1:8443' });
    expect(loopback.statusCode).toBe(422);
    expect(issue(loopback)?.message).toContain('webhooks.allowPrivateNetwork');
    expect((await save('shopify', { shopDomain: 'my-shop.myshopify.com', apiBaseUrl: 'http://[::1]:8080' })).statusCode).toBe(422);
    const metadata = await save('google', { apiBaseUrl: 'http://169.254.169.254' }, true);
    expect(issue(metadata)).toEqual({ path: 'channels.google.apiBaseUrl', message: expect.stringContaining('link-local') });
    expect((await save('shopify', { shopDomain: 'my-shop.myshopify.com', apiBaseUrl: 'http://127.0.0.1:8080' }, true)).statusCode).toBe(200);
  });

  it('takes WooCommerce over plain http only on this computer (its keys travel as Basic authentication)', async () => {
    const lan = await save('woocommerce', { siteUrl: 'http://192.168.1.20' }, true);
    expect(lan.statusCode).toBe(422);
    expect(issue(lan)).toEqual({ path: 'channels.woocommerce.siteUrl', message: expect.stringContaining('over https only') });
    expect((await save('woocommerce', { siteUrl: 'https://192.168.1.20' }, true)).statusCode).toBe(200);
    expect((await save('woocommerce', { siteUrl: 'http://localhost:8080' }, true)).statusCode).toBe(200);
    expect((await save('woocommerce', { siteUrl: 'https://shop.example.com' })).statusCode).toBe(200);
  });

  it('refuses credentials in the address (they have fields of their own)', async () => {
    const res = await save('woocommerce', { siteUrl: 'https://ck_x:cs_y@shop.example.com' });
    expect(issue(res)).toEqual({ path: 'channels.woocommerce.siteUrl', message: expect.stringContaining('user name or password') });
  });

  it('refuses credentials in any channel address even while its push is off, and never returns stored ones', async () => {
    // Saved while push was off, a key in the address was kept and shown to everyone who reads the settings.
    const fields = {
      shopify: { apiBaseUrl: 'https://user:shpat-PASSWORD-1@admin.example.com' },
      woocommerce: { siteUrl: 'https://ck_KEY:cs_SECRET-2@shop.example.com', apiBaseUrl: 'https://ck_KEY:cs_SECRET-3@api.example.com' },
      google: { apiBaseUrl: 'https://u:SECRET-4@merchant.example.com', tokenUrl: 'https://u:SECRET-5@oauth.example.com/token' },
    } as const;
    for (const [channel, values] of Object.entries(fields)) {
      for (const [field, url] of Object.entries(values)) {
        const settings = await current();
        const res = await api('PUT', '/settings', { ...settings, channels: { ...settings.channels, [channel]: { ...settings.channels[channel], pushEnabled: false, [field]: url } } });
        expect(res.statusCode, `${channel}.${field}`).toBe(422);
        expect(issue(res)).toEqual({ path: `channels.${channel}.${field}`, message: expect.stringContaining('user name or password') });
        expect(res.body).not.toMatch(/SECRET|PASSWORD/);
      }
    }
    expect(JSON.stringify(await current())).not.toMatch(/SECRET|PASSWORD/);

    // One an older version saved is stored and used, but the settings show it masked.
    const before = await current();
    await core.queue.exclusive(async ({ trx }) => {
      const row = (await trx('settings').where({ key: 'shop' }).first()) as { value: string };
      const value = JSON.parse(row.value) as Body;
      value.channels.woocommerce!.siteUrl = fields.woocommerce.siteUrl;
      value.channels.google!.tokenUrl = fields.google.tokenUrl;
      // Push off (with push on, such an address is refused at every save, as before).
      for (const channel of ['shopify', 'woocommerce', 'google']) value.channels[channel]!.pushEnabled = false;
      await trx('settings').where({ key: 'shop' }).update({ value: JSON.stringify(value) });
    });
    await core.settings.load();
    const shown = await current();
    expect(JSON.stringify(shown)).not.toMatch(/SECRET|PASSWORD/);
    expect(shown.channels.woocommerce!.siteUrl).toMatch(/^https:\/\/\*\*\*@shop\.example\.com\/?$/);
    expect(shown.channels.google!.tokenUrl).toBe('https://***@oauth.example.com/token');
    // Saving the settings as read (masked) keeps what is stored, and shows nothing either.
    const resaved = await api('PUT', '/settings', shown);
    expect(resaved.statusCode, resaved.body).toBe(200);
    expect(resaved.body).not.toMatch(/SECRET|PASSWORD/);
    expect(core.settings.current().channels.woocommerce.siteUrl).toBe(fields.woocommerce.siteUrl);
    expect(core.settings.current().channels.google.tokenUrl).toBe(fields.google.tokenUrl);
    // Put back as it was, for the test below.
    await core.queue.exclusive(async ({ trx }) => {
      const row = (await trx('settings').where({ key: 'shop' }).first()) as { value: string };
      const value = JSON.parse(row.value) as Body;
      value.channels.woocommerce!.siteUrl = before.channels.woocommerce!.siteUrl as string;
      value.channels.google!.tokenUrl = before.channels.google!.tokenUrl as string;
      for (const channel of ['shopify', 'woocommerce', 'google']) value.channels[channel]!.pushEnabled = before.channels[channel]!.pushEnabled as boolean;
      await trx('settings').where({ key: 'shop' }).update({ value: JSON.stringify(value) });
    });
    await core.settings.load();
  });

  it('checks again at every request: with the local network switched off, the stand-in is not called', async () => {
    const settings = await current();
    await api('PUT', '/settings', { ...settings, channels: { ...settings.channels, woocommerce: { ...settings.channels.woocommerce, pushEnabled: false }, google: { ...settings.channels.google, pushEnabled: false } } });
    await core.call('products.create', productInput('RULE-1'));
    await useStandIns(core, { shopify: shop });
    await core.call('channels.connect', { channel: 'shopify' });
    const before = shop.requests.length;
    // The owner switches the local network off (push off first, as the save requires), then back on for push alone.
    const on = await current();
    await api('PUT', '/settings', { ...on, channels: { ...on.channels, shopify: { ...on.channels.shopify, pushEnabled: false } } });
    const off = await current();
    expect((await api('PUT', '/settings', { ...off, webhooks: { allowPrivateNetwork: false } })).statusCode).toBe(200);
    // Saved directly in the database as an older version could have: the request is still refused.
    await core.queue.exclusive(async ({ trx }) => {
      const row = (await trx('settings').where({ key: 'shop' }).first()) as { value: string };
      const value = JSON.parse(row.value) as Body;
      value.channels.shopify!.pushEnabled = true;
      await trx('settings').where({ key: 'shop' }).update({ value: JSON.stringify(value) });
    });
    await core.settings.load();
    await expect(core.call('channels.connect', { channel: 'shopify' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('webhooks.allowPrivateNetwork') });
    await core.call('stock.receive', { sku: 'RULE-1', quantity: 1 });
    await eventually(async () => (await core.call('channels.status', {})).channels.some((c) => c.channel === 'shopify' && c.problem?.includes('allowPrivateNetwork') === true), 2_000, 'the refusal in the status');
    expect(shop.requests.length).toBe(before);
  });
});
