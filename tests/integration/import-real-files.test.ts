/**
 * The catalogue files shop owners really have, imported as they are or refused in words they can
 * act on, with nothing written: Excel's CSV on German Windows (Windows-1252 or UTF-8 with a BOM,
 * semicolons, decimal commas, CRLF, unnamed empty columns and rows of empty cells), codes Excel
 * took for numbers, prices saved with their currency, and a workbook renamed .csv.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv, type ImportOptions } from '../../electron/core/catalog/csv-import';
import { num } from '../../electron/core/util/db-helpers';
import { engines, startCore, type TestCore } from '../helpers/core';

const FIXTURES = path.resolve('tests/fixtures/csv/real');

function importFile(core: TestCore, name: string, options: ImportOptions = {}) {
  return importCatalogCsv(core, fs.createReadStream(path.join(FIXTURES, name)), { name, ...options });
}

function importBytes(core: TestCore, bytes: Buffer | string, options: ImportOptions = {}) {
  return importCatalogCsv(core, Readable.from([typeof bytes === 'string' ? Buffer.from(bytes) : bytes]), { name: 'inline.csv', ...options });
}

async function productCount(core: TestCore): Promise<number> {
  const row = (await core.db('products').count({ n: '*' }).first()) as { n: unknown };
  return num(row.n);
}

/** The first bytes of a ZIP archive whose first entry is `name`, as an .xlsx or .ods starts. */
function zipStart(name: string, rest = ''): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(Buffer.byteLength(name), 26);
  return Buffer.concat([header, Buffer.from(name + rest, 'latin1'), Buffer.alloc(64, 0x41)]);
}

