import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';
import { configureShop, goodProduct } from '../fixtures/publish/helpers';

const TOKEN = 'test-token-0123456789abcdef';

describe('publishing over the REST API and /feeds/', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const api = (method: 'GET' | 'POST', url: string, body?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });

  beforeAll(async () => {
    core = await startCore('sqlite');
    await configureShop(core);
    await core.call('products.create', goodProduct('API-1'));
    await core.call('products.create', goodProduct('API-2', { imageUrl: null }));
    await core.call('stock.receive', { sku: 'API-1', quantity: 3 });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('GET /publish/status before any publish: every artifact without a sequence, targets listed', async () => {
    const res = await api('GET', '/publish/status');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.seq).toBeNull();
    expect(body.artifacts.map((a: { artifact: string }) => a.artifact)).toEqual(['merchantXml', 'merchantTsv', 'sitemap', 'jsonLd', 'collections', 'openAiFeed', 'redirects', 'manifest']);
    expect(Array.isArray(body.targets)).toBe(true);
  });

  it('POST /publish runs a publish and returns the status per artifact', async () => {
    const res = await api('POST', '/publish', {});
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.seq).toBeGreaterThan(0);
    const xml = body.artifacts.find((a: { artifact: string }) => a.artifact === 'merchantXml');
    expect(xml).toMatchObject({ enabled: true, files: ['google-merchant.xml'], seq: body.seq, error: null, counts: { items: 1, excluded: 1, files: 1 } });
    expect(xml.writtenAt).toMatch(/^\d{4}-/);
    expect(typeof xml.durationMs).toBe('number');
    expect(body.products).toEqual({ total: 2, inFeed: 1, inSitemap: 2, withIssues: 1 });
    expect(body.availability.in_stock).toBe(1);

    const full = await api('POST', '/publish', { full: true });
    expect(full.statusCode).toBe(200);
    const bad = await api('POST', '/publish', { full: 'yes' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues[0].path).toBe('full');
    const unknown = await api('POST', '/publish', { everything: true });
    expect(unknown.statusCode).toBe(422);
  });

  it('GET /publish/issues lists each problem with the field and the fix; paged by cursor', async () => {
    const res = await api('GET', '/publish/issues?limit=1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2 - 1);
    expect(body.products).toEqual([
      {
        productId: expect.any(String),
        sku: 'API-2',
        problems: [expect.objectContaining({ field: 'imageUrl', problem: expect.stringContaining('no image'), fix: expect.stringContaining('image URL'), excludedFrom: ['feed', 'jsonLd'] })],
      },
    ]);
    expect(body.next).toBeNull();
    expect((await api('GET', '/publish/issues?limit=0')).statusCode).toBe(422);
    // A shop without URLs: a shop-wide problem.
    await core.call('settings.update', { ...(await core.call('settings.get', {})), productUrlTemplate: '', shopUrl: '' });
    const shop = (await api('GET', '/publish/issues')).json();
    expect(shop.shop).toEqual([expect.objectContaining({ field: 'productUrlTemplate' })]);
    await configureShop(core);
  });

  it('serves the publish folder read-only at /feeds/ with the right content types, and nothing else', async () => {
    await api('POST', '/publish', {});
    const xml = await app.inject({ method: 'GET', url: '/feeds/google-merchant.xml' });
    expect(xml.statusCode).toBe(200);
    expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(xml.body).toBe(fs.readFileSync(path.join(core.publisher.publishDir(), 'google-merchant.xml'), 'utf8'));
    expect((await app.inject({ method: 'GET', url: '/feeds/google-merchant.tsv' })).headers['content-type']).toBe('text/tab-separated-values; charset=utf-8');
    expect((await app.inject({ method: 'GET', url: '/feeds/sitemap.xml' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/feeds/manifest.json' })).headers['content-type']).toBe('application/json; charset=utf-8');
    const slug = (await core.call('products.get', { idOrSku: 'API-1' })).slug;
    const ld = await app.inject({ method: 'GET', url: `/feeds/jsonld/${slug}.json` });
    expect(ld.statusCode).toBe(200);
    expect(ld.json()['@type']).toBe('Product');
    const head = await app.inject({ method: 'HEAD', url: '/feeds/google-merchant.xml' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    const again = await app.inject({ method: 'GET', url: '/feeds/google-merchant.xml', headers: { 'if-none-match': String(xml.headers.etag) } });
    expect(again.statusCode).toBe(304);

    // No listing, no temporary files, no way out of the folder, no writes.
    fs.writeFileSync(path.join(core.publisher.publishDir(), '.google-merchant.xml.tmp-1-deadbeef'), 'half');
    for (const url of ['/feeds/', '/feeds/jsonld/', '/feeds/jsonld', '/feeds/.google-merchant.xml.tmp-1-deadbeef', '/feeds/../stockfeed.sqlite', '/feeds/%2e%2e/stockfeed.sqlite', '/feeds/..%2fstockfeed.sqlite', '/feeds/api-token', '/feeds/nope.xml']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('half');
    }
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      expect((await app.inject({ method, url: '/feeds/google-merchant.xml', payload: 'x' })).statusCode).toBe(404);
    }
    // Public: Merchant Center and crawlers fetch it without a token.
    expect(xml.headers['cache-control']).toBe('no-cache');
  });

  it('serves the OpenAI feed and the redirects files at /feeds/ once they are on, and shows them in the status', async () => {
    const current = await core.call('settings.get', {});
    expect((await app.inject({ method: 'GET', url: '/feeds/openai-products.jsonl' })).statusCode).toBe(404);
    await core.call('settings.update', {
      ...current,
      artifacts: { ...current.artifacts, openAiFeed: true, redirects: true },
      openAiFeed: { ...current.openAiFeed, storeCountry: 'DE', returnPolicyUrl: 'https://shop.example.com/returns' },
    });
    await core.call('products.update', { idOrSku: 'API-1', slug: 'api-one-renamed' });
    const status = (await api('POST', '/publish', {})).json();
    const byName = new Map(status.artifacts.map((a: { artifact: string }) => [a.artifact, a]));
    expect(byName.get('openAiFeed')).toMatchObject({ enabled: true, files: ['openai-products.jsonl'], counts: { items: 1, excluded: 1 } });
    expect(byName.get('redirects')).toMatchObject({ enabled: true, files: ['_redirects', 'redirects.nginx.conf'], counts: { items: 1 } });

    const feed = await app.inject({ method: 'GET', url: '/feeds/openai-products.jsonl' });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    expect(JSON.parse(feed.body.trim())).toMatchObject({ item_id: 'API-1', store_country: 'DE' });
    for (const name of ['_redirects', 'redirects.nginx.conf']) {
      const res = await app.inject({ method: 'GET', url: `/feeds/${name}` });
      expect(res.statusCode, name).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toContain('/products/');
    }
  });

  it('serves the collection files at /feeds/ and shows them in GET /publish/status (issue 19)', async () => {
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, collectionUrlTemplate: 'https://shop.example.com/c/{slug}', brandUrlTemplate: '' });
    await core.call('products.update', { idOrSku: 'API-1', productType: 'Home > Mugs' });
    await api('POST', '/publish', {});
    const data = await app.inject({ method: 'GET', url: '/feeds/collections/home-mugs.json' });
    expect(data.statusCode).toBe(200);
    expect(data.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(data.json()).toMatchObject({ slug: 'home-mugs', url: 'https://shop.example.com/c/home-mugs', products: [{ sku: 'API-1' }] });
    const sitemap = await app.inject({ method: 'GET', url: '/feeds/sitemap-collections.xml' });
    expect(sitemap.statusCode).toBe(200);
    expect(sitemap.body).toContain('<loc>https://shop.example.com/c/home-mugs</loc>');
    expect((await app.inject({ method: 'GET', url: '/feeds/collections/' })).statusCode).toBe(404);
    const status = (await api('GET', '/publish/status')).json() as { artifacts: Array<{ artifact: string; files: string[]; counts: { items: number } }> };
    expect(status.artifacts.find((a) => a.artifact === 'collections')).toMatchObject({ files: ['collections/', 'sitemap-collections.xml'], counts: { items: 2 } });
  });
});
