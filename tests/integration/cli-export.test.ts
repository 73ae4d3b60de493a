import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../electron/core/catalog/csv-columns';
import { exportCatalogCsv } from '../../electron/core/catalog/csv-export';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import type { Product } from '../../shared/schemas/product';
import { engines, startCore, tempDir, type TestCore } from '../helpers/core';

const FIXTURES = path.resolve('tests/fixtures/csv');

async function importText(core: TestCore, text: string) {
  const report = await importCatalogCsv(core, Readable.from([text]), { name: 'inline.csv' });
  expect(report.issues).toEqual([]);
  return report;
}

async function allProducts(core: TestCore): Promise<Product[]> {
  const out: Product[] = [];
  let cursor: string | undefined;
  do {
    const page = await core.call('products.list', { limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...page.products);
    cursor = page.next ?? undefined;
  } while (cursor);
  return out;
}

/** What a CSV round trip must keep: everything but the database's own ids and times. */
function comparable(p: Product) {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = p;
  return rest;
}

async function stockByLocation(core: TestCore, skus: string[]) {
  return Promise.all(skus.map(async (sku) => (await core.call('stock.get', { sku })).byLocation.map((l) => [sku, l.location, l.onHand])));
}

for (const engine of engines()) {
  describe(`catalog CSV export (${engine})`, () => {
    let core: TestCore;
    let copy: TestCore | undefined;
    let dir: string;
    beforeEach(async () => {
      core = await startCore(engine);
      dir = tempDir('stockfeed-export-');
    });
    afterEach(async () => {
      await core.cleanup();
      await copy?.cleanup();
      copy = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('writes one row per product and location, in SKU order, money as decimals', async () => {
      await core.call('locations.create', { code: 'backroom', name: 'Back room' });
      await importCatalogCsv(core, fs.createReadStream(path.join(FIXTURES, 'good.csv')));
      await importText(core, 'sku,title,price,location,on_hand\nTEE-RED-M,Red T-Shirt M,19.99,backroom,4\n');
      const file = path.join(dir, 'catalog.csv');

      const report = await exportCatalogCsv(core.db, file);

      expect(report).toEqual({ products: 4, rows: 5 });
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines[0]).toBe(CSV_COLUMNS.join(','));
      expect(lines.slice(1)).toEqual([
        'MUG-01,Coffee Mug,"Holds 300 ml, dishwasher safe",Potter,036000291452,,refurbished,8.50,USD,,coffee-mug-white,,active,,main,0,,,,,,,',
        'TEA-JP,Sencha Tea,,,,,new,1200,JPY,,sencha-tea,,archived,,,,,,,,,,',
        'TEE-BLUE-M,Blue T-Shirt M,,Acme,,,new,19.99,EUR,,blue-t-shirt-m,,active,TEE,main,5,,,,,,,',
        'TEE-RED-M,Red T-Shirt M,"Soft cotton tee.',
        'Machine washable.",Acme,4006381333931,AC-TEE-1,new,19.99,EUR,14.99,red-t-shirt-m,https://example.com/img/tee-red.jpg,active,TEE,backroom,4,,,,,,,',
        'TEE-RED-M,Red T-Shirt M,"Soft cotton tee.',
        'Machine washable.",Acme,4006381333931,AC-TEE-1,new,19.99,EUR,14.99,red-t-shirt-m,https://example.com/img/tee-red.jpg,active,TEE,main,12,,,,,,,',
        '',
      ]);
      // No partial file is left behind.
      expect(fs.readdirSync(dir)).toEqual(['catalog.csv']);
    });

    it('round trip: export, then import into an empty data folder, reproduces products and stock', async () => {
      await core.call('locations.create', { code: 'backroom', name: 'Back room' });
      await importCatalogCsv(core, fs.createReadStream(path.join(FIXTURES, 'good.csv')));
      // More products than one export page, with stock at one or two locations.
      const rows = Array.from({ length: 2300 }, (_, i) => {
        const sku = `BULK-${String(i).padStart(5, '0')}`;
        const base = `${sku},"Bulk item ${i}, ""quoted""",${(i % 90) + 1}.${String(i % 100).padStart(2, '0')},main,${i % 13}`;
        return i % 4 === 0 ? `${base}\n${sku},"Bulk item ${i}, ""quoted""",${(i % 90) + 1}.${String(i % 100).padStart(2, '0')},backroom,${i % 7}` : base;
      });
      await importText(core, `sku,title,price,location,on_hand\n${rows.join('\n')}\n`);
      const first = path.join(dir, 'first.csv');
      const exported = await exportCatalogCsv(core.db, first);
      expect(exported.products).toBe(2304);
      expect(exported.rows).toBe(2300 + 575 + 4);

      copy = await startCore(engine);
      await copy.call('locations.create', { code: 'backroom', name: 'Back room' });
      const imported = await importCatalogCsv(copy, fs.createReadStream(first), { name: 'first.csv' });
      expect(imported).toMatchObject({ ok: true, created: 2304, counts: 2300 + 575 + 3 });

      const original = await allProducts(core);
      const reproduced = await allProducts(copy);
      expect(reproduced.map(comparable)).toEqual(original.map(comparable));
      const skus = original.map((p) => p.sku);
      expect(await stockByLocation(copy, skus)).toEqual(await stockByLocation(core, skus));
      expect(await copy.checkLedger()).toMatchObject({ ok: true });

      const second = path.join(dir, 'second.csv');
      await exportCatalogCsv(copy.db, second);
      expect(fs.readFileSync(second, 'utf8')).toBe(fs.readFileSync(first, 'utf8'));

      // Importing the export back into the catalogue it came from changes no product and no stock.
      const again = await importCatalogCsv(core, fs.createReadStream(first), { name: 'first.csv' });
      expect(again).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 2304, counts: 0, countsUnchanged: 2300 + 575 + 3 });
    });
  });
}