for (const engine of engines()) {
  describe(`catalogue import of real-world files (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine);
      const settings = await core.call('settings.get', {});
      await core.call('settings.update', { ...settings, currency: 'EUR' });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    it.each(['excel-de-windows-1252.csv', 'excel-de-utf8-bom.csv'])(
      'imports Excel’s German CSV as saved (%s): unnamed empty columns and empty rows ignored, "On Hand" read as on_hand, "12,50 €" as 12.50',
      async (name) => {
        const report = await importFile(core, name);
        expect(report.issues).toEqual([]);
        expect(report).toMatchObject({ ok: true, rows: 3, created: 3, counts: 3, skipped: [] });
        expect(report.format).toMatchObject({ encoding: name.includes('1252') ? 'windows-1252' : 'utf-8', delimiter: 'semicolon', decimal: 'comma' });
        const kaffee = await core.call('products.get', { idOrSku: 'KAFFEE-250' });
        expect(kaffee).toMatchObject({
          title: 'Kaffee „Müller“ 250 g',
          description: 'Röstung ‘mittel’ – 2 € günstiger;\r\nBohnen aus Brasilien',
          price: '12.50',
          salePrice: '10.50',
        });
        expect(kaffee.stock.onHand).toBe(24);
        expect(await core.call('products.get', { idOrSku: 'TEE-GRUEN' })).toMatchObject({ description: 'Teekanne "Öko" – Glas', price: '1234.00' });
        expect(await core.call('products.get', { idOrSku: 'TASSE-1' })).toMatchObject({ price: '12.50', currency: 'EUR' });
      },
    );

    it('refuses codes Excel turned into numbers, saying what happened, and writes nothing', async () => {
      const report = await importFile(core, 'excel-numbers-as-codes.csv');
      expect(report.ok).toBe(false);
      expect(report.issues.map((i) => [i.row, i.column])).toEqual([
        [2, 'sku'],
        [3, 'gtin'],
        [4, 'gtin'],
      ]);
      expect(report.issues[0]?.message).toMatch(/^"4,00639E\+12" is a SKU the spreadsheet turned into a number in scientific notation.*format the column as Text/);
      expect(report.issues[1]?.message).toMatch(/^"4,00639E\+12" is a barcode \(GTIN\) the spreadsheet turned into a number in scientific notation/);
      expect(report.issues[2]?.message).toContain('dropped its leading zero (036000291452 is a valid 12-digit GTIN)');
      expect(await productCount(core)).toBe(0);

      // The schema takes any MPN, but not one a spreadsheet wrote as a number; one with a plain "E+" in it stays.
      const mpn = await importBytes(core, 'sku,title,mpn,price\nMPN-1,A,1.23457E+11,1.00\nMPN-2,B,AB-E+5X,1.00\n');
      expect(mpn.issues).toEqual([{ row: 2, column: 'mpn', message: expect.stringMatching(/^"1\.23457E\+11" is an MPN the spreadsheet turned into a number/) }]);
      expect((await importBytes(core, 'sku,title,mpn,price\nMPN-2,B,AB-E+5X,1.00\n')).ok).toBe(true);
    });

    it('reads a cost saved with its currency and refuses a supplier SKU Excel turned into a number, as for the price and SKU', async () => {
      await core.call('suppliers.create', { name: 'Kaffeerösterei', currency: 'EUR' });
      const header = 'sku;title;price;cost;supplier;supplier_sku';
      const bad = await importBytes(core, [header, 'KOST-1;Kaffee;12,50 €;7,25 €;Kaffeerösterei;4,00638E+12', 'KOST-2;Tee;4,00;£3,00;;'].join('\n'));
      expect(bad.issues).toEqual([
        { row: 2, column: 'supplier_sku', message: expect.stringMatching(/^"4,00638E\+12" is a supplier's SKU the spreadsheet turned into a number in scientific notation.*format the column as Text/) },
        { row: 3, column: 'cost', message: expect.stringMatching(/^"£3,00" is in GBP, but the shop's currency is EUR \(the row gives none\);/) },
      ]);
      expect(await productCount(core)).toBe(0);
      const unreadable = await importBytes(core, [header, 'KOST-1;Kaffee;12,50 €;sieben;;'].join('\n'));
      expect(unreadable.issues).toEqual([{ row: 2, column: 'cost', message: 'cost must be an amount such as "12,50" (found "sieben")' }]);

      const good = await importBytes(core, [header, 'KOST-1;Kaffee;12,50 €;7,25 €;Kaffeerösterei;4006381333931', 'KOST-2;Tee;4,00;"1.234,50 €";;', 'KOST-3;Becher;3,00;2,10;;'].join('\n'));
      expect(good.issues).toEqual([]);
      expect(good).toMatchObject({ ok: true, created: 3 });
      const costs = (await core.db('product_costs as c').join('products as p', 'p.id', 'c.product_id').select('p.sku', 'c.cost_minor').orderBy('p.sku')) as Array<{ sku: string; cost_minor: unknown }>;
      expect(costs.map((c) => [c.sku, num(c.cost_minor)])).toEqual([['KOST-1', 725], ['KOST-2', 123450], ['KOST-3', 210]]);
      const link = await core.db('product_suppliers').select('supplier_sku').first();
      expect(link).toMatchObject({ supplier_sku: '4006381333931' });
    });

    it('refuses a value under a column with no name, by row and column', async () => {
      const report = await importFile(core, 'excel-unnamed-value.csv');
      expect(report.issues).toEqual([{ row: 3, column: null, message: 'the row has "rot" in column 4, which has no name in the header: name the column, or delete it' }]);
      expect(await productCount(core)).toBe(0);
    });

    it('reads prices saved with their currency when it is the row’s (or the shop’s), and refuses another', async () => {
      const report = await importFile(core, 'prices-with-currency.csv');
      expect(report.issues).toEqual([
        { row: 5, column: 'price', message: expect.stringMatching(/^"\$8\.00" is in \$ \(USD, CAD.*\), but the shop's currency is EUR \(the row gives none\); write the amount without the currency sign/) },
        { row: 6, column: 'price', message: expect.stringMatching(/^"£3\.00" is in GBP, but the row's currency is EUR;/) },
      ]);
      expect(await productCount(core)).toBe(0);

      const fixed = fs.readFileSync(path.join(FIXTURES, 'prices-with-currency.csv'), 'utf8').split('\n').filter((line) => !/^CUR-[45]/.test(line)).join('\n');
      expect(await importBytes(core, fixed)).toMatchObject({ ok: true, created: 3 });
      expect(await core.call('products.get', { idOrSku: 'CUR-1' })).toMatchObject({ price: '12.50', currency: 'EUR' });
      expect(await core.call('products.get', { idOrSku: 'CUR-2' })).toMatchObject({ price: '12.50', salePrice: '9.99' });
      expect(await core.call('products.get', { idOrSku: 'CUR-3' })).toMatchObject({ price: '8.00', currency: 'USD' });

      // Excel's number format with thousands: "1,234.50" (quoted in a comma file) is 1234.50.
      const grouped = await importBytes(core, 'sku,title,price,sale_price\nGRP-1,Grouped,"1,234.50","€1,000.00"\nGRP-2,Plain,2.00,\n');
      expect(grouped.issues).toEqual([]);
      expect(await core.call('products.get', { idOrSku: 'GRP-1' })).toMatchObject({ price: '1234.50', salePrice: '1000.00' });
    });

    it('says a workbook, an old .xls or a PDF renamed .csv is not CSV, in one problem, and writes nothing', async () => {
      const xlsx = await importBytes(core, zipStart('[Content_Types].xml'));
      expect(xlsx).toMatchObject({ ok: false, rows: 0, format: { encoding: null } });
      expect(xlsx.issues).toEqual([{ row: 1, column: null, message: expect.stringMatching(/^this is an Excel workbook \(\.xlsx\), not a CSV file: .*Save As.*CSV/) }]);
      const ods = await importBytes(core, zipStart('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'));
      expect(ods.issues).toEqual([{ row: 1, column: null, message: expect.stringContaining('LibreOffice/OpenOffice spreadsheet (.ods), not a CSV file') }]);
      const xls = await importBytes(core, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]));
      expect(xls.issues).toEqual([{ row: 1, column: null, message: expect.stringContaining('Excel 97-2003 workbook (.xls), not a CSV file') }]);
      const pdf = await importBytes(core, '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n');
      expect(pdf.issues).toEqual([{ row: 1, column: null, message: expect.stringContaining('a PDF document, not a CSV file') }]);
      // Also a file large enough to be streamed.
      const big = await importCatalogCsv(core, Readable.from([zipStart('[Content_Types].xml'), Buffer.alloc(2 * 1024 * 1024, 0x41)]), {});
      expect(big.issues).toHaveLength(1);
      expect(await productCount(core)).toBe(0);
    });

    it('says what is wrong with a negative stock count, as a shop system exports it after overselling', async () => {
      const report = await importBytes(core, 'sku,title,price,on_hand\nNEG-1,Oversold,1.00,-3\n');
      expect(report.issues).toEqual([{ row: 2, column: 'on_hand', message: expect.stringMatching(/^on_hand must be a whole number of 0 or more \(found "-3"\): a count .* cannot be below 0/) }]);
      expect(await productCount(core)).toBe(0);
    });

    it('keeps a long HTML description with quotes and line breaks whole, and names one over the limit with its length', async () => {
      const html = `<p>Line one, "quoted"</p>\r\n<ul><li>${'Lorem ipsum dolor sit amet. '.repeat(700)}</li></ul>`;
      const cell = `"${html.replaceAll('"', '""')}"`;
      const ok = await importBytes(core, `sku,title,description,price\r\nHTML-1,Long,${cell},1.00\r\n`);
      expect(ok).toMatchObject({ ok: true, created: 1 });
      expect((await core.call('products.get', { idOrSku: 'HTML-1' })).description).toBe(html);
      const tooLong = await importBytes(core, `sku,title,description,price\r\nHTML-2,Long,"${'x'.repeat(20_001)}",1.00\r\n`);
      expect(tooLong.issues).toEqual([{ row: 2, column: 'description', message: 'description is 20,001 characters (HTML tags included); the limit is 20,000' }]);
    });

    it('reads Excel’s "sep=;" line as the delimiter and numbers rows as the file does', async () => {
      const text = 'sep=;\r\nsku;title;price\r\nSEP-1;Becher, groß;3,50\r\nSEP-2;Teller;oops\r\n';
      for (const body of [Buffer.from(text), Buffer.from(`\ufeff${text}`), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])]) {
        const report = await importBytes(core, body, { dryRun: true });
        expect(report.format.delimiter).toBe('semicolon');
        expect(report.issues).toEqual([{ row: 4, column: 'price', message: expect.any(String) }]);
      }
      const fixed = await importBytes(core, text.replace('oops', '4,00'));
      expect(fixed).toMatchObject({ ok: true, created: 2, format: { delimiter: 'semicolon', decimal: 'comma' } });
      expect(await core.call('products.get', { idOrSku: 'SEP-1' })).toMatchObject({ title: 'Becher, groß', price: '3.50' });
    });

    it('reports a header of one line with no line break once, by its missing column', async () => {
      const report = await importBytes(core, 'sku,title');
      expect(report.issues).toEqual([{ row: 1, column: 'price', message: 'required column is missing from the header' }]);
    });

    it('skips rows of empty cells above the header and between rows, and counts only real rows', async () => {
      const report = await importBytes(core, ',,\r\nsku,title,price\r\nE-1,One,1.00\r\n,,\r\n , ,\r\nE-2,Two,2.00\r\n,,\r\n');
      expect(report).toMatchObject({ ok: true, rows: 2, created: 2 });
    });
  });
}
