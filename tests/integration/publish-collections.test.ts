/**
 * Collections (issue 19, part A): every category level and every brand is a collection page,
 * published as `collections/<slug>.json` (with its CollectionPage JSON-LD) and listed in
 * `sitemap-collections.xml`, which the sitemap index names. A stock change reaches the product's
 * collection files, the collections sitemap and the JSON-LD in one publish; a collection's lastmod
 * moves only when what its page shows changes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCore } from '../../electron/core/core';
import { engines, startCore, tempDir, type TestCore } from '../helpers/core';
import { configureShop, goodProduct, parseFeed, parseTsv, SHOP, sitemapEntries, sitemapIndexEntries, xmllint } from '../fixtures/publish/helpers';
import { SchemaVocabulary } from '../fixtures/publish/schema-vocabulary';
import { skipWithout, titled } from '../helpers/system-services';
import { heldOn } from '../helpers/held-fds';

const noXmllint = skipWithout('xmllint', 'the collections sitemap against the official schemas');
const vocabulary = new SchemaVocabulary();

type CollectionFile = {
  slug: string;
  kind: string;
  name: string;
  path: string[];
  parent: string | null;
  url: string;
  lastmod: string;
  empty: boolean;
  inSitemap: boolean;
  counts: Record<string, number>;
  jsonLd: Record<string, unknown> & { mainEntity: { numberOfItems: number; itemListElement: Array<{ url: string; position: number }> } };
  products: Array<{ sku: string; name: string; url: string; price: string; salePrice: string | null; currency: string; availability: string }>;
};

const TEMPLATES = { collectionUrlTemplate: `${SHOP}/c/{slug}`, brandUrlTemplate: `${SHOP}/brands/{slug}` };

function readCollection(dir: string, slug: string): CollectionFile {
  return JSON.parse(fs.readFileSync(path.join(dir, 'collections', `${slug}.json`), 'utf8')) as CollectionFile;
}

function collectionFiles(dir: string): Map<string, string> {
  const folder = path.join(dir, 'collections');
  if (!fs.existsSync(folder)) return new Map();
  return new Map(fs.readdirSync(folder).map((n) => [n, fs.readFileSync(path.join(folder, n), 'utf8')]));
}

/** The manifest lists every file in the folder with its exact size and SHA-256. */
function expectManifestMatches(dir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ name: string; bytes: number; sha256: string }> };
  for (const f of manifest.files) {
    const bytes = fs.readFileSync(path.join(dir, f.name));
    expect({ name: f.name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual(f);
  }
  const names = new Set(manifest.files.map((f) => f.name));
  for (const n of collectionFiles(dir).keys()) expect(names.has(`collections/${n}`), n).toBe(true);
}

describe.each(engines())('collections on %s', (engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  async function shop(extra: Parameters<typeof configureShop>[1] = {}): Promise<{ c: TestCore; dir: string }> {
    core = await startCore(engine);
    const c = core;
    await configureShop(c, { ...TEMPLATES, ...extra });
    await c.call('products.create', goodProduct('MUG-1', { title: 'Blue mug', productType: 'Home > Kitchen > Mugs', googleProductCategory: '2169', brand: 'Acme' }));
    await c.call('products.create', goodProduct('MUG-2', { title: 'Red mug', productType: 'Home>Kitchen>Mugs', brand: 'Acme', salePrice: '15.00' }));
    await c.call('products.create', goodProduct('PAN-1', { title: 'Pan', productType: 'Home > Kitchen > Pans', brand: 'Potter' }));
    await c.call('products.create', goodProduct('LAMP-1', { title: 'Lamp', productType: 'Home > Lighting', brand: '' }));
    for (const sku of ['MUG-1', 'MUG-2', 'PAN-1', 'LAMP-1']) await c.call('stock.count', { sku, quantity: 5 });
    await c.publisher.start();
    await c.publisher.idle();
    return { c, dir: c.publisher.publishDir() };
  }

  it.skipIf(noXmllint)(titled('publishes each category level and brand as a collection, in a sitemap the index lists, valid against the official schemas', noXmllint), async () => {
    const { c, dir } = await shop();
    const slugs = [...collectionFiles(dir).keys()].sort();
    // LAMP-1 takes the shop's default brand (Acme), like the feed.
    expect(slugs).toEqual(['brand-acme.json', 'brand-potter.json', 'home-kitchen-mugs.json', 'home-kitchen-pans.json', 'home-kitchen.json', 'home-lighting.json', 'home.json']);

    const mugs = readCollection(dir, 'home-kitchen-mugs');
    expect(mugs).toMatchObject({ slug: 'home-kitchen-mugs', kind: 'category', name: 'Mugs', path: ['Home', 'Kitchen', 'Mugs'], parent: 'home-kitchen', url: `${SHOP}/c/home-kitchen-mugs`, empty: false, inSitemap: true });
    expect(mugs.products).toEqual([
      { sku: 'MUG-1', name: 'Blue mug', url: `${SHOP}/products/blue-mug`, image: 'https://cdn.example.com/mug-1.jpg', price: '19.90', salePrice: null, currency: 'EUR', availability: 'in_stock' },
      { sku: 'MUG-2', name: 'Red mug', url: `${SHOP}/products/red-mug`, image: 'https://cdn.example.com/mug-2.jpg', price: '19.90', salePrice: '15.00', currency: 'EUR', availability: 'in_stock' },
    ]);
    expect(mugs.counts).toMatchObject({ products: 2, listed: 2, inStock: 2, outOfStock: 0 });
    // A level includes the products of the levels below it.
    expect(readCollection(dir, 'home').products.map((p) => p.sku)).toEqual(['LAMP-1', 'MUG-1', 'MUG-2', 'PAN-1']);
    expect(readCollection(dir, 'home-kitchen').products.map((p) => p.sku)).toEqual(['MUG-1', 'MUG-2', 'PAN-1']);
    expect(readCollection(dir, 'brand-acme')).toMatchObject({ kind: 'brand', name: 'Acme', url: `${SHOP}/brands/brand-acme` });

    // Its JSON-LD: a CollectionPage whose ItemList names the products listed, in schema.org's words only.
    expect(mugs.jsonLd).toMatchObject({ '@context': 'https://schema.org', '@type': 'CollectionPage', name: 'Mugs', url: `${SHOP}/c/home-kitchen-mugs` });
    expect(mugs.jsonLd.mainEntity.numberOfItems).toBe(2);
    expect(mugs.jsonLd.mainEntity.itemListElement.map((e) => [e.position, e.url])).toEqual([[1, `${SHOP}/products/blue-mug`], [2, `${SHOP}/products/red-mug`]]);
    expect(vocabulary.check(mugs.jsonLd)).toEqual([]);

    // The sitemap index lists the product sitemap and the collections sitemap; each validates.
    expect(sitemapIndexEntries(path.join(dir, 'sitemap.xml'))).toEqual([`${SHOP}/sitemap-1.xml`, `${SHOP}/sitemap-collections.xml`]);
    expect(xmllint('siteindex.xsd', path.join(dir, 'sitemap.xml')).code).toBe(0);
    expect(xmllint('sitemap-with-images.xsd', path.join(dir, 'sitemap-1.xml')).code).toBe(0);
    const check = xmllint('sitemap.xsd', path.join(dir, 'sitemap-collections.xml'));
    expect(check.output).not.toMatch(/fail|error/i);
    expect(check.code).toBe(0);
    expect([...sitemapEntries(path.join(dir, 'sitemap-collections.xml')).keys()]).toEqual([
      `${SHOP}/brands/brand-acme`, `${SHOP}/brands/brand-potter`, `${SHOP}/c/home`, `${SHOP}/c/home-kitchen`, `${SHOP}/c/home-kitchen-mugs`, `${SHOP}/c/home-kitchen-pans`, `${SHOP}/c/home-lighting`,
    ]);
    expectManifestMatches(dir);

    // The categories reach the Merchant feed (XML and TSV) and the product's JSON-LD.
    const item = parseFeed(path.join(dir, 'google-merchant.xml')).items.find((i) => i['g:id'] === 'MUG-1');
    expect(item).toMatchObject({ 'g:product_type': 'Home > Kitchen > Mugs', 'g:google_product_category': '2169' });
    expect(parseTsv(path.join(dir, 'google-merchant.tsv')).find((r) => r.id === 'MUG-2')).toMatchObject({ product_type: 'Home > Kitchen > Mugs', google_product_category: '' });
    const ld = JSON.parse(fs.readFileSync(path.join(dir, 'jsonld', 'blue-mug.json'), 'utf8')) as Record<string, unknown>;
    expect(ld.category).toBe('Home > Kitchen > Mugs');

    // The status names the new files.
    const status = await c.call('publish.status', {});
    const collections = status.artifacts.find((a) => a.artifact === 'collections');
    expect(collections).toMatchObject({ enabled: true, files: ['collections/', 'sitemap-collections.xml'], counts: { items: 7, excluded: 0 } });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { counts: { collections: number } };
    expect(manifest.counts.collections).toBe(7);
  });

  it('takes a stock change to the product\'s collection files, the collections sitemap and the JSON-LD in one publish, and leaves the others alone', async () => {
    const { c, dir } = await shop();
    const before = collectionFiles(dir);
    const sitemapBefore = sitemapEntries(path.join(dir, 'sitemap-collections.xml'));
    const published = (await c.call('changes.list', { since: 0, type: 'published' })).changes.length;
    await new Promise((r) => setTimeout(r, 5));

    await c.call('stock.count', { sku: 'PAN-1', quantity: 0 });
    await c.publisher.idle();
    expect(c.publisher.lastRun?.full).toBe(false);
    expect((await c.call('changes.list', { since: 0, type: 'published' })).changes.length).toBe(published + 1);

    const after = collectionFiles(dir);
    const changed = [...after.keys()].filter((n) => after.get(n) !== before.get(n)).sort();
    expect(changed).toEqual(['brand-potter.json', 'home-kitchen-pans.json', 'home-kitchen.json', 'home.json']);
    const pans = readCollection(dir, 'home-kitchen-pans');
    expect(pans).toMatchObject({ empty: true, inSitemap: true, products: [], counts: { products: 1, listed: 0, outOfStock: 1 } });
    expect(pans.jsonLd.mainEntity.numberOfItems).toBe(0);
    expect(readCollection(dir, 'home').products.map((p) => p.sku)).toEqual(['LAMP-1', 'MUG-1', 'MUG-2']);

    const sitemapAfter = sitemapEntries(path.join(dir, 'sitemap-collections.xml'));
    const moved = [...sitemapAfter.keys()].filter((u) => sitemapAfter.get(u) !== sitemapBefore.get(u)).sort();
    expect(moved).toEqual([`${SHOP}/brands/brand-potter`, `${SHOP}/c/home`, `${SHOP}/c/home-kitchen`, `${SHOP}/c/home-kitchen-pans`]);
    expect(sitemapAfter.get(`${SHOP}/c/home`)).toBe(readCollection(dir, 'home').lastmod);
    expectManifestMatches(dir);
    // The changed collection pages are announced with the product page (IndexNow).
    expect(c.publisher.lastRun?.outcome.changedUrls).toEqual(expect.arrayContaining([`${SHOP}/c/home-kitchen-pans`, `${SHOP}/brands/brand-potter`]));
    expect(c.publisher.lastRun?.outcome.changedFiles).toEqual(expect.arrayContaining(['collections/home.json', 'sitemap-collections.xml', 'sitemap.xml', 'manifest.json']));
  });

  // The disk here is ext4 with `discard` and no journal: a rename that drops a file's last
  // reference frees and discards its blocks inside the call (≈ 30 ms of the main thread a change
  // at 10,000 products for the collection pages). Each replaced file stays open across its rename.
  // Reads /proc/self/fd to see which old copies are held open: Linux only (skipped, and said, elsewhere).
  it.skipIf(process.platform !== 'linux')(titled('replaces every file of a stock change while holding the old copy open, so no rename frees its blocks', process.platform === 'linux' ? null : 'reads /proc, which only Linux has'), async () => {
    const { c, dir } = await shop();
    const renames: Array<{ name: string; held: boolean }> = [];
    const realRename = fs.renameSync.bind(fs);
    const spy = vi.spyOn(fs, 'renameSync').mockImplementation((from: fs.PathLike, to: fs.PathLike) => {
      const stat = fs.lstatSync(to, { throwIfNoEntry: false });
      if (stat?.isFile()) renames.push({ name: path.relative(dir, fs.realpathSync(String(to))), held: heldOn(stat.ino) > 0 });
      realRename(from, to);
    });
    try {
      await c.call('stock.count', { sku: 'PAN-1', quantity: 0 });
      await c.publisher.idle();
    } finally {
      spy.mockRestore();
    }
    expect(c.publisher.lastRun?.full).toBe(false);
    const names = renames.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['collections/home.json', 'collections/brand-potter.json', 'sitemap-collections.xml', 'google-merchant.xml', 'manifest.json']));
    expect(names.some((n) => /(^|\/)jsonld\/|^\.jsonld-/.test(n) || n.includes('pan-1'))).toBe(true);
    expect(renames.filter((r) => !r.held)).toEqual([]);
    expectManifestMatches(dir);
  });

  it('syncs the folders of a stock change\'s collection files off the main thread', async () => {
    const { c, dir } = await shop();
    const folders = new Map([[fs.statSync(path.join(dir, 'collections')).ino, 'collections'], [fs.statSync(dir).ino, '.']]);
    const onMainThread: string[] = [];
    const realFsyncSync = fs.fsyncSync.bind(fs);
    const sync = vi.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
      const name = folders.get(fs.fstatSync(fd).ino);
      if (name) onMainThread.push(name);
      realFsyncSync(fd);
    });
    try {
      await c.call('stock.count', { sku: 'PAN-1', quantity: 0 });
      await c.publisher.idle();
    } finally {
      sync.mockRestore();
    }
    expect(c.publisher.lastRun?.full).toBe(false);
    // The publish folder itself is synced once more at the end, after the big files' renames.
    expect(onMainThread).toEqual(['.']);
  });

  it('keeps a collection\'s lastmod while nothing its page shows changes, also across a full republish', async () => {
    const { c, dir } = await shop();
    const before = collectionFiles(dir);
    const sitemapBefore = fs.readFileSync(path.join(dir, 'sitemap-collections.xml'), 'utf8');
    await new Promise((r) => setTimeout(r, 5));

    // More stock of an in-stock product: same price, same availability.
    await c.call('stock.receive', { sku: 'MUG-1', quantity: 7 });
    // A change outside the pages' view: the description.
    await c.call('products.update', { idOrSku: 'PAN-1', description: 'A heavier pan' });
    await c.publisher.idle();
    expect(collectionFiles(dir)).toEqual(before);
    expect(fs.readFileSync(path.join(dir, 'sitemap-collections.xml'), 'utf8')).toBe(sitemapBefore);

    await c.call('publish.run', { full: true });
    expect(collectionFiles(dir)).toEqual(before);
    expect(fs.readFileSync(path.join(dir, 'sitemap-collections.xml'), 'utf8')).toBe(sitemapBefore);

    // A price inside it does move it.
    await c.call('products.update', { idOrSku: 'MUG-2', salePrice: '14.00' });
    await c.publisher.idle();
    expect(readCollection(dir, 'home-kitchen-mugs').lastmod > JSON.parse(before.get('home-kitchen-mugs.json') as string).lastmod).toBe(true);
    expect(collectionFiles(dir).get('home-kitchen-pans.json')).toBe(before.get('home-kitchen-pans.json'));
  });

  it('keeps every collection\'s lastmod when another process publishes the same catalogue (published_collections)', async () => {
    const { c, dir } = await shop();
    const before = collectionFiles(dir);
    const sitemapBefore = fs.readFileSync(path.join(dir, 'sitemap-collections.xml'), 'utf8');
    await c.publisher.stop();
    await new Promise((r) => setTimeout(r, 5));
    const again = await openCore({ dataDir: c.dataDir, databaseUrl: c.config.kind === 'pg' ? c.config.url : undefined, expirySweepMs: 0 });
    try {
      await again.publisher.start();
      await again.publisher.idle();
      expect(collectionFiles(dir)).toEqual(before);
      expect(fs.readFileSync(path.join(dir, 'sitemap-collections.xml'), 'utf8')).toBe(sitemapBefore);
      expectManifestMatches(dir);
    } finally {
      await again.close();
    }
  });

  it('leaves an empty collection out of the sitemap with emptyCollections "drop", and says so in its data file', async () => {
    const { c, dir } = await shop({ emptyCollections: 'drop' });
    await c.call('stock.count', { sku: 'LAMP-1', quantity: 0 });
    await c.publisher.idle();
    expect(readCollection(dir, 'home-lighting')).toMatchObject({ empty: true, inSitemap: false, products: [] });
    expect([...sitemapEntries(path.join(dir, 'sitemap-collections.xml')).keys()]).not.toContain(`${SHOP}/c/home-lighting`);
    expect(readCollection(dir, 'brand-acme')).toMatchObject({ empty: false, inSitemap: true });
    expectManifestMatches(dir);
  });

  it('moves a product between collections, removes the files of collections left without products, and removes everything when turned off', async () => {
    const { c, dir } = await shop();
    await c.call('products.update', { idOrSku: 'LAMP-1', productType: 'Home > Kitchen > Lamps', brand: 'Glow' });
    await c.publisher.idle();
    const names = [...collectionFiles(dir).keys()].sort();
    expect(names).toContain('home-kitchen-lamps.json');
    expect(names).toContain('brand-glow.json');
    expect(names).not.toContain('home-lighting.json');
    expect(readCollection(dir, 'home-kitchen').products.map((p) => p.sku)).toEqual(['LAMP-1', 'MUG-1', 'MUG-2', 'PAN-1']);
    expectManifestMatches(dir);

    const settings = await c.call('settings.get', {});
    await c.call('settings.update', { ...settings, artifacts: { ...settings.artifacts, collections: false } });
    await c.publisher.idle();
    expect(fs.existsSync(path.join(dir, 'collections'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'sitemap-collections.xml'))).toBe(false);
    // One product sitemap again, no index.
    expect(fs.readFileSync(path.join(dir, 'sitemap.xml'), 'utf8')).toContain('<urlset');
    expect((await c.call('publish.status', {})).artifacts.find((a) => a.artifact === 'collections')).toMatchObject({ enabled: false, files: [] });
    expectManifestMatches(dir);
  });

  it('goes on publishing into a folder of the owner\'s choosing: the collection files are Stockfeed\'s own there', async () => {
    const web = path.join(tempDir('stockfeed-web-'), 'feeds');
    try {
      const { c } = await shop({ publishDir: web });
      expect(fs.existsSync(path.join(web, 'collections', 'home.json'))).toBe(true);
      await c.call('stock.count', { sku: 'PAN-1', quantity: 0 });
      await c.publisher.idle();
      expect((await c.call('publish.status', {})).artifacts.map((a) => a.error).every((e) => e === null)).toBe(true);
      expect(readCollection(web, 'home-kitchen-pans').empty).toBe(true);
    } finally {
      fs.rmSync(path.dirname(web), { recursive: true, force: true });
    }
  });

  it('imports and exports the category columns; a file without them imports as before', async () => {
    core = await startCore(engine);
    const c = core;
    const header = 'sku,title,price,product_type,google_product_category';
    await c.call('catalog.import', { csv: `${header}\nCUP-1,Cup,4.50,Home>Kitchen> Cups,2169\n` });
    expect(await c.call('products.get', { idOrSku: 'CUP-1' })).toMatchObject({ productType: 'Home > Kitchen > Cups', googleProductCategory: '2169' });
    await c.call('catalog.import', { csv: 'sku,title,price\nCUP-1,Cup renamed,4.50\n' });
    expect(await c.call('products.get', { idOrSku: 'CUP-1' })).toMatchObject({ title: 'Cup renamed', productType: 'Home > Kitchen > Cups' });
    const { csv } = await c.call('catalog.export', {});
    const lines = csv.trim().split(/\r?\n/);
    const cols = (lines[0] as string).split(',');
    const row = (lines[1] as string).split(',');
    expect(row[cols.indexOf('product_type')]).toBe('Home > Kitchen > Cups');
    expect(row[cols.indexOf('google_product_category')]).toBe('2169');
    const bad = await c.call('catalog.import', { csv: `${header}\nCUP-2,Cup,4.50,Home > > Cups,\n`, dryRun: true });
    expect(bad.issues).toEqual([expect.objectContaining({ row: 2, column: 'product_type' })]);
  });
});
