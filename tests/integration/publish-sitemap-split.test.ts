import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, startCore, type TestCore } from '../helpers/core';
import { bulkInsertProducts, configureShop, goodProduct, SHOP, sitemapEntries, sitemapIndexEntries, xmllint } from '../fixtures/publish/helpers';
import { skipWithout, titled } from '../helpers/system-services';

const noXmllint = skipWithout('xmllint', 'sitemap past 50,000 URLs');

describe.skipIf(noXmllint).each(engines())(titled('sitemap past 50,000 URLs on %s', noXmllint), (engine) => {
  let core: TestCore;
  let dir: string;
  beforeAll(async () => {
    core = await startCore(engine);
    await configureShop(core);
    await bulkInsertProducts(core, 50_001);
    dir = core.publisher.publishDir();
  }, 180_000);
  // On a busy machine, closing the core over 50,000 products and dropping its database took past the default minute.
  afterAll(async () => {
    await core?.cleanup();
  }, 180_000);

  it('becomes a sitemap index over sitemap-1.xml and sitemap-2.xml, each valid, and folds back below the limit', async () => {
    await core.call('publish.run', {});
    expect(sitemapIndexEntries(path.join(dir, 'sitemap.xml'))).toEqual([`${SHOP}/sitemap-1.xml`, `${SHOP}/sitemap-2.xml`]);
    const first = sitemapEntries(path.join(dir, 'sitemap-1.xml'));
    const second = sitemapEntries(path.join(dir, 'sitemap-2.xml'));
    expect(first.size).toBe(50_000);
    expect(second.size).toBe(1);
    expect(second.has(`${SHOP}/products/bulk-50000`)).toBe(true);
    for (const [xsd, file] of [['siteindex.xsd', 'sitemap.xml'], ['sitemap-with-images.xsd', 'sitemap-1.xml'], ['sitemap-with-images.xsd', 'sitemap-2.xml']] as const) {
      const lint = xmllint(xsd, path.join(dir, file));
      expect(lint.output, file).toContain('validates');
      expect(lint.code).toBe(0);
      expect(fs.statSync(path.join(dir, file)).size).toBeLessThan(50 * 1024 * 1024);
    }

    // One more product lands in the second part; the first part is not rewritten.
    const firstWritten = fs.statSync(path.join(dir, 'sitemap-1.xml')).mtimeMs;
    await core.publisher.start();
    await core.call('products.create', goodProduct('ZZZ-LAST'));
    await core.publisher.idle();
    expect(core.publisher.lastRun?.outcome.changedFiles).toEqual(
      expect.arrayContaining(['sitemap-2.xml', 'sitemap.xml', 'google-merchant.xml']),
    );
    expect(core.publisher.lastRun?.outcome.changedFiles).not.toContain('sitemap-1.xml');
    expect(fs.statSync(path.join(dir, 'sitemap-1.xml')).mtimeMs).toBe(firstWritten);
    expect(sitemapEntries(path.join(dir, 'sitemap-2.xml')).size).toBe(2);

    // Two products leave the listing: 50,000 URLs fit one file again and the parts are removed.
    await core.call('products.update', { idOrSku: 'ZZZ-LAST', status: 'archived' });
    await core.call('products.update', { idOrSku: 'BULK-000000', status: 'discontinued' });
    await core.publisher.idle();
    expect(sitemapEntries(path.join(dir, 'sitemap.xml')).size).toBe(50_000);
    expect(fs.existsSync(path.join(dir, 'sitemap-1.xml'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'sitemap-2.xml'))).toBe(false);
    expect(xmllint('sitemap-with-images.xsd', path.join(dir, 'sitemap.xml')).code).toBe(0);
  }, 180_000);
});
