/**
 * Product entries in the sitemap carry their images with Google's image sitemap extension
 * (`image:image` / `image:loc`, namespace declared on the urlset), and every part validates
 * against the official sitemap schema together with the extension's (xmllint).
 */
import fs from 'node:fs';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import { afterEach, describe, expect, it } from 'vitest';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';
import { configureShop, goodProduct, SHOP, xmllint } from '../fixtures/publish/helpers';
import { skipWithout, titled } from '../helpers/system-services';

const IMAGE_NS = 'http://www.google.com/schemas/sitemap-image/1.1';
const noXmllint = skipWithout('xmllint', 'publishing: the image sitemap extension XSD check');

type Node = { textContent: string | null; getAttribute(name: string): string | null; getElementsByTagNameNS(ns: string, name: string): ArrayLike<Node> };

/** Each URL of a urlset with the image locations its entry names (elements found by namespace, not by prefix). */
function imagesByUrl(file: string): Map<string, string[]> {
  const root = create(fs.readFileSync(file, 'utf8')).root().node as unknown as Node;
  expect(root.getAttribute('xmlns:image')).toBe(IMAGE_NS);
  const doc = root;
  const out = new Map<string, string[]>();
  for (const url of Array.from(doc.getElementsByTagNameNS('http://www.sitemaps.org/schemas/sitemap/0.9', 'url'))) {
    const loc = url.getElementsByTagNameNS('http://www.sitemaps.org/schemas/sitemap/0.9', 'loc')[0]?.textContent ?? '';
    const images = Array.from(url.getElementsByTagNameNS(IMAGE_NS, 'image')).map((i) => i.getElementsByTagNameNS(IMAGE_NS, 'loc')[0]?.textContent ?? '');
    out.set(loc, images);
  }
  return out;
}

describe.each(engines())('image sitemap on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it.skipIf(noXmllint)(titled('names each product page’s images and validates against the sitemap and image extension schemas', noXmllint), async () => {
    core = await startCore(engine, { sitemapLimits: { urls: 2, bytes: 50 * 1024 * 1024 } });
    const c = core;
    await configureShop(c);
    await c.call('products.create', goodProduct('A-1', { slug: 'a-one', additionalImageUrls: ['https://cdn.example.com/a-1-back.jpg?w=800&h=600', 'https://cdn.example.com/a 1 side.jpg'] }));
    await c.call('products.create', goodProduct('B-1', { slug: 'b-one', imageUrl: 'https://cdn.example.com/ünï.jpg' }));
    // No image: still in the sitemap (its page exists), with no image element.
    await c.call('products.create', goodProduct('C-1', { slug: 'c-one', imageUrl: null }));
    await c.call('products.create', goodProduct('D-1', { slug: 'd-one', description: '' }));
    for (const sku of ['A-1', 'B-1', 'C-1', 'D-1']) await c.call('stock.receive', { sku, quantity: 2 });
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();

    const parts = fs.readdirSync(dir).filter((n) => /^sitemap-\d+\.xml$/.test(n)).sort();
    expect(parts.length).toBeGreaterThan(1);
    const images = new Map<string, string[]>();
    for (const part of parts) {
      const lint = xmllint('sitemap-with-images.xsd', path.join(dir, part));
      expect(lint.output, part).toContain('validates');
      expect(lint.code, part).toBe(0);
      for (const [url, list] of imagesByUrl(path.join(dir, part))) images.set(url, list);
    }
    expect(images.get(`${SHOP}/products/a-one`)).toEqual([
      'https://cdn.example.com/a-1.jpg',
      'https://cdn.example.com/a-1-back.jpg?w=800&h=600',
      'https://cdn.example.com/a%201%20side.jpg',
    ]);
    expect(images.get(`${SHOP}/products/b-one`)).toEqual(['https://cdn.example.com/%C3%BCn%C3%AF.jpg']);
    expect(images.get(`${SHOP}/products/c-one`)).toEqual([]);
    // Out of the feed (no description) but in the sitemap: its image is named all the same.
    expect(images.get(`${SHOP}/products/d-one`)).toEqual(['https://cdn.example.com/d-1.jpg']);

    // A new image reaches the sitemap entry in the next incremental publish, even for a product not in the feed.
    await c.call('products.update', { idOrSku: 'D-1', imageUrl: 'https://cdn.example.com/d-1-new.jpg' });
    await c.publisher.idle();
    expect(c.publisher.lastRun?.full).toBe(false);
    const after = new Map<string, string[]>();
    for (const part of fs.readdirSync(dir).filter((n) => /^sitemap-\d+\.xml$/.test(n))) for (const [u, l] of imagesByUrl(path.join(dir, part))) after.set(u, l);
    expect(after.get(`${SHOP}/products/d-one`)).toEqual(['https://cdn.example.com/d-1-new.jpg']);
  });
});
