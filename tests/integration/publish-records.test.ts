/**
 * The per-product publish records (`published_products`) are what lets a restarted publisher keep
 * each page's lastmod. They are upserted in chunks of 2,000 through the database driver's own
 * prepared statements (named on PostgreSQL), so this runs more than two chunks, twice.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, startCore, type TestCore } from '../helpers/core';
import { bulkInsertProducts, configureShop, SHOP, sitemapEntries } from '../fixtures/publish/helpers';

const COUNT = 4_500;

type RecordRow = { product_id: string; slug: string; content_hash: string; lastmod: string; in_feed: unknown; in_sitemap: unknown; has_jsonld: unknown; issue_count: number | string };

describe.each(engines())('publish records on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await configureShop(core);
    await bulkInsertProducts(core, COUNT);
  }, 120_000);
  afterAll(async () => {
    await core?.cleanup();
  });

  const records = async () => new Map(((await core.db('published_products').select('*')) as RecordRow[]).map((r) => [r.slug, r]));

  it('records every product as its files publish it, and updates every record when all of them change', async () => {
    await core.call('publish.run', {});
    const dir = core.publisher.publishDir();
    const first = await records();
    expect(first.size).toBe(COUNT);
    const sitemap = sitemapEntries(path.join(dir, 'sitemap.xml'));
    expect(sitemap.size).toBe(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const r = first.get(`bulk-${i}`);
      expect(r, `bulk-${i}`).toBeDefined();
      expect(r?.lastmod).toBe(sitemap.get(`${SHOP}/products/bulk-${i}`));
      expect(r?.content_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Boolean(Number(r?.in_feed))).toBe(true);
      expect(Boolean(Number(r?.in_sitemap))).toBe(true);
      expect(Number(r?.issue_count)).toBe(0);
    }

    // Every page moves: every record is replaced (not duplicated), with the new content and lastmod.
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, productUrlTemplate: `${SHOP}/p/{slug}` });
    await core.publisher.idle();
    await core.call('publish.run', {});
    const second = await records();
    expect(second.size).toBe(COUNT);
    const moved = sitemapEntries(path.join(dir, 'sitemap.xml'));
    for (let i = 0; i < COUNT; i++) {
      const before = first.get(`bulk-${i}`) as RecordRow;
      const after = second.get(`bulk-${i}`) as RecordRow;
      expect(after.content_hash, `bulk-${i}`).not.toBe(before.content_hash);
      expect(after.lastmod).toBe(moved.get(`${SHOP}/p/bulk-${i}`));
      expect(after.lastmod > before.lastmod).toBe(true);
    }
  }, 120_000);
});
