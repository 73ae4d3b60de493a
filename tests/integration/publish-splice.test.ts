/**
 * Incremental publishes splice each change into the files already in the folder, copying every
 * other fragment from them. After any sequence of changes the folder must hold exactly what a
 * full rebuild from the database writes, and after every single publish the manifest must
 * describe the files byte for byte. Random changes (seeded, so a failure replays) cover stock
 * flips, edits, SKU and slug renames, variants moving between groups, archiving, new products and
 * a sitemap small enough to split into parts and fold back.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engines, startCore, type TestCore } from '../helpers/core';
import { bulkInsertProducts, configureShop, goodProduct, parseFeed, parseTsv, xmllint } from '../fixtures/publish/helpers';
import { skipWithout, titled } from '../helpers/system-services';
import { seededRandom } from '../helpers/random';

const noXmllint = skipWithout('xmllint', 'incremental publishing through 80 random changes');


function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string) => {
    for (const name of fs.readdirSync(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (name.startsWith('.')) continue;
      if (fs.statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else if (rel !== 'manifest.json') out.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return out;
}

/** The manifest lists every file in the folder with its exact size and SHA-256, and nothing else. */
function expectManifestMatches(dir: string, step: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ name: string; bytes: number; sha256: string }> };
  const listed = new Set<string>();
  for (const f of manifest.files) {
    const bytes = fs.readFileSync(path.join(dir, f.name));
    expect({ step, name: f.name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ step, ...f });
    listed.add(f.name);
  }
  const onDisk = [...snapshot(dir).keys()];
  expect(onDisk.filter((n) => !listed.has(n)), step).toEqual([]);
}

