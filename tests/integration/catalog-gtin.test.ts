/**
 * One product per barcode in a CSV import: a row whose GTIN another product has (in the database,
 * or on another row of the file) is listed by row and column `gtin`, naming the other product, and
 * nothing of the file is written. What the file leaves is what counts: a file that moves a barcode
 * from one product to another, or swaps two, imports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const EAN = '4006381333931';
const UPC = '012345678905';
const OTHER = '036000291452';
const HEADER = 'sku,title,price,gtin';

describe.each(engines())('GTINs in a CSV import on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('MUG-BLUE', { title: 'Blue mug', gtin: EAN }));
    await core.call('products.create', productInput('CUP-1', { title: 'Cup', gtin: UPC }));
  });
  afterAll(async () => core?.cleanup());

  const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
  const state = async () => ({
    seq: (await core.call('changes.latest', {})).seq,
    products: (await core.call('products.list', { limit: 100 })).products.map((p) => [p.sku, p.gtin]),
  });

  it.each([true, false])('lists every row that would share a barcode and writes nothing (dryRun %s)', async (dryRun) => {
    const before = await state();
    const report = await core.call('catalog.import', {
      dryRun,
      csv: csv(
        `NEW-1,New mug,5.00,${EAN}`, // row 2: the Blue mug's barcode
        `NEW-2,New cup,5.00,0${UPC}`, // row 3: the Cup's, written as an EAN-13
        `NEW-3,Plate,5.00,${OTHER}`, // row 4: free…
        `NEW-4,Bowl,5.00,00${OTHER}`, // row 5: …but also on row 4
        `CUP-1,Cup,5.00,${UPC}`, // row 6: its own barcode, unchanged
        'NEW-5,Saucer,5.00,', // row 7: no barcode
        'NEW-6,Spoon,5.00,', // row 8: no barcode either
      ),
    });
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      { row: 2, column: 'gtin', message: `GTIN ${EAN} is already used by "Blue mug" (MUG-BLUE)` },
      { row: 3, column: 'gtin', message: `GTIN 0${UPC} is already used by "Cup" (CUP-1), as ${UPC}` },
      { row: 5, column: 'gtin', message: `GTIN 00${OTHER} is also on row 4 (NEW-3), as ${OTHER}` },
    ]);
    expect(await state()).toEqual(before);
  });

  it('imports a file that moves a barcode to another product, or swaps two, in one go', async () => {
    const report = await core.call('catalog.import', {
      csv: csv(`MUG-BLUE,Blue mug,9.99,${UPC}`, `CUP-1,Cup,9.99,${EAN}`, `MUG-RED,Red mug,9.99,${OTHER}`),
    });
    expect(report).toMatchObject({ ok: true, issues: [], created: 1, updated: 2 });
    expect((await state()).products).toEqual([
      ['CUP-1', EAN],
      ['MUG-BLUE', UPC],
      ['MUG-RED', OTHER],
    ]);
    const moved = await core.call('catalog.import', { csv: csv(`MUG-RED,Red mug,9.99,`, `NEW-9,Green mug,9.99,${OTHER}`) });
    expect(moved).toMatchObject({ ok: true, created: 1, updated: 1 });
    expect((await core.call('products.lookup', { code: OTHER })).products.map((p) => p.sku)).toEqual(['NEW-9']);
  });

  it('keeps a product that an import leaves alone as the owner of its barcode', async () => {
    const report = await core.call('catalog.import', { dryRun: true, csv: csv(`MUG-BLUE,Blue mug,9.99,${OTHER}`) });
    expect(report.issues).toEqual([{ row: 2, column: 'gtin', message: `GTIN ${OTHER} is already used by "Green mug" (NEW-9)` }]);
  });
});
