/**
 * OpenAI's product feed (`openai-products.jsonl`): every line meets the specification's required
 * fields and value rules, on a catalogue built to break it (quotes, line breaks, unicode line
 * separators, emoji, missing images and GTINs, sale prices, variants, every availability); it
 * lists exactly the Merchant feed's items with the same availability; and a stock change reaches
 * it in the same publish as the Merchant feed, spliced in (one new line, the rest copied).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileWriter } from '../../electron/core/publish/file-writer';
import type { Input } from '../../shared/contract';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';
import { configureShop, goodProduct, parseFeed, withOpenAiFeed } from '../fixtures/publish/helpers';
import { openAiLineProblems, readJsonLines } from '../fixtures/publish/openai-feed-spec';

const FUTURE = '2099-01-15';

describe.each(engines())('OpenAI product feed on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await core?.cleanup();
    core = undefined;
  });

  /** Products a careless import or a playful shop owner makes. */
  async function hostileCatalogue(c: TestCore): Promise<void> {
    const products: Array<Input<'products.create'>> = [
      goodProduct('QUOTE-1', { title: 'The "best" mug — 12 oz, 50% off\\', description: 'Line one\nLine "two"\r\n\ttabbed </script> & <b>bold</b>', salePrice: '9.90' }),
      goodProduct('UNI-1', { title: 'Tasse café ☕ 漢字 עברית 🧉', description: 'Separators \u2028 and \u2029 inside, and a BOM \ufeff and zero-width\u200b.', brand: 'Ünïcødé “Brand”' }),
      goodProduct('NOGTIN-1', { gtin: null, mpn: null, description: 'Neither GTIN nor MPN' }),
      goodProduct('GTIN-1', { gtin: '4006381333931', mpn: null }),
      goodProduct('NOIMG-1', { imageUrl: null }),
      goodProduct('PRE-1', { preorderDate: FUTURE }),
      goodProduct('BACK-1', { allowBackorder: true }),
      goodProduct('OUT-1', { condition: 'used' }),
      goodProduct('TEE-S', { title: 'T-shirt blue S', itemGroupId: 'TEE', additionalImageUrls: ['https://cdn.example.com/tee-b.jpg', 'https://cdn.example.com/tee c.jpg'] }),
      goodProduct('TEE-M', { title: 'T-shirt blue M', itemGroupId: 'TEE' }),
      goodProduct('GONE-1', { status: 'discontinued' }),
      goodProduct('ARCH-1', { status: 'archived' }),
      goodProduct('LONGBRAND-1', { brand: 'B'.repeat(71) }),
      goodProduct('EMPTYDESC-1', { description: '' }),
      goodProduct('YEN-1', { price: '1200', currency: 'JPY' }),
    ];
    for (const p of products) await c.call('products.create', p);
    for (const [sku, quantity] of [['QUOTE-1', 7], ['UNI-1', 2], ['NOGTIN-1', 1], ['GTIN-1', 4], ['TEE-S', 3], ['YEN-1', 9]] as const) {
      await c.call('stock.receive', { sku, quantity });
    }
  }

  it('writes one line per Merchant feed item that meets every required field and value rule of the specification', async () => {
    core = await startCore(engine);
    const c = core;
    await withOpenAiFeed(c);
    await hostileCatalogue(c);
    await c.call('publish.run', {});
    const dir = c.publisher.publishDir();

    const lines = readJsonLines(fs.readFileSync(path.join(dir, 'openai-products.jsonl'), 'utf8'));
    for (const line of lines) expect(openAiLineProblems(line), String(line.item_id)).toEqual([]);

    // The same items as the Merchant feed, in the same order, with the same availability and price.
    const { items } = parseFeed(path.join(dir, 'google-merchant.xml'));
    expect(lines.map((l) => l.item_id)).toEqual(items.map((i) => i['g:id']));
    const openAiAvailability: Record<string, string> = { in_stock: 'in_stock', out_of_stock: 'out_of_stock', preorder: 'pre_order', backorder: 'backorder' };
    for (const [n, item] of items.entries()) {
      const line = lines[n] as Record<string, unknown>;
      expect(line.availability, String(line.item_id)).toBe(openAiAvailability[String(item['g:availability'])]);
      expect(line.price).toBe(item['g:price']);
      expect(line.url).toBe(item['g:link']);
      expect(line.image_url).toBe(item['g:image_link']);
    }

    // Text comes back exactly as the product holds it.
    const byId = new Map(lines.map((l) => [String(l.item_id), l]));
    const quote = await c.call('products.get', { idOrSku: 'QUOTE-1' });
    expect(byId.get('QUOTE-1')).toMatchObject({ title: quote.title, description: quote.description, sale_price: '9.90 EUR', inventory_quantity: 7, availability: 'in_stock' });
    const uni = await c.call('products.get', { idOrSku: 'UNI-1' });
    expect(byId.get('UNI-1')).toMatchObject({ title: uni.title, description: uni.description, brand: uni.brand });
    expect(byId.get('YEN-1')).toMatchObject({ price: '1200 JPY' });

    // Identifiers: a GTIN, an MPN, or neither.
    expect(byId.get('GTIN-1')).toMatchObject({ gtin: '4006381333931' });
    expect(byId.get('GTIN-1')?.mpn).toBeUndefined();
    expect(byId.get('NOGTIN-1')?.gtin).toBeUndefined();
    expect(byId.get('NOGTIN-1')?.mpn).toBeUndefined();

    // Availability by the one rule: out of stock, preorder with its date, backorder with a date.
    expect(byId.get('OUT-1')).toMatchObject({ availability: 'out_of_stock', inventory_quantity: 0, condition: 'used' });
    expect(byId.get('PRE-1')).toMatchObject({ availability: 'pre_order', availability_date: FUTURE, inventory_quantity: 0 });
    expect(byId.get('BACK-1')).toMatchObject({ availability: 'backorder', inventory_quantity: 0 });
    expect(typeof byId.get('BACK-1')?.availability_date).toBe('string');

    // Variants share their group; a product on its own says it has none.
    expect(byId.get('TEE-S')).toMatchObject({ group_id: 'TEE', listing_has_variations: true, additional_image_urls: ['https://cdn.example.com/tee-b.jpg', 'https://cdn.example.com/tee%20c.jpg'] });
    expect(byId.get('TEE-M')).toMatchObject({ group_id: 'TEE', listing_has_variations: true });
    expect(byId.get('GTIN-1')).toMatchObject({ listing_has_variations: false });

    // The shop's part: seller, policies, markets, flags.
    expect(byId.get('GTIN-1')).toMatchObject({
      is_eligible_search: true,
      is_eligible_checkout: true,
      seller_name: 'Test "Shop" GmbH',
      seller_url: 'https://shop.example.com',
      seller_privacy_policy: 'https://shop.example.com/privacy',
      seller_tos: 'https://shop.example.com/terms',
      return_policy: 'https://shop.example.com/returns',
      target_countries: ['DE', 'AT', 'CH'],
      store_country: 'DE',
    });

    // Left out, like the Merchant feed leaves them out, and listed with the reason.
    for (const sku of ['NOIMG-1', 'GONE-1', 'ARCH-1', 'LONGBRAND-1', 'EMPTYDESC-1']) expect(byId.has(sku), sku).toBe(false);
    const issues = await c.call('publish.issues', { limit: 100 });
    const fields = new Map(issues.products.map((p) => [p.sku, p.problems.map((q) => q.field)]));
    expect(fields.get('NOIMG-1')).toContain('imageUrl');
    expect(fields.get('LONGBRAND-1')).toContain('brand');
    expect(fields.get('EMPTYDESC-1')).toContain('description');
  });

  it('says nothing about checkout when it is off, and takes the store country as the market when no targets are set', async () => {
    core = await startCore(engine);
    const c = core;
    const current = await c.call('settings.get', {});
    await configureShop(c, {
      artifacts: { ...current.artifacts, openAiFeed: true },
      openAiFeed: { ...current.openAiFeed, storeCountry: 'us', returnPolicyUrl: 'https://shop.example.com/returns', eligibleCheckout: false },
    });
    await c.call('products.create', goodProduct('A-1'));
    await c.call('stock.receive', { sku: 'A-1', quantity: 1 });
    await c.call('publish.run', {});
    const [line] = readJsonLines(fs.readFileSync(path.join(c.publisher.publishDir(), 'openai-products.jsonl'), 'utf8'));
    expect(openAiLineProblems(line as Record<string, unknown>)).toEqual([]);
    expect(line).toMatchObject({ is_eligible_search: true, is_eligible_checkout: false, seller_name: 'Test Shop', target_countries: ['US'], store_country: 'US' });
    expect(line?.seller_tos).toBeUndefined();
  });

  it('is written only while its setting is on, listed in the manifest and the status beside the other files', async () => {
    core = await startCore(engine);
    const c = core;
    await configureShop(c);
    await c.call('products.create', goodProduct('A-1'));
    await c.call('publish.run', {});
    const dir = c.publisher.publishDir();
    expect(fs.existsSync(path.join(dir, 'openai-products.jsonl'))).toBe(false);

    await withOpenAiFeed(c);
    const status = await c.call('publish.run', { full: false });
    expect(fs.existsSync(path.join(dir, 'openai-products.jsonl'))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ name: string }> };
    expect(manifest.files.map((f) => f.name)).toContain('openai-products.jsonl');
    const artifact = status.artifacts.find((a) => a.artifact === 'openAiFeed');
    expect(artifact).toMatchObject({ enabled: true, files: ['openai-products.jsonl'], counts: { items: 1, excluded: 0, files: 1 } });

    const current = await c.call('settings.get', {});
    await c.call('settings.update', { ...current, artifacts: { ...current.artifacts, openAiFeed: false } });
    await c.call('publish.run', {});
    expect(fs.existsSync(path.join(dir, 'openai-products.jsonl'))).toBe(false);
  });

  it('takes a stock change into the OpenAI feed in the same publish as the Merchant feed, splicing one line in', async () => {
    core = await startCore(engine);
    const c = core;
    await withOpenAiFeed(c);
    for (let i = 0; i < 40; i++) {
      await c.call('products.create', goodProduct(`P-${String(i).padStart(3, '0')}`, { itemGroupId: i % 5 === 0 ? 'G' : null }));
      await c.call('stock.receive', { sku: `P-${String(i).padStart(3, '0')}`, quantity: 5 });
    }
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    const file = path.join(dir, 'openai-products.jsonl');
    const before = fs.readFileSync(file, 'utf8');

    // What the writer of each file is given: new text, or byte ranges copied from the old file.
    const given = new Map<string, { text: number; copied: number }>();
    const tally = (target: string) => {
      const name = path.basename(target);
      const t = given.get(name) ?? { text: 0, copied: 0 };
      given.set(name, t);
      return t;
    };
    const write = FileWriter.prototype.write;
    const copy = FileWriter.prototype.copy;
    vi.spyOn(FileWriter.prototype, 'write').mockImplementation(function (this: FileWriter, text: string) {
      const n = write.call(this, text);
      tally(this.target).text += n;
      return n;
    });
    vi.spyOn(FileWriter.prototype, 'copy').mockImplementation(function (this: FileWriter, src, start, length) {
      tally(this.target).copied += length;
      copy.call(this, src, start, length);
    });

    // 5 → 4 units: still in stock, so the Merchant feed's item is unchanged; the OpenAI line's count is not.
    await c.call('stock.adjust', { sku: 'P-020', quantity: -1, reason: 'damaged' });
    await c.publisher.idle();
    expect(c.publisher.lastRun?.full).toBe(false);
    expect(c.publisher.lastRun?.outcome.changedFiles).toContain('openai-products.jsonl');
    const after = fs.readFileSync(file, 'utf8');
    const changed = readJsonLines(after).filter((l, i) => JSON.stringify(l) !== JSON.stringify(readJsonLines(before)[i]));
    expect(changed.map((l) => [l.item_id, l.inventory_quantity])).toEqual([['P-020', 4]]);
    const line = after.split('\n').find((l) => l.includes('"item_id":"P-020"')) as string;
    expect(given.get('openai-products.jsonl')).toEqual({ text: Buffer.byteLength(`${line}\n`), copied: Buffer.byteLength(after) - Buffer.byteLength(`${line}\n`) });
    // The other files do not show the count: they are not rewritten for it.
    expect([...given.keys()].filter((n) => n !== 'openai-products.jsonl' && n !== 'manifest.json')).toEqual([]);
    expect(c.publisher.lastRun?.outcome.changedFiles.filter((n) => !n.startsWith('openai-products.jsonl') && n !== 'manifest.json')).toEqual([]);

    // Down to 0: out of stock in both feeds, in one publish.
    vi.restoreAllMocks();
    await c.call('stock.adjust', { sku: 'P-020', quantity: -4, reason: 'damaged' });
    await c.publisher.idle();
    expect(c.publisher.lastRun?.full).toBe(false);
    expect(c.publisher.lastRun?.outcome.changedFiles).toEqual(expect.arrayContaining(['google-merchant.xml', 'openai-products.jsonl']));
    const merchant = parseFeed(path.join(dir, 'google-merchant.xml')).items.find((i) => i['g:id'] === 'P-020');
    const ai = readJsonLines(fs.readFileSync(file, 'utf8')).find((l) => l.item_id === 'P-020');
    expect(merchant?.['g:availability']).toBe('out_of_stock');
    expect(ai).toMatchObject({ availability: 'out_of_stock', inventory_quantity: 0 });
  });

  it('offers as inventory only what the locations that sell online hold above the buffer', async () => {
    core = await startCore(engine);
    const c = core;
    await withOpenAiFeed(c);
    await c.call('locations.create', { code: 'backroom', name: 'Back room (not online)', sellsOnline: false });
    await c.call('products.create', goodProduct('ONLINE-1', { bufferStock: 2 }));
    await c.call('stock.receive', { sku: 'ONLINE-1', quantity: 6 });
    await c.call('stock.receive', { sku: 'ONLINE-1', location: 'backroom', quantity: 50 });
    await c.publisher.start();
    await c.publisher.idle();
    const file = path.join(c.publisher.publishDir(), 'openai-products.jsonl');
    // 6 online − 2 kept back; the 50 in the back room are not for sale online.
    expect(readJsonLines(fs.readFileSync(file, 'utf8')).find((l) => l.item_id === 'ONLINE-1')).toMatchObject({ availability: 'in_stock', inventory_quantity: 4 });
  });
});
