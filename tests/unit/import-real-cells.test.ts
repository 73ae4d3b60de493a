/**
 * The pieces that let real spreadsheet files through or name what is wrong with them: a header
 * spelt as people type it, columns with no name, the signature of a file that is not CSV, prices
 * written with their currency (the import screen's part: renderer-import-workbook.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { readHeader } from '../../electron/core/catalog/csv-columns';
import { unmarkAmount } from '../../electron/core/catalog/import-currency-marks';
import { misfit, resolveLayout, type ImportLayout } from '../../electron/core/catalog/import-layout';
import { detectDecimalMark, notCsvReason, sepLine, sniffText } from '../../shared/csv/csv-format';

function zipStart(name: string): Uint8Array {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, Buffer.from(name, 'latin1'), Buffer.alloc(40)]);
}

describe('readHeader', () => {
  it('reads Stockfeed’s columns however they are capitalised or spaced', () => {
    expect(readHeader([' SKU', 'Title ', 'Price', 'On Hand', 'sale-price', 'Item Group ID'])).toEqual({
      columns: ['sku', 'title', 'price', 'on_hand', 'sale_price', 'item_group_id'],
      issues: [],
    });
    expect(readHeader(['sku', 'SKU', 'title', 'price']).issues).toEqual([{ column: 'SKU', message: 'the column appears twice in the header' }]);
  });

  it('names the column an unknown one most likely is, and how to leave it out', () => {
    const [qty, colour] = readHeader(['sku', 'title', 'price', 'Qty', 'colour']).issues;
    expect(qty).toEqual({ column: 'Qty', message: expect.stringMatching(/^unknown column \(if it holds on_hand, name it on_hand\); the known columns are sku, .*Delete a column/) });
    expect(colour?.message).toMatch(/^unknown column; the known columns/);
  });

  it('says how to read a Shopify export, on the screen, the command line and the API', () => {
    expect(resolveLayout(['Handle', 'Title', 'Variant SKU', 'Variant Price'], {}).issues?.[0]?.message).toContain(
      '(on the import screen, --preset shopify on the command line, or preset=shopify over the API)',
    );
  });

  it('leaves out columns with no name, and the layout keeps the file’s spelling for problems', () => {
    expect(readHeader(['sku', 'title', 'price', '', ' '])).toEqual({ columns: ['sku', 'title', 'price', null, null], issues: [] });
    const resolved = resolveLayout(['SKU', 'Title', 'price', ''], {});
    expect(resolved.layout?.unnamed).toEqual([3]);
    expect(resolved.layout?.renamed.get('sku')).toBe('SKU');
  });
});

describe('misfit', () => {
  const layout = resolveLayout(['sku', 'title', 'price', '', ''], {}).layout as ImportLayout;
  it('takes a row of empty cells as blank and empty extra or missing unnamed cells as fitting', () => {
    expect(misfit(layout, ['', ' ', '', '', ''])).toEqual({ blank: true });
    expect(misfit(layout, ['A', 'T', '1', '', '', '', ''])).toBeNull();
    expect(misfit(layout, ['A', 'T', '1'])).toBeNull();
  });
  it('refuses a value under an unnamed column, an extra value, or a row short of a named column', () => {
    expect(misfit(layout, ['A', 'T', '1', 'x', ''])).toEqual({ problem: 'the row has "x" in column 4, which has no name in the header: name the column, or delete it' });
    expect(misfit(layout, ['A', 'T', '1', '', '', 'x'])).toEqual({ problem: 'the row has 6 cells but the header has 5 columns' });
    expect(misfit(layout, ['A', 'T'])).toEqual({ problem: 'the row has 2 cells but the header has 5 columns' });
  });
});

describe('notCsvReason', () => {
  it('recognises workbooks and PDFs by their first bytes, and leaves text alone', () => {
    expect(notCsvReason(zipStart('[Content_Types].xml'))).toMatch(/^this is an Excel workbook \(\.xlsx\)/);
    expect(notCsvReason(zipStart('docProps/app.xml'))).toMatch(/^this is an Excel workbook \(\.xlsx\)/);
    expect(notCsvReason(zipStart('mimetypeapplication/vnd.oasis.opendocument.spreadsheet'))).toMatch(/\(\.ods\)/);
    expect(notCsvReason(zipStart('other.bin'))).toMatch(/^this is a ZIP archive/);
    expect(notCsvReason(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toMatch(/\(\.xls\)/);
    expect(notCsvReason(new TextEncoder().encode('%PDF-1.4\n'))).toMatch(/PDF document/);
    for (const text of ['sku,title,price\n', 'PK-1,Pack,1.00\n', '', '\ufeffsku;title']) expect(notCsvReason(new TextEncoder().encode(text))).toBeNull();
  });
});

describe('unmarkAmount and detectDecimalMark', () => {
  it('reads an amount written with the row’s currency sign or code, before or after', () => {
    expect(unmarkAmount('€12.50', 'point', 'EUR', 'the row')).toEqual({ amount: '12.50' });
    expect(unmarkAmount('12,50 €', 'comma', 'EUR', 'the row')).toEqual({ amount: '12.50' });
    expect(unmarkAmount('1.234,50 €', 'comma', 'EUR', 'the row')).toEqual({ amount: '1234.50' });
    expect(unmarkAmount('12.50 eur', 'point', 'EUR', 'the row')).toEqual({ amount: '12.50' });
    expect(unmarkAmount('CHF 7.00', 'point', 'CHF', 'the row')).toEqual({ amount: '7.00' });
    expect(unmarkAmount('$ 8.00', 'point', 'CAD', 'the shop')).toEqual({ amount: '8.00' });
    expect(unmarkAmount('99 kr', 'comma', 'SEK', 'the row')).toEqual({ amount: '99' });
    expect(unmarkAmount('$1,234.00', 'point', 'USD', 'the row')).toEqual({ amount: '1234.00' });
  });
  it('reads thousands grouped with commas before a decimal point, and leaves "1,500" (maybe a decimal comma) to the schema', () => {
    expect(unmarkAmount('1,234.50', 'point', 'USD', 'the shop')).toEqual({ amount: '1234.50' });
    expect(unmarkAmount('12,345,678.9', 'point', 'USD', 'the shop')).toEqual({ amount: '12345678.9' });
    expect(unmarkAmount('1,500', 'point', 'USD', 'the shop')).toBeNull();
    expect(unmarkAmount('1,234.50', 'comma', 'USD', 'the shop')).toBeNull();
  });
  it('refuses another currency in words, and leaves what is no amount to the schema', () => {
    expect(unmarkAmount('£3.00', 'point', 'EUR', 'the row')).toEqual({ problem: expect.stringMatching(/^"£3\.00" is in GBP, but the row's currency is EUR;/) });
    expect(unmarkAmount('€ 3.00', 'point', 'USD', 'the shop')).toEqual({ problem: expect.stringContaining("but the shop's currency is USD (the row gives none)") });
    for (const cell of ['abc', '12.50', '€', '€€12', '€12.50 EUR', 'XYZ 1.00', '-€3.00', '€1.2.3']) expect(unmarkAmount(cell, 'point', 'EUR', 'the row')).toBeNull();
  });
  it('sees the decimal comma past a currency sign', () => {
    expect(detectDecimalMark(['12,50 €', '€ 3,99', '1.234,50 €'])).toBe('comma');
    expect(detectDecimalMark(['€12.50', '$3.99'])).toBe('point');
  });
});

describe('sepLine', () => {
  it('reads Excel’s "sep=" line, and the preview leaves it out but numbers rows as the file does', () => {
    expect(sepLine('sep=;\r\nsku;title')).toEqual({ delimiter: 'semicolon', length: 7 });
    expect(sepLine('\ufeffSEP=\t\nsku')).toEqual({ delimiter: 'tab', length: 7 });
    expect(sepLine('sep=|\nsku')).toBeNull();
    expect(sepLine('sku,title\n')).toBeNull();
    const { format, sample } = sniffText('sep=;\nsku;title;price\nA-1;Mug, blue;3,50\n', {});
    expect(format.delimiter).toBe('semicolon');
    expect(sample).toMatchObject({ header: ['sku', 'title', 'price'], rows: [['A-1', 'Mug, blue', '3,50']], lines: [3] });
  });

  it('leaves rows of empty cells out of the preview, as the import does, and numbers the rest as the file does', () => {
    const { sample } = sniffText(';;\r\nsku;title;price\r\n;;\r\nA-1;Mug;3,50\r\n ; ;\r\n', {});
    expect(sample).toMatchObject({ header: ['sku', 'title', 'price'], rows: [['A-1', 'Mug', '3,50']], lines: [4] });
  });
});
