/**
 * A catalogue CSV that is not in Stockfeed's own format: another encoding, delimiter or decimal
 * mark (detected, or as the user chose), another header (mapped to Stockfeed's fields), and the
 * product exports of Shopify and WooCommerce (presets, with their variant and image rows). The
 * mapping is applied in the core, so the UI, the API and the CLI read a file the same way; a
 * problem still names the row, the file's column, the field and why, and nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { engines, startCore, type TestCore } from '../helpers/core';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');
const bytes = (name: string) => fs.readFileSync(path.join(fixtures, name));

describe.each(engines())('catalogue import with format and mapping on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  const product = (sku: string) => core.call('products.get', { idOrSku: sku });
  const skus = async () => (await core.call('products.list', { limit: 500 })).products.map((p) => p.sku);

  it('detects a Windows-1252 file with semicolons and decimal commas, and imports it', async () => {
    const report = await importCatalogCsv(core, Readable.from([bytes('semicolon-windows-1252.csv')]), { name: 'excel.csv' });
    expect(report).toMatchObject({ ok: true, issues: [], skipped: [], created: 3, counts: 3 });
    expect(report.format).toEqual({ encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma', preset: null });
    expect(await product('CAFE-001')).toMatchObject({ title: 'Café crème 250 g', brand: 'Müller Rösterei', price: '12.50', salePrice: '9.90' });
    expect(await product('TEE-GRUEN')).toMatchObject({ description: 'Preis inkl. MwSt. in €; 100 g', price: '1234.00' });
    expect(await product('KANNE-1')).toMatchObject({ title: 'Teekanne "Öko" 1 l', price: '29.95' });
  });

  it('reads the file as the user chose, and says what a wrong choice did', async () => {
    const report = await importCatalogCsv(core, Readable.from([bytes('semicolon-windows-1252.csv')]), {
      dryRun: true,
      delimiter: 'semicolon',
      encoding: 'utf-8',
    });
    expect(report.ok).toBe(false);
    expect(report.format).toMatchObject({ encoding: 'utf-8', delimiter: 'semicolon' });
    expect(report.issues[0]?.message).toMatch(/not valid UTF-8.*Windows-1252/);
  });

  it('reads a decimal-comma file as the user chose, and hints at the decimal mark when prices have commas', async () => {
    const csv = 'sku;title;price\nKOMMA-1;Komma;4,20\n';
    const comma = await core.call('catalog.import', { csv, dryRun: true, decimal: 'comma' });
    expect(comma).toMatchObject({ ok: true, created: 1, format: { encoding: null, delimiter: 'semicolon', decimal: 'comma' } });
    const point = await core.call('catalog.import', { csv, dryRun: true, decimal: 'point' });
    expect(point.issues).toEqual([{ row: 2, column: 'price', message: expect.stringMatching(/decimal comma/) }]);
  });

  it('maps another header to the fields, and names the file column and the field of each problem', async () => {
    const header = 'Article Number\tProduct Name\tPreis\tQty\tColour';
    const mapping = { sku: 'Article Number', title: 'Product Name', price: 'Preis', on_hand: 'Qty' };
    const bad = await core.call('catalog.import', {
      csv: [header, 'MAP-1\tMapped one\t5.00\t3\tred', 'MAP-2\tMapped two\tfive\t-1\tblue', 'MAP-3\t\t1.00\t\t'].join('\n'),
      mapping,
    });
    expect(bad.ok).toBe(false);
    expect(bad.issues).toEqual([
      { row: 3, column: 'Preis', field: 'price', message: 'price must be an amount such as "12.50" (found "five")' },
      { row: 3, column: 'Qty', field: 'on_hand', message: expect.stringContaining('0 or more') },
      { row: 4, column: 'Product Name', field: 'title', message: 'title is required' },
    ]);
    expect(await skus()).not.toContain('MAP-1');

    const good = await core.call('catalog.import', { csv: [header, 'MAP-1\tMapped one\t5.00\t3\tred'].join('\n'), mapping });
    expect(good).toMatchObject({ ok: true, created: 1, counts: 1, format: { delimiter: 'tab' } });
    expect(await product('MAP-1')).toMatchObject({ title: 'Mapped one', price: '5.00', stock: { onHand: 3 } });
  });

  it('refuses a mapping that names a missing column or leaves out a required field, before reading any row', async () => {
    const report = await core.call('catalog.import', {
      csv: 'Code,Name,Cost\nX-1,Thing,1.00\n',
      mapping: { sku: 'Code', title: 'Nom', gtin: 'Code' },
    });
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      { row: 1, column: 'Nom', field: 'title', message: 'the mapping names the column "Nom" for title, but the header has no such column' },
      { row: 1, column: 'Code', field: 'gtin', message: 'the column "Code" is chosen for both sku and gtin; choose it for one field only' },
      { row: 1, column: null, field: 'price', message: 'no column is chosen for price, which every product needs' },
    ]);
    await expect(core.call('catalog.import', { csv: 'a\n', mapping: { colour: 'a' } as never })).rejects.toThrow(/mapping/);
  });

  it('imports a Shopify product export: one product per variant, details from the first row, image rows skipped and listed', async () => {
    const csv = bytes('shopify-products-export.csv').toString('utf8');
    const dry = await core.call('catalog.import', { csv, preset: 'shopify', dryRun: true });
    expect(dry.issues).toEqual([]);
    expect(dry).toMatchObject({ ok: true, rows: 8, created: 6, counts: 6, format: { preset: 'shopify' } });
    expect(dry.skipped).toEqual([
      { row: 6, reason: 'an image of organic-cotton-tee (no SKU, no price): Stockfeed keeps one image per product, from its first row' },
      { row: 9, reason: 'enamel-pin has no SKU; Stockfeed needs one for every product (give it a SKU in Shopify and export again)' },
    ]);
    const before = await skus();
    expect(before).not.toContain('TEE-ORG-S');

    const report = await core.call('catalog.import', { csv, preset: 'shopify', name: 'products_export_1.csv' });
    expect(report).toMatchObject({ ok: true, created: 6 });
    const teeS = await product('TEE-ORG-S');
    expect(teeS).toMatchObject({
      title: 'Organic Cotton Tee - S',
      brand: 'Northwind Apparel',
      gtin: '5901234123457',
      mpn: 'NW-TEE-ORG',
      // Shopify's price is what the customer pays; the compare-at price is the one before the sale.
      price: '29.00',
      salePrice: '24.00',
      itemGroupId: 'organic-cotton-tee',
      status: 'active',
      imageUrl: 'https://cdn.shopify.com/s/files/1/0000/0001/products/tee-front.jpg?v=1700000000',
      stock: { onHand: 12 },
    });
    expect(teeS.description).toContain('<strong>organic</strong>');
    const teeM = await product('TEE-ORG-M');
    expect(teeM).toMatchObject({ title: 'Organic Cotton Tee - M', description: teeS.description, brand: 'Northwind Apparel', mpn: null });
    // A variant row's image is the product's second image, not the variant's own.
    expect(teeM.imageUrl).toBe(teeS.imageUrl);
    expect(await product('TEE-ORG-L')).toMatchObject({ price: '26.00', salePrice: null, itemGroupId: 'organic-cotton-tee', stock: { onHand: 0 } });
    // One variant ("Default Title"): the product's own title, and no item group.
    expect(await product('MUG-STONE-350')).toMatchObject({ title: 'Stoneware Mug, 350 ml', itemGroupId: null, price: '14.50', salePrice: null });
    expect(await product('APRON-LINEN')).toMatchObject({ status: 'archived' });
    expect(await product('TOTE-CANVAS')).toMatchObject({ status: 'archived', price: '18.00', salePrice: null });
    const movements = await core.call('movements.list', { sku: 'TEE-ORG-S' });
    expect(movements.movements[0]).toMatchObject({ kind: 'count', reference: 'products_export_1.csv' });
  });

  it('imports a WooCommerce product export: variations with their parent, parents and grouped products skipped', async () => {
    const csv = bytes('woocommerce-product-export.csv').toString('utf8');
    const report = await core.call('catalog.import', { csv, preset: 'woocommerce' });
    expect(report.issues).toEqual([]);
    expect(report).toMatchObject({ ok: true, rows: 7, created: 4, counts: 3, format: { preset: 'woocommerce', delimiter: 'comma' } });
    expect(report.skipped).toEqual([
      { row: 3, reason: 'Hoodie is a variable product: each of its variations is imported as a product instead' },
      { row: 6, reason: 'Kitchen set is a grouped product, which only lists other products' },
      { row: 8, reason: 'Breakfast cookbook has no SKU; Stockfeed needs one for every product (give it a SKU in WooCommerce and export again)' },
    ]);
    expect(await product('MUG-WOO-1')).toMatchObject({
      title: 'Ceramic Mug',
      brand: 'Clayworks',
      gtin: '4006381333931',
      description: '<p>Hand-glazed ceramic mug, 350 ml.</p>\n<p>Dishwasher safe.</p>',
      imageUrl: 'https://shop.example/wp-content/uploads/2026/03/mug.jpg',
      price: '12.90',
      stock: { onHand: 25 },
    });
    const blue = await product('HOODIE-BLUE-M');
    expect(blue).toMatchObject({
      title: 'Hoodie - Blue, M',
      itemGroupId: 'HOODIE',
      brand: 'Northwind',
      description: '<p>Heavyweight cotton hoodie, brushed inside.</p>',
      price: '49.00',
      salePrice: '39.00',
      imageUrl: 'https://shop.example/wp-content/uploads/2026/03/hoodie-blue.jpg',
      stock: { onHand: 7 },
    });
    // Named by its parent's ID, and its stock kept by the parent: no count of its own.
    expect(await product('HOODIE-RED-M')).toMatchObject({
      itemGroupId: 'HOODIE',
      imageUrl: 'https://shop.example/wp-content/uploads/2026/03/hoodie.jpg',
      stock: { onHand: 0 },
    });
    expect(await product('TEA-TOWEL')).toMatchObject({ status: 'archived', title: 'Tea towel, linen', price: '8.50' });
    expect(await skus()).not.toContain('HOODIE');
  });

  it('imports a product a shop oversold (a negative count) without its count, listing the row as a count left out (not as skipped); a plain file still refuses it', async () => {
    const shopify = [
      'Handle,Title,Variant SKU,Variant Inventory Qty,Variant Inventory Policy,Variant Price,Status',
      'oversold-cap,Oversold cap,OVER-CAP,-2,continue,15.00,active',
      'stored-cap,Stored cap,OVER-STORED,- 3,continue,16.00,active',
      'fine-cap,Fine cap,OVER-FINE,4,deny,17.00,active',
    ].join('\n');
    await core.call('catalog.import', { csv: 'sku,title,price,on_hand\nOVER-STORED,Stored cap,16.00,9\n' });
    const note = (sku: string, figure: string, shop: string) =>
      `${sku}: ${shop} says ${figure}: it oversold; the product is imported without this count (a new product has no stock, a stored one keeps its own); count the stock and record it`;
    const expected = [
      { row: 2, reason: note('OVER-CAP', '-2', 'Shopify') },
      { row: 3, reason: note('OVER-STORED', '-3', 'Shopify') },
    ];
    const dry = await core.call('catalog.import', { csv: shopify, preset: 'shopify', dryRun: true });
    expect(dry).toMatchObject({ ok: true, issues: [], rows: 3, created: 2, unchanged: 1, counts: 1 });
    // The products are imported: the rows are not "skipped", only their counts are left out.
    expect(dry.countsLeftOut).toEqual(expected);
    expect(dry.skipped).toEqual([]);
    const report = await core.call('catalog.import', { csv: shopify, preset: 'shopify' });
    expect(report).toMatchObject({ ok: true, issues: [], created: 2, skipped: [], countsLeftOut: expected });
    expect(await product('OVER-CAP')).toMatchObject({ title: 'Oversold cap', price: '15.00', stock: { onHand: 0 } });
    expect(await product('OVER-STORED')).toMatchObject({ price: '16.00', stock: { onHand: 9 } });
    expect(await product('OVER-FINE')).toMatchObject({ stock: { onHand: 4 } });
    expect((await core.call('movements.list', { sku: 'OVER-CAP' })).movements).toEqual([]);

    // WooCommerce with backorders allowed; its exporter wrote a negative as '-5 before 2024.
    const woo = ['ID,Type,SKU,Name,Published,Stock,Backorders allowed?,Regular price', "31,simple,WOO-BACK,Backordered mug,1,'-5,1,9.00"].join('\n');
    const wooReport = await core.call('catalog.import', { csv: woo, preset: 'woocommerce' });
    expect(wooReport).toMatchObject({ ok: true, created: 1, counts: 0, skipped: [], countsLeftOut: [{ row: 2, reason: note('WOO-BACK', '-5', 'WooCommerce') }] });
    expect(await product('WOO-BACK')).toMatchObject({ stock: { onHand: 0 } });

    const plain = await core.call('catalog.import', { csv: 'sku,title,price,on_hand\nOVER-PLAIN,Plain,1.00,-2\n', dryRun: true });
    expect(plain.ok).toBe(false);
    expect(plain.issues).toEqual([{ row: 2, column: 'on_hand', message: expect.stringContaining('cannot be below 0') }]);
  });

  it('says which preset a Shopify export needs when it comes without one', async () => {
    const report = await core.call('catalog.import', { csv: bytes('shopify-products-export.csv').toString('utf8'), dryRun: true });
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      { row: 1, column: null, message: expect.stringContaining('looks like a Shopify product export') },
    ]);
  });
});
