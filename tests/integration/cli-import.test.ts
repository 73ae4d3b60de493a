import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv, type ImportOptions } from '../../electron/core/catalog/csv-import';
import { num } from '../../electron/core/util/db-helpers';
import type { Change } from '../../shared/schemas/changes';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const FIXTURES = path.resolve('tests/fixtures/csv');

function importFixture(core: TestCore, name: string, options: ImportOptions = {}) {
  return importCatalogCsv(core, fs.createReadStream(path.join(FIXTURES, name)), { name, ...options });
}

function importText(core: TestCore, text: string, options: ImportOptions = {}) {
  return importCatalogCsv(core, Readable.from([text]), { name: 'inline.csv', ...options });
}

async function countRows(core: TestCore, table: string): Promise<number> {
  const row = (await core.db(table).count({ n: '*' }).first()) as { n: unknown };
  return num(row.n);
}

/** Row and column of each issue, the part of an error report a user navigates by. */
function places(issues: Array<{ row: number; column: string | null }>) {
  return issues.map((i) => [i.row, i.column]);
}

for (const engine of engines()) {
  describe(`catalog CSV import (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine);
    });
    afterEach(async () => {
      await core.cleanup();
    });

    it('reports availability crossings caused by imported status changes', async () => {
      await core.call('products.create', productInput('CROSS-1'));
      await core.call('stock.receive', { sku: 'CROSS-1', quantity: 4 });
      const since = (await core.call('changes.list', { since: 0, limit: 1000 })).next;
      const header = 'sku,title,description,brand,gtin,mpn,condition,price,currency,sale_price,slug,image_url,status,item_group_id,location,on_hand';
      await importText(core, `${header}\nCROSS-1,Product CROSS-1,,,,,,9.99,,,,,archived,,,\n`);
      const { changes } = await core.call('changes.list', { since, limit: 1000 });
      expect(changes.map((c) => c.type)).toEqual(['product.updated', 'availability.changed']);
      expect(changes[1]?.payload).toMatchObject({ sku: 'CROSS-1', from: 'in_stock', to: 'discontinued' });
    });

    it('imports a good file: products, stock by count movements, change log, ledger OK', async () => {
      const emitted: Change[] = [];
      core.bus.subscribe((changes) => emitted.push(...changes));

      const report = await importFixture(core, 'good.csv');

      expect(report).toMatchObject({ ok: true, dryRun: false, rows: 4, created: 4, updated: 0, unchanged: 0, counts: 3, countsUnchanged: 0, issues: [] });
      const red = await core.call('products.get', { idOrSku: 'TEE-RED-M' });
      expect(red).toMatchObject({
        title: 'Red T-Shirt M',
        description: 'Soft cotton tee.\nMachine washable.',
        brand: 'Acme',
        gtin: '4006381333931',
        mpn: 'AC-TEE-1',
        price: '19.99',
        salePrice: '14.99',
        currency: 'EUR',
        slug: 'red-t-shirt-m',
        imageUrl: 'https://example.com/img/tee-red.jpg',
        itemGroupId: 'TEE',
        stock: { onHand: 12, committed: 0, available: 12 },
      });
      // The SKU is normalised, the shop currency fills an empty cell, "8.5" is 8.50.
      const mug = await core.call('products.get', { idOrSku: 'MUG-01' });
      expect(mug).toMatchObject({ condition: 'refurbished', price: '8.50', currency: 'USD', slug: 'coffee-mug-white', stock: { onHand: 0 } });
      const tea = await core.call('products.get', { idOrSku: 'TEA-JP' });
      expect(tea).toMatchObject({ price: '1200', currency: 'JPY', status: 'archived', stock: { onHand: 0 } });
      const blue = await core.call('stock.get', { sku: 'TEE-BLUE-M' });
      expect(blue.byLocation).toEqual([expect.objectContaining({ location: 'main', onHand: 5 })]);

      const movements = await core.call('movements.list', { sku: 'TEE-RED-M' });
      expect(movements.movements).toEqual([expect.objectContaining({ kind: 'count', quantity: 12, reason: 'CSV import', reference: 'good.csv' })]);
      // TEA-JP has no on_hand: no stock row, no movement.
      expect(await countRows(core, 'movements')).toBe(3);
      expect(await core.checkLedger()).toMatchObject({ ok: true, levelsChecked: 3 });

      const log = await core.call('changes.list', { since: 0, limit: 100 });
      const productChanges = log.changes.filter((c) => c.type.startsWith('product.'));
      expect(productChanges.map((c) => c.type)).toEqual(Array(4).fill('product.created'));
      expect(log.changes.filter((c) => c.type === 'stock.changed').map((c) => c.sku).sort()).toEqual(['MUG-01', 'TEE-BLUE-M', 'TEE-RED-M']);
      expect(emitted.map((c) => c.seq)).toEqual(log.changes.map((c) => c.seq));
    });

    it('lists every bad row with its row and column, and writes nothing', async () => {
      await core.call('products.create', productInput('EXISTING-1'));
      const changesBefore = await countRows(core, 'changes');

      const report = await importFixture(core, 'bad-rows.csv');

      expect(report.ok).toBe(false);
      expect(places(report.issues)).toEqual([
        [3, 'sku'],
        [4, 'title'],
        [4, 'price'],
        [5, 'sale_price'],
        [6, 'gtin'],
        [7, 'condition'],
        [7, 'on_hand'],
        [8, 'location'],
        [9, 'price'],
      ]);
      expect(report.issues.find((i) => i.row === 8)?.message).toContain('nowhere');
      expect(report.issues.find((i) => i.row === 6)?.message).toContain('check digit');
      // GOOD-1 on row 2 was fine, but all or nothing: it is not there either.
      expect(await countRows(core, 'products')).toBe(1);
      expect(await countRows(core, 'changes')).toBe(changesBefore);
      expect(await countRows(core, 'movements')).toBe(0);
    });

    it('dry run reports what would happen and writes nothing', async () => {
      const report = await importFixture(core, 'good.csv', { dryRun: true });
      expect(report).toMatchObject({ ok: true, dryRun: true, created: 4, updated: 0, counts: 3, countsUnchanged: 0 });
      expect(await countRows(core, 'products')).toBe(0);
      expect(await countRows(core, 'changes')).toBe(0);
      expect(await countRows(core, 'stock_levels')).toBe(0);
    });

    it('dry run checks against the database too (a slug another product uses)', async () => {
      await core.call('products.create', productInput('OTHER-MUG', { slug: 'coffee-mug-white' }));
      const report = await importFixture(core, 'good.csv', { dryRun: true });
      expect(report.ok).toBe(false);
      expect(report.issues).toEqual([
        { row: 5, column: 'slug', message: 'the slug "coffee-mug-white" is already used by product OTHER-MUG' },
      ]);
      expect(await countRows(core, 'products')).toBe(1);
    });

    it('updates existing SKUs with only the columns present, and creates new ones', async () => {
      await importFixture(core, 'good.csv');
      const before = await core.call('products.get', { idOrSku: 'TEE-RED-M' });
      const seqBefore = (await core.call('changes.list', { since: 0, limit: 1000 })).next;

      const report = await importFixture(core, 'update.csv');

      expect(report).toMatchObject({ ok: true, created: 1, updated: 1, unchanged: 1, counts: 2, countsUnchanged: 0 });
      const red = await core.call('products.get', { idOrSku: 'TEE-RED-M' });
      // Price and stock changed; the columns the file does not have kept their values.
      expect(red).toMatchObject({ price: '21.00', salePrice: '14.99', gtin: before.gtin, description: before.description, slug: before.slug });
      expect(red.stock.onHand).toBe(10);
      expect(red.id).toBe(before.id);
      expect((await core.call('products.get', { idOrSku: 'TEE-BLUE-M' })).stock.onHand).toBe(5);
      expect(await core.call('products.get', { idOrSku: 'NEW-HAT' })).toMatchObject({ price: '15.00', stock: { onHand: 7 } });

      const after = await core.call('changes.list', { since: seqBefore, limit: 100 });
      const updated = after.changes.find((c) => c.type === 'product.updated');
      expect(updated).toMatchObject({ sku: 'TEE-RED-M', payload: { changed: ['price'], before: { price: '19.99' }, after: { price: '21.00' } } });
      // NEW-HAT's count of 7 brings it into stock: an availability.changed with its stock.changed.
      expect(after.changes.map((c) => c.type).sort()).toEqual(['availability.changed', 'product.created', 'product.updated', 'stock.changed', 'stock.changed']);
      expect(await core.checkLedger()).toMatchObject({ ok: true });

      // The same file again: nothing to change, so no movement and no change-log entry.
      const seqAfter = (await core.call('changes.list', { since: 0, limit: 1000 })).next;
      const again = await importFixture(core, 'update.csv');
      expect(again).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 3, counts: 0, countsUnchanged: 2 });
      expect((await core.call('changes.list', { since: seqAfter, limit: 10 })).changes).toEqual([]);
    });

    it('leaves out a count only at the location whose stock already holds that figure', async () => {
      await core.call('locations.create', { code: 'backroom', name: 'Back room' });
      const first = 'sku,title,price,location,on_hand\nLOC-1,Mug,5.00,main,3\nLOC-1,Mug,5.00,backroom,4\nLOC-2,Cup,5.00,main,4\n';
      expect(await importText(core, first)).toMatchObject({ ok: true, created: 2, counts: 3, countsUnchanged: 0 });
      // LOC-1 holds 3 at main and 4 at the back room: 4 at main is a change, 4 at the back room is not.
      const second = 'sku,title,price,location,on_hand\nLOC-1,Mug,5.00,main,4\nLOC-1,Mug,5.00,backroom,4\nLOC-2,Cup,5.00,main,3\n';
      expect(await importText(core, second)).toMatchObject({ ok: true, counts: 2, countsUnchanged: 1 });
      const stock = await core.call('stock.get', { sku: 'LOC-1' });
      expect(stock.byLocation.map((l) => [l.location, l.onHand]).sort()).toEqual([['backroom', 4], ['main', 4]]);
      expect(await core.checkLedger()).toMatchObject({ ok: true });
    });

    it('refuses an update that breaks a money rule of the stored product', async () => {
      await importFixture(core, 'good.csv');
      // TEE-RED-M has a sale price of 14.99: a price of 12.00 would put the sale price above it.
      const report = await importText(core, 'sku,title,price\nTEE-RED-M,Red T-Shirt M,12.00\n');
      expect(report.issues).toEqual([{ row: 2, column: 'sale_price', message: 'sale price must be lower than the price' }]);
      expect((await core.call('products.get', { idOrSku: 'TEE-RED-M' })).price).toBe('19.99');
    });

    it('refuses a SKU that appears twice', async () => {
      const report = await importFixture(core, 'duplicate-sku.csv');
      expect(report.ok).toBe(false);
      expect(places(report.issues)).toEqual([[4, 'sku']]);
      expect(report.issues[0]?.message).toContain('already on row 2');
      expect(await countRows(core, 'products')).toBe(0);
    });

    it('lets a SKU repeat to give its stock at other locations, and nothing else', async () => {
      await core.call('locations.create', { code: 'backroom', name: 'Back room' });
      const good = await importText(core, 'sku,title,price,location,on_hand\nMULTI-1,Multi,5.00,main,3\nMULTI-1,Multi,5.00,backroom,4\n');
      expect(good).toMatchObject({ ok: true, created: 1, counts: 2 });
      const stock = await core.call('stock.get', { sku: 'MULTI-1' });
      expect(stock.byLocation.map((l) => [l.location, l.onHand])).toEqual([
        ['backroom', 4],
        ['main', 3],
      ]);

      const bad = await importText(
        core,
        'sku,title,price,location,on_hand\nMULTI-2,Multi,5.00,main,1\nMULTI-2,Multi,5.00,,2\nMULTI-2,Other title,5.00,backroom,3\n',
      );
      // Row 3 names no location, so the default (main) again; row 4 changes the title.
      expect(places(bad.issues)).toEqual([
        [3, 'sku'],
        [4, 'title'],
      ]);
      expect(await countRows(core, 'products')).toBe(1);
    });

    it('names unknown columns and missing required columns', async () => {
      const unknown = await importFixture(core, 'unknown-column.csv');
      expect(places(unknown.issues)).toEqual([
        [1, 'colour'],
        [1, 'weight'],
      ]);
      expect(unknown.issues[0]?.message).toContain('unknown column');

      const missing = await importFixture(core, 'missing-columns.csv');
      expect(places(missing.issues)).toEqual([
        [1, 'title'],
        [1, 'price'],
      ]);
      expect(await countRows(core, 'products')).toBe(0);
    });

    it('reports a count below the units reserved for orders against its row', async () => {
      await importFixture(core, 'good.csv');
      await core.call('reservations.create', { sku: 'TEE-RED-M', quantity: 5, reference: 'ORDER-1' });
      const report = await importText(core, 'sku,title,price,on_hand\nTEE-BLUE-M,Blue T-Shirt M,19.99,9\nTEE-RED-M,Red T-Shirt M,19.99,2\n');
      expect(places(report.issues)).toEqual([[3, 'on_hand']]);
      expect(report.issues[0]?.message).toContain('reserved for orders');
      expect((await core.call('products.get', { idOrSku: 'TEE-BLUE-M' })).stock.onHand).toBe(5);
    });

    it('numbers rows as the file does when cells span lines, and reports malformed CSV', async () => {
      const multiline = await importText(core, 'sku,title,description,price\nA-1,"Title","line one\nline two",1.00\nA-2,Title,x,oops\n');
      expect(places(multiline.issues)).toEqual([[4, 'price']]);

      // Windows line endings, a byte-order mark and a blank line count as an editor counts them.
      const windows = await importText(core, '\ufeffsku,title,description,price\r\nA-1,T,"one\r\ntwo",1.00\r\n\r\nA-2,T,x,oops\r\n');
      expect(places(windows.issues)).toEqual([[5, 'price']]);

      const broken = await importText(core, 'sku,title,price\nA-1,T,1.00\nA-2,"unclosed,1.00\n');
      expect(broken.ok).toBe(false);
      expect(broken.issues).toEqual([{ row: 3, column: null, message: expect.stringContaining('not valid CSV') }]);

      const ragged = await importText(core, 'sku,title,price\nA-1,Title,1.00,extra\n');
      expect(ragged.issues).toEqual([{ row: 2, column: null, message: 'the row has 4 cells but the header has 3 columns' }]);

      const empty = await importText(core, '');
      expect(empty.issues[0]).toMatchObject({ row: 1, column: null });
      expect(await countRows(core, 'products')).toBe(0);
    });

    it('gives new products free slugs, as creating them one by one would', async () => {
      await core.call('products.create', productInput('EXIST-1', { title: 'Plain Mug' }));
      await core.call('products.create', productInput('EXIST-2', { title: 'Plain Mug' }));
      const report = await importText(core, 'sku,title,price,slug\nN-1,Plain Mug,1.00,\nN-2,Plain Mug,1.00,\nN-3,Other,1.00,plain-mug-4\nN-4,Plain Mug,1.00,\n');
      expect(report.ok).toBe(true);
      const slugs = await Promise.all(['N-1', 'N-2', 'N-3', 'N-4'].map(async (sku) => (await core.call('products.get', { idOrSku: sku })).slug));
      expect(slugs).toEqual(['plain-mug-3', 'plain-mug-5', 'plain-mug-4', 'plain-mug-6']);
    });
  });
}
