/**
 * Gone pages: when a product's slug changes, or it is archived, discontinued or deleted, its old
 * page answers a 301 (to the new page, or to its collection page) or 410, through both redirects
 * files (`_redirects`, `redirects.nginx.conf`), each read back by a tiny server that follows the
 * format; entries expire after `redirectRetentionDays`; a live page is never redirected.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Input } from '../../shared/contract';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';
import { configureShop, goodProduct, SHOP } from '../fixtures/publish/helpers';
import { netlifyServer, nginxServer, type Answer } from '../fixtures/publish/redirect-servers';

describe.each(engines())('redirects of old product pages on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  async function shop(extra: Partial<Input<'settings.update'>> = {}): Promise<TestCore> {
    core = await startCore(engine);
    const current = await core.call('settings.get', {});
    await configureShop(core, { artifacts: { ...current.artifacts, redirects: true }, ...extra });
    return core;
  }

  /** What both servers answer for a product page path; they must agree. */
  function answer(c: TestCore, slug: string): Answer {
    const dir = c.publisher.publishDir();
    const netlify = netlifyServer(fs.readFileSync(path.join(dir, '_redirects'), 'utf8'));
    const nginx = nginxServer(fs.readFileSync(path.join(dir, 'redirects.nginx.conf'), 'utf8'));
    const p = `/products/${slug}`;
    const a = netlify(p);
    expect(nginx(decodeURIComponent(p)), `nginx and _redirects agree on ${p}`).toEqual(a);
    return a;
  }

  async function settle(c: TestCore): Promise<void> {
    await c.publisher.idle();
  }

  it('sends a renamed product’s old page to the new one (301), follows a second rename, and never redirects a live page', async () => {
    const c = await shop();
    await c.call('products.create', goodProduct('MUG-1', { slug: 'blue-mug' }));
    await c.call('products.create', goodProduct('CUP-1', { slug: 'cup' }));
    await c.publisher.start();
    await settle(c);
    expect(answer(c, 'blue-mug')).toEqual({ status: 200, location: null });

    await c.call('products.update', { idOrSku: 'MUG-1', slug: 'navy-mug' });
    await settle(c);
    expect(c.publisher.lastRun?.full).toBe(false);
    expect(answer(c, 'blue-mug')).toEqual({ status: 301, location: `${SHOP}/products/navy-mug` });
    expect(answer(c, 'navy-mug')).toEqual({ status: 200, location: null });

    // Renamed again: both old pages lead to the newest, with no chain.
    await c.call('products.update', { idOrSku: 'MUG-1', slug: 'midnight-mug' });
    await settle(c);
    expect(answer(c, 'blue-mug')).toEqual({ status: 301, location: `${SHOP}/products/midnight-mug` });
    expect(answer(c, 'navy-mug')).toEqual({ status: 301, location: `${SHOP}/products/midnight-mug` });

    // Back to its first name: that page is live again and has no redirect.
    await c.call('products.update', { idOrSku: 'MUG-1', slug: 'blue-mug' });
    await settle(c);
    expect(answer(c, 'blue-mug')).toEqual({ status: 200, location: null });
    expect(answer(c, 'midnight-mug')).toEqual({ status: 301, location: `${SHOP}/products/blue-mug` });

    // Another product takes a freed slug: its page is live, not redirected.
    await c.call('products.update', { idOrSku: 'CUP-1', slug: 'navy-mug' });
    await settle(c);
    expect(answer(c, 'navy-mug')).toEqual({ status: 200, location: null });
    expect(answer(c, 'cup')).toEqual({ status: 301, location: `${SHOP}/products/navy-mug` });

    // What the book knows outlives the process's memory: a rebuild from the database writes the same.
    const dir = c.publisher.publishDir();
    const before = fs.readFileSync(path.join(dir, '_redirects'), 'utf8');
    await c.publisher.rebuild();
    expect(fs.readFileSync(path.join(dir, '_redirects'), 'utf8')).toBe(before);
  });

  it('answers 410 for an archived, discontinued or deleted product, and drops the redirect when it is back', async () => {
    const c = await shop();
    for (const sku of ['A-1', 'D-1', 'X-1']) await c.call('products.create', goodProduct(sku));
    await c.call('publish.run', {});
    const slugOf = async (sku: string) => (await c.call('products.get', { idOrSku: sku })).slug;
    const [a, d, x] = [await slugOf('A-1'), await slugOf('D-1'), await slugOf('X-1')];

    await c.call('products.update', { idOrSku: 'A-1', status: 'archived' });
    await c.call('products.update', { idOrSku: 'D-1', status: 'discontinued' });
    await c.call('products.delete', { idOrSku: 'X-1' });
    await c.call('publish.run', {});
    for (const slug of [a, d, x]) expect(answer(c, slug), slug).toEqual({ status: 410, location: null });
    expect(fs.readFileSync(path.join(c.publisher.publishDir(), '_redirects'), 'utf8')).toContain(`/products/${d} /404.html 410\n`);

    await c.call('products.update', { idOrSku: 'A-1', status: 'active' });
    await c.call('publish.run', {});
    expect(answer(c, a)).toEqual({ status: 200, location: null });
    expect(answer(c, d)).toEqual({ status: 410, location: null });
  });

  it('sends a discontinued product to its collection page when discontinuedRedirect is "collection" (410 without one)', async () => {
    const c = await shop({ discontinuedRedirect: 'collection', collectionUrlTemplate: `${SHOP}/c/{slug}`, brandUrlTemplate: '' });
    await c.call('products.create', goodProduct('MUG-1', { slug: 'mug', productType: 'Home > Kitchen > Mugs' }));
    await c.call('products.create', goodProduct('ODD-1', { slug: 'odd' }));
    await c.publisher.start();
    await settle(c);
    await c.call('products.update', { idOrSku: 'MUG-1', status: 'discontinued' });
    await c.call('products.update', { idOrSku: 'ODD-1', status: 'discontinued' });
    await settle(c);
    expect(answer(c, 'mug')).toEqual({ status: 301, location: `${SHOP}/c/home-kitchen-mugs` });
    expect(answer(c, 'odd')).toEqual({ status: 410, location: null });

    // The setting decides when the files are written, not when the product left.
    const current = await c.call('settings.get', {});
    await c.call('settings.update', { ...current, discontinuedRedirect: 'gone' });
    await settle(c);
    expect(answer(c, 'mug')).toEqual({ status: 410, location: null });
  });

  it('lets redirects expire after redirectRetentionDays', async () => {
    const c = await shop({ redirectRetentionDays: 30 });
    await c.call('products.create', goodProduct('OLD-1', { slug: 'old-name' }));
    await c.call('products.create', goodProduct('NEW-1', { slug: 'gone-soon' }));
    await c.call('publish.run', {});
    await c.call('products.update', { idOrSku: 'OLD-1', slug: 'new-name' });
    await c.call('products.update', { idOrSku: 'NEW-1', status: 'archived' });
    await c.call('publish.run', {});
    expect(answer(c, 'old-name').status).toBe(301);
    expect(answer(c, 'gone-soon').status).toBe(410);

    // 31 days later (the book's times moved back): the next publish leaves both out.
    const longAgo = new Date(Date.now() - 31 * 86_400_000).toISOString();
    await c.db('redirect_urls').update({ since: longAgo });
    await c.publisher.rebuild();
    expect(answer(c, 'old-name')).toEqual({ status: 200, location: null });
    expect(answer(c, 'gone-soon')).toEqual({ status: 200, location: null });
    // The product is still gone: its departure is not recorded again as new.
    await c.call('publish.run', { full: true });
    expect(answer(c, 'gone-soon')).toEqual({ status: 200, location: null });
  });

  it('lists the files in the manifest and the status, without .gz copies, and removes them when turned off', async () => {
    const c = await shop({ gzip: true });
    await c.call('products.create', goodProduct('R-1', { slug: 'r-one' }));
    await c.call('publish.run', {});
    await c.call('products.update', { idOrSku: 'R-1', slug: 'r-two' });
    const status = await c.call('publish.run', {});
    const dir = c.publisher.publishDir();
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ name: string }> };
    expect(manifest.files.map((f) => f.name)).toEqual(expect.arrayContaining(['_redirects', 'redirects.nginx.conf']));
    expect(status.artifacts.find((a) => a.artifact === 'redirects')).toMatchObject({ enabled: true, files: ['_redirects', 'redirects.nginx.conf'], counts: { items: 1 } });
    expect(fs.existsSync(path.join(dir, '_redirects.gz'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'google-merchant.xml.gz'))).toBe(true);

    const current = await c.call('settings.get', {});
    await c.call('settings.update', { ...current, artifacts: { ...current.artifacts, redirects: false } });
    await c.call('publish.run', {});
    expect(fs.existsSync(path.join(dir, '_redirects'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'redirects.nginx.conf'))).toBe(false);
  });
});
