/**
 * Reading a CSV file as the shop owner's spreadsheet wrote it: the encoding (UTF-8 with or without
 * a BOM, UTF-16 from Excel's "Unicode Text", Windows-1252 from Excel's CSV on Western Windows),
 * the delimiter (comma, semicolon, tab; quoted cells holding one must not fool it) and the
 * decimal mark of its prices.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodeCsvBytes,
  detectDecimalMark,
  detectDelimiter,
  detectEncoding,
  normaliseAmount,
  sniffCsv,
} from '../../shared/csv/csv-format';
import { readCsvStart } from '../../shared/csv/csv-text';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(fixtures, name)));

describe('detectEncoding', () => {
  it('takes plain ASCII and valid UTF-8 without a BOM as UTF-8', () => {
    expect(detectEncoding(Buffer.from('sku,title\nA,Mug\n'))).toEqual({ encoding: 'utf-8', bom: false });
    expect(detectEncoding(Buffer.from('sku,title\nA,Café crème – 12 €\n'))).toEqual({ encoding: 'utf-8', bom: false });
  });

  it('recognises the UTF-8 BOM and drops it when decoding', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('sku,title\nA,Über\n')]);
    expect(detectEncoding(bytes)).toEqual({ encoding: 'utf-8', bom: true });
    expect(decodeCsvBytes(bytes, 'utf-8')).toBe('sku,title\nA,Über\n');
  });

  it('recognises UTF-16 LE and BE by their BOM', () => {
    const text = 'sku\ttitle\nA\tÉté €\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    const beWithBom = Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
    expect(detectEncoding(le)).toEqual({ encoding: 'utf-16le', bom: true });
    expect(detectEncoding(beWithBom)).toEqual({ encoding: 'utf-16be', bom: true });
    expect(decodeCsvBytes(le, 'utf-16le')).toBe(text);
    expect(decodeCsvBytes(beWithBom, 'utf-16be')).toBe(text);
  });

  it('recognises UTF-16 without a BOM by its zero bytes, rather than reading NULs as text', () => {
    expect(detectEncoding(Buffer.from('sku,title\nA,Mug\n', 'utf16le')).encoding).toBe('utf-16le');
    expect(detectEncoding(Buffer.from('sku,title\nA,Mug\n', 'utf16le').swap16()).encoding).toBe('utf-16be');
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8, and decodes é, ü and €', () => {
    const bytes = fixture('semicolon-windows-1252.csv');
    expect(detectEncoding(bytes)).toEqual({ encoding: 'windows-1252', bom: false });
    const text = decodeCsvBytes(bytes, 'windows-1252');
    expect(text).toContain('Café crème');
    expect(text).toContain('Müller Rösterei');
    expect(text).toContain('in €;');
  });

  it('decodes the Windows-1252 characters ISO-8859-1 does not have (Node 20 reads them as control characters)', () => {
    expect(decodeCsvBytes(Uint8Array.from([0x80, 0x84, 0x93, 0x94, 0x96, 0x97, 0x99, 0x8a, 0x9f, 0xe9, 0xfc]), 'windows-1252')).toBe('€„“”–—™ŠŸéü');
  });

  it('does not take a multi-byte character cut at the end of a sample for bad UTF-8', () => {
    const whole = Buffer.from('sku,title\nA,Café\n'.repeat(3) + 'B,é');
    expect(detectEncoding(whole.subarray(0, whole.length - 1))).toEqual({ encoding: 'utf-8', bom: false });
  });
});

describe('detectDelimiter', () => {
  it('finds the semicolon of a file whose prices have decimal commas', () => {
    const text = decodeCsvBytes(fixture('semicolon-windows-1252.csv'), 'windows-1252');
    expect(detectDelimiter(text)).toBe('semicolon');
  });

  it('finds the tab, even when a quoted cell holds a tab or a comma', () => {
    expect(detectDelimiter(fs.readFileSync(path.join(fixtures, 'tab-separated.csv'), 'utf8'))).toBe('tab');
    expect(detectDelimiter(decodeCsvBytes(fixture('excel-unicode-text.txt'), 'utf-16le'))).toBe('tab');
  });

  it('finds the comma when quoted cells hold semicolons and tabs', () => {
    const text = 'sku,title,description,price\nA,"Mug; blue","one;two;three\tfour",1.00\nB,Plate,"a;b",2.00\n';
    expect(detectDelimiter(text)).toBe('comma');
  });

  it('keeps the comma for a one-column file and an empty one', () => {
    expect(detectDelimiter('sku\nA\nB\n')).toBe('comma');
    expect(detectDelimiter('')).toBe('comma');
  });
});

describe('detectDecimalMark and normaliseAmount', () => {
  it('sees decimal commas in the price cells', () => {
    expect(detectDecimalMark(['12,50', '9,90', '1.234,00', ''])).toBe('comma');
    expect(detectDecimalMark(['12.50', '9.9', '1200'])).toBe('point');
    // "1,500" could be either; alone it does not decide, so the canonical point stays.
    expect(detectDecimalMark(['1,500', '200'])).toBe('point');
  });

  it('rewrites a decimal-comma amount as the canonical decimal string', () => {
    expect(normaliseAmount('12,50', 'comma')).toBe('12.50');
    expect(normaliseAmount(' 1.234,5 ', 'comma')).toBe('1234.5');
    expect(normaliseAmount('1 234,00', 'comma')).toBe('1234.00');
    expect(normaliseAmount('1234', 'comma')).toBe('1234');
    // Not a valid grouping, so the canonical decimal point.
    expect(normaliseAmount('12.50', 'comma')).toBe('12.50');
    // Left as it is, for the schema to refuse with its own words.
    expect(normaliseAmount('12,5,0', 'comma')).toBe('12,5,0');
    expect(normaliseAmount('12,50', 'point')).toBe('12,50');
  });
});

describe('sniffCsv', () => {
  it('reports encoding, delimiter and decimal mark of the Windows-1252 semicolon file', () => {
    const sniffed = sniffCsv(fixture('semicolon-windows-1252.csv'), { whole: true });
    expect(sniffed.format).toEqual({ encoding: 'windows-1252', bom: false, delimiter: 'semicolon', decimal: 'comma' });
    expect(sniffed.sample.header).toEqual(['sku', 'title', 'description', 'brand', 'price', 'sale_price', 'on_hand']);
    expect(sniffed.sample.rows[0]).toEqual(['CAFE-001', 'Café crème 250 g', 'Röstung: mittel; Bohnen aus Brasilien', 'Müller Rösterei', '12,50', '9,90', '24']);
    expect(sniffed.sample.rows[2]?.[1]).toBe('Teekanne "Öko" 1 l');
  });

  it('takes what the user chose over what it would detect', () => {
    const sniffed = sniffCsv(fixture('semicolon-windows-1252.csv'), { whole: true, encoding: 'utf-8', delimiter: 'comma', decimal: 'point' });
    expect(sniffed.format).toMatchObject({ encoding: 'utf-8', delimiter: 'comma', decimal: 'point' });
    expect(sniffed.sample.header).toEqual(['sku;title;description;brand;price;sale_price;on_hand']);
  });

  it('reads Excel Unicode Text (UTF-16 LE, tabs)', () => {
    const sniffed = sniffCsv(fixture('excel-unicode-text.txt'), { whole: true });
    expect(sniffed.format).toEqual({ encoding: 'utf-16le', bom: true, delimiter: 'tab', decimal: 'point' });
    expect(sniffed.sample.rows).toEqual([
      ['ETE-1', 'Été hat', '15.00', '3'],
      ['MUG-2', 'Mug, blue "classic"', '8.50', '12'],
    ]);
  });

  it('reads the tab file with a tab inside a quoted cell', () => {
    expect(readCsvStart(fs.readFileSync(path.join(fixtures, 'tab-separated.csv'), 'utf8'), '\t').rows[0]).toEqual([
      'LAMP-1',
      'Desk lamp',
      'Warm light, 2700 K\tdimmable',
      '39.90',
    ]);
  });
});
