/**
 * The catalogue CSV's purchasing columns: cost, supplier, supplier_sku, reorder_point and
 * reorder_quantity import (all or nothing, every bad cell named) and export back; files without
 * them import as before.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { engines, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('purchasing columns of the catalogue CSV on %s', (engine) => {
  let core: TestCore;
  const importText = (text: string, dryRun = false) => importCatalogCsv(core, Readable.from([text]), { dryRun, name: 'p.csv' });

  beforeAll(async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('locations.create', { code: 'shop', name: 'Shop floor' });
    await core.call('suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
    await core.call('suppliers.create', { name: 'Glassworks', currency: 'EUR' });
  });
  afterAll(async () => core?.cleanup());

  it('still imports a file without them', async () => {
    const report = await importText('sku,title,price,location,on_hand\nOLD-1,Old file,5.00,main,3\n');
    expect(report).toMatchObject({ ok: true, created: 1, counts: 1 });
    expect((await core.call('products.suppliers.get', { idOrSku: 'OLD-1' })).suppliers).toEqual([]);
  });

  it('sets the cost, the preferred supplier with its SKU, and the reorder settings per location', async () => {
    const csv =
      'sku,title,price,currency,location,on_hand,cost,supplier,supplier_sku,reorder_point,reorder_quantity\n' +
      'MUG,Mug,12.00,EUR,main,10,4.25,Potter & Co,P-MUG,5,24\n' +
      'MUG,Mug,12.00,EUR,shop,2,,,,1,\n' +
      'VASE,Vase,30.00,EUR,,,9,Glassworks,,,\n';
    const report = await importText(csv);
    expect(report.issues).toEqual([]);
    expect(await core.call('products.suppliers.get', { idOrSku: 'MUG' })).toMatchObject({
      averageCost: '4.25',
      costCurrency: 'EUR',
      suppliers: [expect.objectContaining({ supplierName: 'Potter & Co', supplierSku: 'P-MUG', preferred: true, packSize: 1, unitCost: null })],
    });
    const reorder = await core.call('products.reorder.get', { idOrSku: 'MUG' });
    expect(reorder.locations.map((l) => [l.location, l.reorderPoint, l.reorderQuantity])).toEqual([
      ['main', 5, 24],
      ['shop', 1, null],
    ]);
    expect((await core.call('products.suppliers.get', { idOrSku: 'VASE' })).averageCost).toBe('9.00');

    // A later file naming another supplier makes that one preferred and keeps the first link.
    await importText('sku,title,price,supplier\nMUG,Mug,12.00,Glassworks\n');
    const links = (await core.call('products.suppliers.get', { idOrSku: 'MUG' })).suppliers;
    expect(links.map((l) => [l.supplierName, l.preferred])).toEqual([
      ['Glassworks', true],
      ['Potter & Co', false],
    ]);
  });

  it('names each bad purchasing cell by row and column, and writes nothing', async () => {
    const before = (await core.call('changes.latest', {})).seq;
    // Cells wrong in themselves (row 3), and cells wrong against the database or the row's currency.
    const csv =
      'sku,title,price,currency,cost,supplier,supplier_sku,reorder_point,reorder_quantity\n' +
      'BAD-1,Bad,1.00,EUR,1.005,,,,\n' +
      'BAD-2,Bad,1.00,EUR,,,X-1,-1,0\n' +
      'BAD-3,Bad,1.00,JPY,2.5,Nobody,,,\n';
    for (const dryRun of [true, false]) {
      const report = await importText(csv, dryRun);
      expect(report.ok).toBe(false);
      expect(report.issues.map((i) => [i.row, i.column, i.message])).toEqual([
        [2, 'cost', 'EUR has 2 decimals at most; "1.005" has 3'],
        [3, 'reorder_point', 'reorder_point must be a whole number of 0 or more (found "-1")'],
        [3, 'reorder_quantity', 'reorder_quantity must be a whole number of 1 or more (found "0")'],
        [3, 'supplier_sku', 'a supplier SKU needs the supplier column'],
        [4, 'supplier', 'there is no supplier named "Nobody"; add it under Purchasing first'],
        [4, 'cost', 'JPY has no minor unit; write 2 without decimals'],
      ]);
    }
    expect((await core.call('changes.latest', {})).seq).toBe(before);
  });

  it('exports the columns, and the export imports back unchanged', async () => {
    const { csv } = await core.call('catalog.export', {});
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('sku,title,description,brand,gtin,mpn,condition,price,currency,sale_price,slug,image_url,status,item_group_id,location,on_hand,cost,supplier,supplier_sku,reorder_point,reorder_quantity,product_type,google_product_category');
    const mug = lines.filter((l) => l.startsWith('MUG,'));
    expect(mug.map((l) => l.split(',').slice(14, 21))).toEqual([
      ['main', '10', '4.25', 'Glassworks', '', '5', '24'],
      ['shop', '2', '4.25', 'Glassworks', '', '1', ''],
    ]);
    const before = (await core.call('changes.latest', {})).seq;
    const again = await importText(csv);
    expect(again).toMatchObject({ ok: true, created: 0, updated: 0, counts: 0 });
    expect((await core.call('products.reorder.get', { idOrSku: 'MUG' })).locations.map((l) => [l.location, l.reorderPoint, l.reorderQuantity])).toEqual([
      ['main', 5, 24],
      ['shop', 1, null],
    ]);
    expect((await core.call('changes.list', { since: before, type: 'product.updated' })).changes).toEqual([]);
  });
});
