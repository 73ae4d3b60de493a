/**
 * Security regression: GET /feeds/<file> serves only what the current manifest lists (with its
 * .gz copies) and the IndexNow key file while IndexNow is on; never anything else that happens to
 * be in the publish folder, such as a file someone copied there or an old key file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';
import { configureShop, goodProduct } from '../fixtures/publish/helpers';

const KEY = 'feedsallowlist0123456789';

describe('/feeds/ serves only published files', () => {
  let core: TestCore;
  let app: FastifyInstance;
  let dir: string;
  const get = (name: string) => app.inject({ method: 'GET', url: `/feeds/${name}` });

  beforeAll(async () => {
    core = await startCore('sqlite');
    await configureShop(core, { gzip: true });
    await core.call('products.create', goodProduct('FEED-1'));
    await core.call('stock.receive', { sku: 'FEED-1', quantity: 2 });
    app = await createApiServer({ core, token: 'feeds-token-0123456789abcdef', version: 'test', logger: silentLogger, rateLimit: false });
    await core.call('publish.run', {});
    dir = core.publisher.publishDir();
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('serves every file the manifest lists, and its .gz copies', async () => {
    const slug = (await core.call('products.get', { idOrSku: 'FEED-1' })).slug;
    for (const name of ['google-merchant.xml', 'google-merchant.tsv', 'sitemap.xml', 'manifest.json', `jsonld/${slug}.json`, 'google-merchant.xml.gz', 'manifest.json.gz']) {
      const res = await get(name);
      expect(res.statusCode, name).toBe(200);
      expect(res.rawPayload.equals(fs.readFileSync(path.join(dir, name))), name).toBe(true);
    }
  });

  it('does not serve a file that is in the folder but not in the manifest', async () => {
    const planted: Record<string, string> = {
      'secret.json': '{"password":"hunter2"}',
      'notes.txt': 'private notes',
      'backup.xml': '<secret/>',
      'sitemap-9.xml': '<urlset/>',
      'jsonld/hidden.json': '{"hidden":true}',
      'secret.json.gz': 'gzipped-secret',
      'notes-0123456789.txt': 'notes-0123456789',
    };
    for (const [name, content] of Object.entries(planted)) fs.writeFileSync(path.join(dir, name), content);
    for (const name of Object.keys(planted)) {
      const res = await get(name);
      expect(res.statusCode, name).toBe(404);
      expect(res.json().error.code, name).toBe('not_found');
    }
    for (const name of Object.keys(planted)) fs.rmSync(path.join(dir, name));
  });

  it('serves the IndexNow key file only while IndexNow is on with that key', async () => {
    fs.writeFileSync(path.join(dir, `${KEY}.txt`), KEY);
    expect((await get(`${KEY}.txt`)).statusCode).toBe(404);
    await configureShop(core, { gzip: true, indexNow: { enabled: true, key: KEY, engine: 'api.indexnow.org' } });
    const res = await get(`${KEY}.txt`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe(KEY);
    // An earlier key's file left behind is not served.
    fs.writeFileSync(path.join(dir, 'oldkey0123456789.txt'), 'oldkey0123456789');
    expect((await get('oldkey0123456789.txt')).statusCode).toBe(404);
    await configureShop(core, { gzip: true, indexNow: { enabled: false, key: KEY, engine: 'api.indexnow.org' } });
    expect((await get(`${KEY}.txt`)).statusCode).toBe(404);
  });

  it('follows the manifest as it changes: a product file is served once the publish that lists it is done', async () => {
    await core.call('products.create', goodProduct('FEED-2'));
    const slug = (await core.call('products.get', { idOrSku: 'FEED-2' })).slug;
    // In the folder, but no manifest lists it yet (as between a file's rename and the manifest's).
    fs.writeFileSync(path.join(dir, 'jsonld', `${slug}.json`), '{"early":true}');
    expect((await get(`jsonld/${slug}.json`)).statusCode).toBe(404);
    await core.call('publish.run', {});
    const res = await get(`jsonld/${slug}.json`);
    expect(res.statusCode).toBe(200);
    expect(res.json()['@type']).toBe('Product');
    // The file stays in the folder; once a manifest no longer lists it, it is not served.
    const copy = path.join(dir, 'manifest.json.kept');
    fs.copyFileSync(path.join(dir, 'manifest.json'), copy);
    const manifest = JSON.parse(fs.readFileSync(copy, 'utf8')) as { files: Array<{ name: string }> };
    manifest.files = manifest.files.filter((f) => f.name !== `jsonld/${slug}.json`);
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect((await get(`jsonld/${slug}.json`)).statusCode).toBe(404);
    fs.renameSync(copy, path.join(dir, 'manifest.json'));
    expect((await get(`jsonld/${slug}.json`)).statusCode).toBe(200);
    // A manifest.json that is not Stockfeed's (someone else's, or damaged) publishes nothing, not even itself.
    fs.copyFileSync(path.join(dir, 'manifest.json'), copy);
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'My web app', files: [{ name: 'google-merchant.xml', bytes: 1, sha256: 'x' }] }));
    for (const name of ['manifest.json', 'google-merchant.xml', `jsonld/${slug}.json`]) expect((await get(name)).statusCode, name).toBe(404);
    fs.renameSync(copy, path.join(dir, 'manifest.json'));
    expect((await get('manifest.json')).statusCode).toBe(200);
  });
});
