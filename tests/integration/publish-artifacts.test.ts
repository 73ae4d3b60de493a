import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { addDays, SCHEMA_ORG_AVAILABILITY, utcToday, type Availability } from '../../shared/domain/availability';
import type { PublishOutcome } from '../../electron/core/publish/types';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';
import { configureShop, goodProduct, parseFeed, parseTsv, SHOP, sitemapEntries, xmllint } from '../fixtures/publish/helpers';
import { merchantListingProblems, SchemaVocabulary } from '../fixtures/publish/schema-vocabulary';
import { skipWithout, titled } from '../helpers/system-services';

const vocabulary = new SchemaVocabulary();
const FUTURE = '2099-01-15';
const noXmllint = skipWithout('xmllint', 'publishing: the sitemap XSD and feed well-formedness checks');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe.each(engines())('publishing on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  async function shop(): Promise<{ c: TestCore; dir: string }> {
    core = await startCore(engine);
    await configureShop(core);
    return { c: core, dir: core.publisher.publishDir() };
  }

  /** A catalogue with every availability and a variant group. */
  async function catalogue(c: TestCore): Promise<void> {
    await c.call('products.create', goodProduct('IN-1', { gtin: '4006381333931', salePrice: '14.90', additionalImageUrls: ['https://cdn.example.com/in-1-b.jpg'] }));
    await c.call('products.create', goodProduct('OUT-1', { condition: 'used' }));
    await c.call('products.create', goodProduct('PRE-1', { preorderDate: FUTURE }));
    await c.call('products.create', goodProduct('TEE-S', { title: 'T-shirt blue S', itemGroupId: 'TEE' }));
    await c.call('products.create', goodProduct('TEE-M', { title: 'T-shirt blue M', itemGroupId: 'TEE' }));
    await c.call('products.create', goodProduct('GONE-1', { status: 'discontinued' }));
    await c.call('products.create', goodProduct('ARCH-1', { status: 'archived' }));
    await c.call('products.create', goodProduct('NOIMG-1', { imageUrl: null }));
    await c.call('products.create', goodProduct('BACK-1', { allowBackorder: true }));
    await c.call('stock.receive', { sku: 'IN-1', quantity: 10 });
    await c.call('stock.receive', { sku: 'TEE-S', quantity: 3 });
  }

  it('writes a Merchant feed that parses back and matches the database field by field, XML and TSV alike', async () => {
    const { c, dir } = await shop();
    await catalogue(c);
    await c.call('publish.run', {});

    const { channel, items } = parseFeed(path.join(dir, 'google-merchant.xml'));
    expect(channel.title).toBe('Test Shop');
    const tsv = parseTsv(path.join(dir, 'google-merchant.tsv'));
    expect(items.map((i) => i['g:id'])).toEqual(['BACK-1', 'IN-1', 'OUT-1', 'PRE-1', 'TEE-M', 'TEE-S']);
    expect(tsv.map((r) => r.id)).toEqual(items.map((i) => i['g:id']));

    for (const [n, item] of items.entries()) {
      const p = await c.call('products.get', { idOrSku: String(item['g:id']) });
      const s = await c.call('stock.get', { sku: p.sku });
      const row = tsv[n] as Record<string, string>;
      const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      const expected: Record<string, unknown> = {
        'g:title': p.title,
        'g:description': p.description,
        'g:link': `${SHOP}/products/${p.slug}`,
        'g:image_link': p.imageUrl,
        'g:price': `${p.price} ${p.currency}`,
        'g:availability': s.availability,
        'g:brand': p.brand || 'Acme',
        'g:condition': p.condition,
      };
      for (const [k, v] of Object.entries(expected)) expect(item[k], `${p.sku} ${k}`).toBe(v);
      expect(list(item['g:additional_image_link'])).toEqual(p.additionalImageUrls);
      expect(item['g:sale_price']).toBe(p.salePrice ? `${p.salePrice} ${p.currency}` : undefined);
      expect(item['g:gtin']).toBe(p.gtin ?? undefined);
      expect(item['g:mpn']).toBe(p.mpn ?? undefined);
      expect(item['g:identifier_exists']).toBe(p.gtin || p.mpn ? undefined : 'no');
      expect(item['g:item_group_id']).toBe(p.itemGroupId ?? undefined);
      expect(item['g:availability_date']).toBe(s.availabilityDate ? `${s.availabilityDate}T00:00:00Z` : undefined);
      // At or below the buffer: out of stock, and the ads paused.
      const paused = s.availability === 'out_of_stock';
      expect(list(item['g:excluded_destination'])).toEqual(paused ? ['Shopping_ads', 'Display_ads'] : []);
      expect(item['g:pause']).toBe(paused ? 'ads' : undefined);

      expect(row).toMatchObject({
        title: p.title,
        description: p.description,
        link: `${SHOP}/products/${p.slug}`,
        image_link: p.imageUrl as string,
        additional_image_link: p.additionalImageUrls.join(','),
        availability: s.availability,
        price: `${p.price} ${p.currency}`,
        sale_price: p.salePrice ? `${p.salePrice} ${p.currency}` : '',
        gtin: p.gtin ?? '',
        mpn: p.mpn ?? '',
        item_group_id: p.itemGroupId ?? '',
        excluded_destination: paused ? 'Shopping_ads,Display_ads' : '',
        pause: paused ? 'ads' : '',
      });
    }
    expect(items.find((i) => i['g:id'] === 'PRE-1')?.['g:availability']).toBe('preorder');
    // A backorder with no dated incoming stock is dated by the shop's lead time (14 days by default).
    const back = items.find((i) => i['g:id'] === 'BACK-1');
    expect(back?.['g:availability']).toBe('backorder');
    expect(String(back?.['g:availability_date'])).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect((await c.call('stock.get', { sku: 'BACK-1' })).availabilityDate).toBe(addDays(utcToday(), 14));

    // Left out, with the reason listed: no image.
    const issues = await c.call('publish.issues', {});
    expect(issues.products.map((p) => p.sku)).toEqual(['NOIMG-1']);
    expect(issues.products[0]?.problems).toEqual([expect.objectContaining({ field: 'imageUrl', excludedFrom: ['feed', 'jsonLd'] })]);
    expect(issues.shop).toEqual([]);

    // Discontinued and archived: out of the feed and the sitemap, `Discontinued` in their JSON-LD.
    const urls = sitemapEntries(path.join(dir, 'sitemap.xml'));
    for (const sku of ['GONE-1', 'ARCH-1']) {
      const p = await c.call('products.get', { idOrSku: sku });
      expect(urls.has(`${SHOP}/products/${p.slug}`)).toBe(false);
      const doc = readJson(path.join(dir, 'jsonld', `${p.slug}.json`));
      expect((doc.offers as Record<string, unknown>).availability).toBe('https://schema.org/Discontinued');
    }
    expect(urls.size).toBe(7);

    const manifest = readJson(path.join(dir, 'manifest.json')) as { seq: number; files: Array<{ name: string; bytes: number; sha256: string }> };
    expect(manifest.seq).toBe((await c.call('publish.status', {})).seq);
    for (const f of manifest.files) expect(fs.statSync(path.join(dir, f.name)).size).toBe(f.bytes);
  });

  it.skipIf(noXmllint)(titled('writes a sitemap that validates against the official XSD and JSON-LD that uses only the schema.org vocabulary', noXmllint), async () => {
    const { c, dir } = await shop();
    await catalogue(c);
    await c.call('publish.run', {});
    const lint = xmllint('sitemap-with-images.xsd', path.join(dir, 'sitemap.xml'));
    expect(lint.output).toContain('validates');
    expect(lint.code).toBe(0);

    const files = fs.readdirSync(path.join(dir, 'jsonld'));
    expect(files.length).toBe(8); // every product but the one without an image
    let groups = 0;
    for (const f of files) {
      const doc = readJson(path.join(dir, 'jsonld', f));
      expect(vocabulary.check(doc), f).toEqual([]);
      expect(merchantListingProblems(doc), f).toEqual([]);
      if (doc['@type'] === 'ProductGroup') {
        groups++;
        expect(doc.productGroupID).toBe('TEE');
        expect(doc.name).toBe('T-shirt blue');
        expect((doc.hasVariant as unknown[]).length).toBe(2);
      }
    }
    expect(groups).toBe(2); // both variants' pages carry the group
    const pre = await c.call('products.get', { idOrSku: 'PRE-1' });
    const offer = readJson(path.join(dir, 'jsonld', `${pre.slug}.json`)).offers as Record<string, unknown>;
    expect(offer).toMatchObject({ availability: 'https://schema.org/PreOrder', availabilityStarts: FUTURE, priceCurrency: 'EUR', price: '19.90' });
    const sale = await c.call('products.get', { idOrSku: 'IN-1' });
    const saleDoc = readJson(path.join(dir, 'jsonld', `${sale.slug}.json`));
    expect(saleDoc).toMatchObject({ gtin13: '4006381333931', brand: { '@type': 'Brand', name: 'Acme' } });
    expect(saleDoc.offers).toMatchObject({ price: '14.90', itemCondition: 'https://schema.org/NewCondition', priceSpecification: { price: '19.90' } });
  });

  it.skipIf(noXmllint)(titled('escapes hostile text correctly in the XML feed, the TSV and the JSON-LD', noXmllint), async () => {
    const { c, dir } = await shop();
    const title = `Tom & Jerry's "<b>best</b>" mug </script><!-- 🙂 مرحبا \u202Eevil\u0001\u0008`;
    const description = `Line one\nline two\ttabbed\r\n& more <script>alert('x')</script> 😀 שלום \u0002\u001f\u007f end`;
    await c.call('products.create', goodProduct('HOSTILE-1', { title, description, brand: 'A&B <Co>' }));
    await c.call('stock.receive', { sku: 'HOSTILE-1', quantity: 1 });
    await c.call('publish.run', {});

    const strip = (s: string) => [...s].filter((ch) => '\t\n\r'.includes(ch) || (ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)).join('');
    const { items } = parseFeed(path.join(dir, 'google-merchant.xml'));
    expect(items[0]?.['g:title']).toBe(strip(title));
    expect(items[0]?.['g:description']).toBe(strip(description));
    expect(items[0]?.['g:brand']).toBe('A&B <Co>');
    expect(spawnOk(['--noout', path.join(dir, 'google-merchant.xml')])).toBe(true);

    const tsv = parseTsv(path.join(dir, 'google-merchant.tsv'));
    expect(tsv).toHaveLength(1);
    expect(tsv[0]?.title).toBe(strip(title));
    expect(tsv[0]?.description).toBe(strip(description).replace(/[\t\r\n]/g, ' '));

    const p = await c.call('products.get', { idOrSku: 'HOSTILE-1' });
    const text = fs.readFileSync(path.join(dir, 'jsonld', `${p.slug}.json`), 'utf8');
    expect(text).not.toMatch(/[<>&]/);
    expect(text).toContain('\\u003c/script\\u003e');
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc.name).toBe(title);
    expect(doc.description).toBe(description);
  });

  it('changes a product’s lastmod only when its published content changes', async () => {
    const { c, dir } = await shop();
    await c.call('products.create', goodProduct('LM-1'));
    await c.call('products.create', goodProduct('LM-2'));
    await c.call('stock.receive', { sku: 'LM-1', quantity: 10 });
    await c.publisher.start();
    const url1 = `${SHOP}/products/${(await c.call('products.get', { idOrSku: 'LM-1' })).slug}`;
    const url2 = `${SHOP}/products/${(await c.call('products.get', { idOrSku: 'LM-2' })).slug}`;
    const lastmods = () => sitemapEntries(path.join(dir, 'sitemap.xml'));
    const first = lastmods();
    expect(first.get(url1)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);

    // Regenerations without a content change keep it: incremental, full, and a full rewrite.
    await c.call('publish.run', {});
    await c.call('publish.run', { full: true });
    expect(lastmods()).toEqual(first);

    // More stock, still in stock: nothing published changes.
    await c.call('stock.receive', { sku: 'LM-1', quantity: 5 });
    await c.publisher.idle();
    expect(lastmods()).toEqual(first);

    // A price change and an availability change each move it, for that product only.
    await new Promise((r) => setTimeout(r, 5));
    await c.call('products.update', { idOrSku: 'LM-1', price: '21.00' });
    await c.publisher.idle();
    const afterPrice = lastmods();
    expect(afterPrice.get(url1)! > first.get(url1)!).toBe(true);
    expect(afterPrice.get(url2)).toBe(first.get(url2));

    await new Promise((r) => setTimeout(r, 5));
    await c.call('stock.receive', { sku: 'LM-2', quantity: 1 });
    await c.publisher.idle();
    const afterStock = lastmods();
    expect(afterStock.get(url2)! > first.get(url2)!).toBe(true);
    expect(afterStock.get(url1)).toBe(afterPrice.get(url1));
    expect(parseFeed(path.join(dir, 'google-merchant.xml')).items.find((i) => i['g:id'] === 'LM-2')?.['g:availability']).toBe('in_stock');
  });

  it('shows the same availability in the feed, the JSON-LD and the stock API at the same sequence', async () => {
    const { c, dir } = await shop();
    await catalogue(c);
    await c.call('settings.update', { ...(await c.call('settings.get', {})), bufferStock: 2 });
    await c.publisher.start();
    // A burst of changes, coalesced: the files end up at the last one.
    await Promise.all([
      c.call('stock.adjust', { sku: 'IN-1', quantity: -8, reason: 'damaged' }),
      c.call('stock.receive', { sku: 'OUT-1', quantity: 3 }),
      c.call('reservations.create', { sku: 'TEE-S', quantity: 1, reference: 'ORDER-1' }),
    ]);
    await c.publisher.idle();
    const status = await c.call('publish.status', {});
    const changes = await c.call('changes.list', { since: status.seq ?? 0, limit: 100 });
    expect(changes.changes.every((ch) => ch.type === 'published')).toBe(true);

    const feed = new Map(parseFeed(path.join(dir, 'google-merchant.xml')).items.map((i) => [i['g:id'], i['g:availability']]));
    const all = await c.call('products.list', { limit: 100 });
    for (const p of all.products) {
      const s = await c.call('stock.get', { sku: p.sku });
      expect(p.stock.availability).toBe(s.availability);
      if (feed.has(p.sku)) expect(feed.get(p.sku), p.sku).toBe(s.availability);
      const file = path.join(dir, 'jsonld', `${p.slug}.json`);
      if (!fs.existsSync(file)) continue;
      const doc = readJson(file);
      const offers = doc['@type'] === 'ProductGroup'
        ? ((doc.hasVariant as Array<Record<string, unknown>>).find((v) => v.sku === p.sku)?.offers as Record<string, unknown>)
        : (doc.offers as Record<string, unknown>);
      expect(offers.availability, p.sku).toBe(SCHEMA_ORG_AVAILABILITY[s.availability as Availability]);
    }
    // IN-1: 2 left, at the buffer → out of stock; OUT-1: 3 > 2 → in stock; TEE-S: 2 available → out of stock.
    expect([feed.get('IN-1'), feed.get('OUT-1'), feed.get('TEE-S')]).toEqual(['out_of_stock', 'in_stock', 'out_of_stock']);
  });

  it('republishes everything when a setting that affects output changes', async () => {
    const { c, dir } = await shop();
    await catalogue(c);
    await c.publisher.start();
    const before = sitemapEntries(path.join(dir, 'sitemap.xml'));
    const settings = await c.call('settings.get', {});
    await c.call('settings.update', { ...settings, shopName: 'Renamed & Co', keepOutOfStockInSitemap: false, productUrlTemplate: `${SHOP}/p/{sku}` });
    await c.publisher.idle();
    expect(parseFeed(path.join(dir, 'google-merchant.xml')).channel.title).toBe('Renamed & Co');
    const after = sitemapEntries(path.join(dir, 'sitemap.xml'));
    // Out-of-stock products leave the sitemap (backorder and preorder stay); URLs follow the new template.
    expect([...after.keys()].sort()).toEqual([`${SHOP}/p/BACK-1`, `${SHOP}/p/IN-1`, `${SHOP}/p/PRE-1`, `${SHOP}/p/TEE-S`]);
    expect(before.size).toBe(7);
    const p = await c.call('products.get', { idOrSku: 'IN-1' });
    const doc = readJson(path.join(dir, 'jsonld', `${p.slug}.json`));
    expect((doc.offers as Record<string, unknown>).seller).toEqual({ '@type': 'Organization', name: 'Renamed & Co' });
    expect(doc.url).toBe(`${SHOP}/p/IN-1`);
  });

  it('catches up after a restart from what was committed while it was not running', async () => {
    const { c, dir } = await shop();
    await catalogue(c);
    await c.publisher.start();
    await c.publisher.stop();
    // Changes the stopped publisher does not see.
    await c.call('stock.receive', { sku: 'OUT-1', quantity: 4 });
    await c.call('products.update', { idOrSku: 'IN-1', title: 'Renamed while stopped', slug: 'renamed-while-stopped' });
    await c.call('products.create', goodProduct('NEW-1'));
    const stale = parseFeed(path.join(dir, 'google-merchant.xml')).items;
    expect(stale.find((i) => i['g:id'] === 'OUT-1')?.['g:availability']).toBe('out_of_stock');

    const { openCore } = await import('../../electron/core/core');
    const second = await openCore({ dataDir: c.dataDir, databaseUrl: c.config.kind === 'pg' ? c.config.url : undefined, expirySweepMs: 0 });
    try {
      await second.publisher.start();
      const items = parseFeed(path.join(dir, 'google-merchant.xml')).items;
      expect(items.find((i) => i['g:id'] === 'OUT-1')?.['g:availability']).toBe('in_stock');
      expect(items.find((i) => i['g:id'] === 'IN-1')?.['g:title']).toBe('Renamed while stopped');
      expect(items.some((i) => i['g:id'] === 'NEW-1')).toBe(true);
      const old = (await second.db('products').where({ sku: 'IN-1' }).first()) as { slug: string };
      expect(old.slug).toBe('renamed-while-stopped');
      expect(fs.existsSync(path.join(dir, 'jsonld', 'renamed-while-stopped.json'))).toBe(true);
      expect(fs.readdirSync(path.join(dir, 'jsonld')).some((f) => f.startsWith('product-in-1'))).toBe(false);
      const status = await second.handlers['publish.status']({});
      expect(status.seq).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('leaves out products that fail validation, listing each reason, and never publishes them broken', async () => {
    const { c, dir } = await shop();
    await c.call('products.create', goodProduct('OK-1'));
    await c.call('products.create', goodProduct('LONG-1', { title: 'T'.repeat(151) }));
    await c.call('products.create', goodProduct('DESC-1', { description: 'd'.repeat(5_001) }));
    await c.call('products.create', goodProduct('FREE-1', { price: '0.00' }));
    await c.call('products.create', goodProduct('GTIN-1'));
    await c.call('products.create', goodProduct('FTP-1'));
    // Data written before these checks existed (or by hand): a wrong check digit and a non-http image.
    await c.queue.exclusive(async (ctx) => {
      await ctx.trx('products').where({ sku: 'GTIN-1' }).update({ gtin: '4006381333932' });
      await ctx.trx('products').where({ sku: 'FTP-1' }).update({ image_url: 'ftp://files.example.com/a.jpg' });
    });
    await c.call('publish.run', {});
    const ids = parseFeed(path.join(dir, 'google-merchant.xml')).items.map((i) => i['g:id']);
    expect(ids).toEqual(['OK-1']);
    const issues = await c.call('publish.issues', {});
    const bySku = Object.fromEntries(issues.products.map((p) => [p.sku, p.problems.map((x) => x.field)]));
    expect(bySku).toEqual({ 'DESC-1': ['description'], 'FREE-1': ['price'], 'FTP-1': ['imageUrl'], 'GTIN-1': ['gtin'], 'LONG-1': ['title'] });
    const gtin = issues.products.find((p) => p.sku === 'GTIN-1')?.problems[0];
    expect(gtin?.problem).toContain('check digit');
    expect(gtin?.fix).not.toBe('');
    // The title and description limits are the feed's: those products keep their JSON-LD.
    for (const sku of ['LONG-1', 'DESC-1']) {
      const p = await c.call('products.get', { idOrSku: sku });
      expect(fs.existsSync(path.join(dir, 'jsonld', `${p.slug}.json`)), sku).toBe(true);
    }
    for (const sku of ['FREE-1', 'GTIN-1', 'FTP-1']) {
      const p = await c.call('products.get', { idOrSku: sku });
      expect(fs.existsSync(path.join(dir, 'jsonld', `${p.slug}.json`)), sku).toBe(false);
    }
    const status = await c.call('publish.status', {});
    expect(status.products).toMatchObject({ total: 6, inFeed: 1, withIssues: 5 });
  });

  it('lists a full rewrite\'s changed files when asked, every JSON-LD file among them, without holding the names until then', async () => {
    const { c } = await shop();
    for (const sku of ['FULL-1', 'FULL-2', 'FULL-3']) await c.call('products.create', goodProduct(sku));
    await c.publisher.runNow(true);
    const outcome = c.publisher.lastRun?.outcome as PublishOutcome;
    // Made on first use: a 100,000-product rewrite names 100,000 JSON-LD files (see WrittenFiles).
    expect(Object.getOwnPropertyDescriptor(outcome, 'changedFiles')?.get).toBeTypeOf('function');
    const slugs = await Promise.all(['FULL-1', 'FULL-2', 'FULL-3'].map(async (sku) => (await c.call('products.get', { idOrSku: sku })).slug));
    const changed = outcome.changedFiles;
    expect(changed).toEqual(expect.arrayContaining(['google-merchant.xml', 'google-merchant.tsv', 'sitemap.xml', 'manifest.json', ...slugs.map((s) => `jsonld/${s}.json`)]));
    expect(new Set(changed).size).toBe(changed.length);
    expect(outcome.changedFiles).toBe(changed);
    expect(JSON.parse(JSON.stringify(outcome)).changedFiles).toEqual(changed);
  });

  it('hands every publish that changed the folder to the delivery side: files with hashes, changed files and URLs', async () => {
    const { c, dir } = await shop();
    await c.call('products.create', goodProduct('DEL-1'));
    await c.call('products.create', goodProduct('DEL-2'));
    await c.publisher.start();
    const outcomes: PublishOutcome[] = [];
    c.publisher.onPublished((o) => outcomes.push(o));
    await c.call('stock.receive', { sku: 'DEL-1', quantity: 3 });
    await c.publisher.idle();
    expect(outcomes).toHaveLength(1);
    const o = outcomes[0] as PublishOutcome;
    const p = await c.call('products.get', { idOrSku: 'DEL-1' });
    expect(o).toMatchObject({ publishDir: dir, full: false, removedFiles: [], changedUrls: [`${SHOP}/products/${p.slug}`] });
    expect(o.seq).toBe((await c.call('publish.status', {})).seq);
    expect([...o.changedFiles].sort()).toEqual(['google-merchant.tsv', 'google-merchant.xml', `jsonld/${p.slug}.json`, 'manifest.json', 'sitemap.xml']);
    for (const f of o.files) {
      expect(f.path).toBe(path.join(dir, f.name));
      expect(createHash('sha256').update(fs.readFileSync(f.path)).digest('hex'), f.name).toBe(f.sha256);
    }
    // Discontinued: its JSON-LD is rewritten (Discontinued), its URL leaves the sitemap and the feed.
    await c.call('products.update', { idOrSku: 'DEL-2', status: 'discontinued' });
    await c.publisher.idle();
    const slug2 = (await c.call('products.get', { idOrSku: 'DEL-2' })).slug;
    expect(outcomes[1]?.changedUrls).toEqual([`${SHOP}/products/${slug2}`]);
    expect(sitemapEntries(path.join(dir, 'sitemap.xml')).has(`${SHOP}/products/${slug2}`)).toBe(false);
  });

  it('appends a published entry per publish and ignores its own entries', async () => {
    const { c } = await shop();
    await c.call('products.create', goodProduct('PUB-1'));
    await c.publisher.start();
    await c.call('stock.receive', { sku: 'PUB-1', quantity: 2 });
    await c.publisher.idle();
    await new Promise((r) => setTimeout(r, 50));
    await c.publisher.idle();
    const published = await c.call('changes.list', { since: 0, limit: 1000, type: 'published' });
    expect(published.changes).toHaveLength(2);
    expect(published.changes[1]?.payload).toMatchObject({ full: false, changedUrls: 1 });
  });
});

function spawnOk(args: string[]): boolean {
  return spawnSync('xmllint', args, { encoding: 'utf8' }).status === 0;
}