describe.each(engines())('incremental publishing on %s', (engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it.skipIf(noXmllint)(titled('leaves the folder exactly as a full rebuild writes it, through 80 random changes', noXmllint), async () => {
    core = await startCore(engine, { sitemapLimits: { urls: 9, bytes: 50 * 1024 * 1024 } });
    const c = core;
    // Every file on: collections (category levels and brands, moved about by the same changes), the
    // OpenAI feed spliced like the Merchant feed, the redirects following renames and archiving.
    const current = await c.call('settings.get', {});
    await configureShop(c, {
      collectionUrlTemplate: 'https://shop.example.com/c/{slug}',
      brandUrlTemplate: 'https://shop.example.com/b/{slug}',
      artifacts: { ...current.artifacts, openAiFeed: true, redirects: true },
      openAiFeed: { ...current.openAiFeed, storeCountry: 'DE', returnPolicyUrl: 'https://shop.example.com/returns' },
    });
    const rnd = seededRandom(20261127);
    const TYPES = [null, 'Home > Kitchen', 'Home > Kitchen > Mugs', 'Home > Garden', 'Toys'];
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
    const skus: string[] = [];
    for (let i = 0; i < 30; i++) {
      const sku = `P-${String(i * 10).padStart(4, '0')}`;
      await c.call('products.create', goodProduct(sku, { itemGroupId: i % 4 === 0 ? null : `G${i % 3}`, title: `Thing ${i} & co <b>`, productType: TYPES[i % TYPES.length] ?? null }));
      if (i % 3 !== 0) await c.call('stock.count', { sku, quantity: 5 });
      skus.push(sku);
    }
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    expectManifestMatches(dir, 'start');

    let incremental = 0;
    /** Products created here that never had stock: the ones a delete may remove (the others are refused). */
    const deletable = new Set<string>();
    let deleted = 0;
    for (let step = 0; step < 80; step++) {
      const sku = pick(skus);
      const kind = pick(['flip', 'flip', 'flip', 'edit', 'rename', 'slug', 'group', 'status', 'create', 'receive', 'ld-only', 'category', 'delete', 'delete'] as const);
      if (kind !== 'delete') deletable.delete(sku);
      switch (kind) {
        case 'delete': {
          // A product gone from the database leaves every file: the splice closes its gap.
          const gone = [...deletable][0];
          if (gone === undefined) {
            // Nothing to delete yet: a product to delete later.
            // Sorted after the others: a change before it in the same publish, then a gap after it.
            const next = `Z-${step}`;
            await c.call('products.create', goodProduct(next));
            skus.push(next);
            deletable.add(next);
            break;
          }
          // With a change to another product in the same publish: while a publish for a third
          // one runs, both commit, and the next publish takes them together (the unchanged tail the
          // files copy whole then starts after both).
          const [busy, other] = [pick(skus), pick(skus.filter((k) => k !== gone))] as [string, string];
          deletable.delete(busy);
          deletable.delete(other);
          await c.call('stock.receive', { sku: busy, quantity: 1 });
          const now = (await c.call('stock.get', { sku: other })).onHand;
          await c.call('stock.count', { sku: other, quantity: now > 0 ? 0 : 3 });
          await c.call('products.delete', { idOrSku: gone });
          deletable.delete(gone);
          skus.splice(skus.indexOf(gone), 1);
          deleted++;
          break;
        }
        case 'flip': {
          const now = (await c.call('stock.get', { sku })).onHand;
          await c.call('stock.count', { sku, quantity: now > 0 ? 0 : 3 });
          break;
        }
        case 'edit':
          await c.call('products.update', { idOrSku: sku, title: `Edited ${step} "quoted" é 漢字`, price: `${10 + step}.50` });
          break;
        case 'rename': {
          const next = `P-${String(Math.floor(rnd() * 400)).padStart(4, '0')}-${step}`;
          await c.call('products.update', { idOrSku: sku, sku: next });
          skus[skus.indexOf(sku)] = next;
          break;
        }
        case 'slug':
          await c.call('products.update', { idOrSku: sku, slug: `renamed-${step}` });
          break;
        case 'group':
          await c.call('products.update', { idOrSku: sku, itemGroupId: pick([null, 'G0', 'G1', 'G7']) });
          break;
        case 'status':
          await c.call('products.update', { idOrSku: sku, status: pick(['active', 'active', 'archived', 'discontinued'] as const) });
          break;
        case 'create': {
          const next = `N-${step}`;
          await c.call('products.create', goodProduct(next, { itemGroupId: rnd() < 0.5 ? 'G1' : null }));
          skus.push(next);
          break;
        }
        case 'receive':
          await c.call('stock.receive', { sku, quantity: 1 });
          break;
        case 'category':
          await c.call('products.update', { idOrSku: sku, productType: pick(TYPES) });
          break;
        case 'ld-only':
          // The brand shows only in JSON-LD's ProductGroup and the feed: a sibling's file changes too.
          await c.call('products.update', { idOrSku: sku, brand: `Brand ${step}` });
          break;
      }
      await c.publisher.idle();
      if (c.publisher.lastRun && !c.publisher.lastRun.full) incremental++;
      expectManifestMatches(dir, `step ${step} (${kind} ${sku})`);
    }
    expect(incremental).toBeGreaterThan(50);
    expect(deleted).toBeGreaterThan(0);
    // A page renamed at the end, whatever the steps did: the redirects files follow it too.
    await c.call('products.update', { idOrSku: skus[0] as string, status: 'active', slug: 'renamed-last' });
    await c.publisher.idle();
    await c.call('products.update', { idOrSku: skus[0] as string, slug: 'renamed-again' });
    await c.publisher.idle();
    expectManifestMatches(dir, 'after the last rename');
    for (const [xsd, file] of [['siteindex.xsd', 'sitemap.xml'], ['sitemap-with-images.xsd', 'sitemap-1.xml']] as const) {
      if (fs.existsSync(path.join(dir, 'sitemap-1.xml'))) expect(xmllint(xsd, path.join(dir, file)).code, file).toBe(0);
    }

    const spliced = snapshot(dir);
    await c.call('publish.run', { full: true });
    const rebuilt = snapshot(dir);
    expect([...spliced.keys()].sort()).toEqual([...rebuilt.keys()].sort());
    for (const [name, text] of rebuilt) expect(spliced.get(name), name).toBe(text);
    expectManifestMatches(dir, 'after the full rebuild');

    // And the feed still says what the database says.
    const feed = parseFeed(path.join(dir, 'google-merchant.xml'));
    const tsv = parseTsv(path.join(dir, 'google-merchant.tsv'));
    expect(tsv.map((r) => r.id)).toEqual(feed.items.map((i) => i['g:id']));
    const listed = (await c.call('products.list', { limit: 500 })).products.filter((p) => p.status === 'active').map((p) => p.sku).sort();
    expect(feed.items.map((i) => String(i['g:id']))).toEqual(listed);
    const ai = fs.readFileSync(path.join(dir, 'openai-products.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { item_id: string }).item_id);
    expect(ai).toEqual(feed.items.map((i) => String(i['g:id'])));
    expect(fs.readFileSync(path.join(dir, '_redirects'), 'utf8')).toMatch(/ 301\n/);
  }, 240_000);

  it('publishes each product once when SKUs change while a full publish reads the catalogue, then catches up', async () => {
    core = await startCore(engine);
    const c = core;
    await configureShop(c);
    // Four pages of the scan (500 products a page).
    await bulkInsertProducts(c, 1_600);
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    const links = () => parseFeed(path.join(dir, 'google-merchant.xml')).items.map((i) => String(i['g:link']));

    // While the scan builds its second page, one product it has already placed moves to the end
    // of the SKU order (the scan would meet it again) and one it has not reached yet moves to the
    // front (the scan would never meet it).
    // The renames start from the scan's stock rule (called once per product, 700th = page two),
    // and the scan's next reads wait for them to commit: the interleaving is forced, not timed.
    const summary = c.summary;
    const bufferStock = summary.shopBufferStock.bind(summary);
    const client = c.db.client as { acquireConnection(): Promise<unknown> };
    const acquire = client.acquireConnection.bind(client);
    const renaming = new AsyncLocalStorage<true>();
    let products = 0;
    let renamed: Promise<unknown> | null = null;
    summary.shopBufferStock = () => {
      products++;
      if (products === 700) {
        renamed = renaming.run(true, () =>
          Promise.all([
            c.call('products.update', { idOrSku: 'BULK-000010', sku: 'ZZ-MOVED-LATE' }),
            c.call('products.update', { idOrSku: 'BULK-001500', sku: 'AA-MOVED-EARLY' }),
          ]),
        );
      }
      return bufferStock();
    };
    client.acquireConnection = async () => {
      if (renamed && !renaming.getStore()) await renamed;
      return acquire();
    };
    try {
      // A full republish (what `publish --full` and a settings change do) is the scan they race.
      await c.call('publish.run', { full: true });
    } finally {
      summary.shopBufferStock = bufferStock;
      client.acquireConnection = acquire;
    }
    expect(renamed).not.toBeNull();
    await renamed;

    // That publish listed no product page twice (one file read: files are replaced whole).
    const during = links();
    expect(new Set(during).size).toBe(during.length);
    expect(during.length).toBeGreaterThanOrEqual(1_598);

    // The publisher goes on by itself until the files say what the database says.
    await c.publisher.idle();
    const feed = parseFeed(path.join(dir, 'google-merchant.xml')).items.map((i) => String(i['g:id']));
    const skus = (await c.db('products').select('sku')).map((r: { sku: string }) => r.sku).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(feed).toHaveLength(1_600);
    expect(feed).toEqual(skus);
    expect(feed[0]).toBe('AA-MOVED-EARLY');
    expect(feed[feed.length - 1]).toBe('ZZ-MOVED-LATE');
    expect(new Set(links()).size).toBe(1_600);
    expectManifestMatches(dir, 'after catching up');

    const caughtUp = snapshot(dir);
    await c.call('publish.run', { full: true });
    const rebuilt = snapshot(dir);
    expect([...caughtUp.keys()].sort()).toEqual([...rebuilt.keys()].sort());
    for (const [name, text] of rebuilt) expect(caughtUp.get(name), name).toBe(text);
  }, 120_000);

  it('rewrites everything when a file was changed behind its back', async () => {
    core = await startCore(engine);
    const c = core;
    await configureShop(c);
    for (const sku of ['A-1', 'A-2', 'A-3']) await c.call('products.create', goodProduct(sku));
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    // Someone edits the feed by hand: splicing from it would copy the wrong bytes.
    fs.appendFileSync(path.join(dir, 'google-merchant.xml'), '<!-- edited -->\n');
    await c.call('stock.count', { sku: 'A-2', quantity: 4 });
    await c.publisher.idle();
    expect(c.publisher.lastRun?.full).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'google-merchant.xml'), 'utf8')).not.toContain('edited');
    expectManifestMatches(dir, 'after the repair');
  }, 60_000);
});
