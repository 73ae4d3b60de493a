/**
 * Security regression: the shop's public addresses (the shop URL, the product, collection and
 * brand page templates, the pages the OpenAI feed names) took `https://user:pass@shop.example/…`,
 * and the publishers wrote it into the feeds, the sitemap and the JSON-LD for everyone to read.
 * Now refused when saved (422 naming the field). One an earlier version stored is still loaded
 * (not the default settings instead) and used without its user name and password, which a log line
 * says without the secret; the next save leaves them out of the database.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger, type Logger } from '../../electron/core/logger';
import { withoutCredentials } from '../../electron/core/net/url-credentials';
import { goodProduct, SHOP, withOpenAiFeed } from '../fixtures/publish/helpers';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';

/** Every public address with a user name and password in it, each spelled its own way. */
const WITH_CREDENTIALS = {
  shopUrl: 'https://owner:SECRET-1@shop.example.com',
  productUrlTemplate: 'https://owner:SECRET-2@shop.example.com/products/{slug}',
  collectionUrlTemplate: 'https://SECRET-3@shop.example.com/c/{slug}',
  brandUrlTemplate: 'https://owner:SECRET-4@shop.example.com/brands/{slug}',
  'openAiFeed.sellerUrl': 'https:owner:SECRET-5@shop.example.com/about',
  'openAiFeed.returnPolicyUrl': 'https://owner:SECRET-6@shop.example.com/returns',
  'openAiFeed.privacyPolicyUrl': 'https:\\\\owner:SECRET-7@shop.example.com/privacy',
  'openAiFeed.termsUrl': 'https://:SECRET-8@shop.example.com/terms',
} as const;

type Body = Record<string, unknown> & { openAiFeed: Record<string, unknown> };

/** The settings with one public address (a path of WITH_CREDENTIALS) set to `value`. */
function withField(settings: Body, field: string, value: string): Body {
  if (field.startsWith('openAiFeed.')) return { ...settings, openAiFeed: { ...settings.openAiFeed, [field.slice('openAiFeed.'.length)]: value } };
  return { ...settings, [field]: value };
}

/** Every file in the publish folder (links skipped: `jsonld` links to a generation folder listed anyway). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return filesUnder(path.join(dir, e.name));
    return e.isFile() ? [path.join(dir, e.name)] : [];
  });
}

describe('security: no user name or password in the shop’s public addresses', () => {
  let core: TestCore | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await core?.cleanup();
    app = undefined;
    core = undefined;
  });

  it('refuses each public address with credentials in PUT /api/v1/settings, naming the field', async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    const api = (method: 'GET' | 'PUT', body?: unknown) =>
      app!.inject({ method, url: '/api/v1/settings', headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
    const settings = (await api('GET')).json() as Body;
    for (const [field, url] of Object.entries(WITH_CREDENTIALS)) {
      const res = await api('PUT', withField(settings, field, url));
      expect(res.statusCode, field).toBe(422);
      const issues = (res.json() as { error: { details: { issues: Array<{ path: string; message: string }> } } }).error.details.issues;
      expect(issues[0], field).toEqual({ path: field, message: expect.stringContaining('user name or password') });
      expect(res.body).not.toMatch(/SECRET/);
      // The same address without them is taken.
      expect((await api('PUT', withField(settings, field, withoutCredentials(url)))).statusCode, field).toBe(200);
    }
    expect((await api('GET')).body).not.toMatch(/SECRET/);
  });

  it('publishes an address an earlier version stored without its credentials, says so in the log, and drops them at the next save', async () => {
    const lines: Array<{ msg: string; fields: unknown }> = [];
    const capture: Logger = { info: () => {}, warn: (msg, fields) => lines.push({ msg, fields }), error: () => {} };
    core = await startCore('sqlite', { logger: capture });
    const c = core;
    await withOpenAiFeed(c, { collectionUrlTemplate: `${SHOP}/c/{slug}`, brandUrlTemplate: `${SHOP}/brands/{slug}` });
    await c.call('products.create', goodProduct('MUG-1', { title: 'Blue mug', productType: 'Home > Mugs', googleProductCategory: '2169', brand: 'Acme' }));
    await c.call('stock.count', { sku: 'MUG-1', quantity: 5 });

    // As an earlier version saved them; sellerUrl empty so the feed names the seller by the shop URL.
    const stored = { ...WITH_CREDENTIALS, 'openAiFeed.sellerUrl': '' };
    await c.queue.exclusive(async ({ trx }) => {
      const row = (await trx('settings').where({ key: 'shop' }).first()) as { value: string };
      let value = JSON.parse(row.value) as Body;
      for (const [field, url] of Object.entries(stored)) value = withField(value, field, url);
      await trx('settings').where({ key: 'shop' }).update({ value: JSON.stringify(value) });
    });
    await c.settings.load();

    // Loaded, not replaced by the defaults; used without the credentials.
    expect(c.settings.current().shopName).toBe('Test Shop');
    expect(c.settings.current().productUrlTemplate).toBe(`${SHOP}/products/{slug}`);
    expect(c.settings.current().openAiFeed.privacyPolicyUrl).toBe('https:\\\\shop.example.com/privacy');
    const warning = lines.find((l) => l.msg.includes('user name or password'));
    expect(warning?.fields).toEqual({ fields: Object.keys(stored).filter((f) => f !== 'openAiFeed.sellerUrl') });
    expect(JSON.stringify(lines)).not.toMatch(/SECRET/);

    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    const files = filesUnder(dir);
    const names = files.map((f) => path.relative(dir, f));
    expect(names).toEqual(expect.arrayContaining(['sitemap.xml', 'google-merchant.xml', 'openai-products.jsonl', 'collections/brand-acme.json']));
    // The JSON-LD, in the generation folder `jsonld` links to.
    expect(names.some((n) => n.endsWith('/blue-mug.json'))).toBe(true);
    const published = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(published).toContain(`${SHOP}/products/`);
    expect(published).toContain(`${SHOP}/c/`);
    expect(published).toContain(`${SHOP}/brands/`);
    expect(published).toContain(`${SHOP}/returns`);
    expect(published).not.toMatch(/SECRET|owner:|@shop\.example\.com/);
    expect(JSON.stringify(await c.call('settings.get', {}))).not.toMatch(/SECRET/);

    // Saved as read: the database holds them no more.
    await c.call('settings.update', await c.call('settings.get', {}));
    const row = (await c.db('settings').where({ key: 'shop' }).first()) as { value: string };
    expect(row.value).not.toMatch(/SECRET/);
    expect((JSON.parse(row.value) as { shopUrl: string }).shopUrl).toBe(SHOP);
  });
});
