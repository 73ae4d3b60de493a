import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('publish.preview on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  it("explains what keeps a product out, with the publisher's own fixes", async () => {
    await core.call('products.create', productInput('MUG-1', { title: 'Blue mug', gtin: '4006381333931' }));
    const preview = await core.call('publish.preview', { sku: 'mug-1' });
    expect(preview.sku).toBe('MUG-1');
    // No shop address or product URL template yet: the shop's problems say so, with the fix.
    expect(preview.url).toBeNull();
    expect(preview.shopProblems.length).toBeGreaterThan(0);
    for (const p of [...preview.shopProblems, ...preview.problems]) expect(p.fix).not.toBe('');
    expect(preview.published).toBeNull();
    await expect(core.call('publish.preview', { sku: 'NOPE-1' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('shows the feed item, JSON-LD and sitemap entry, and whether the published files match', async () => {
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', {
      ...settings,
      shopUrl: 'https://shop.example.com',
      productUrlTemplate: 'https://shop.example.com/p/{slug}',
    } as Parameters<typeof core.call<'settings.update'>>[1]);
    await core.call('products.update', { idOrSku: 'MUG-1', imageUrl: 'https://cdn.example.com/mug.jpg', brand: 'Fjord', description: 'A sturdy enamel mug.' });
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 3 });
    const preview = await core.call('publish.preview', { sku: 'MUG-1' });
    expect(preview.problems).toEqual([]);
    expect(preview.shopProblems).toEqual([]);
    expect(preview.url).toBe('https://shop.example.com/p/blue-mug');
    expect(preview.feedItem).toContain('<g:id>MUG-1</g:id>');
    expect(preview.feedItem).toContain('<g:availability>in_stock</g:availability>');
    expect(JSON.parse(preview.jsonLd ?? '{}')).toMatchObject({ '@type': 'Product', sku: 'MUG-1' });
    expect(preview.sitemapEntry).toContain('<loc>https://shop.example.com/p/blue-mug</loc>');

    await core.publisher.runNow(false);
    expect((await core.call('publish.preview', { sku: 'MUG-1' })).published).toMatchObject({ inFeed: true, upToDate: true });
    await core.call('products.update', { idOrSku: 'MUG-1', price: '11.00' });
    expect((await core.call('publish.preview', { sku: 'MUG-1' })).published?.upToDate).toBe(false);
  });

  it("gives a variant its group's ProductGroup JSON-LD", async () => {
    await core.call('products.create', productInput('TEE-S', { title: 'Tee small', itemGroupId: 'TEE', imageUrl: 'https://cdn.example.com/t.jpg' }));
    await core.call('products.create', productInput('TEE-M', { title: 'Tee medium', itemGroupId: 'TEE', imageUrl: 'https://cdn.example.com/t.jpg' }));
    const doc = JSON.parse((await core.call('publish.preview', { sku: 'TEE-M' })).jsonLd ?? '{}') as { '@type': string; hasVariant: Array<{ sku: string }> };
    expect(doc['@type']).toBe('ProductGroup');
    expect(doc.hasVariant.map((v) => v.sku)).toEqual(['TEE-M', 'TEE-S']);
  });
});
