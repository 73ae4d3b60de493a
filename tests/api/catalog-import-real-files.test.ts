/**
 * The raw upload (POST /api/v1/catalog/import.csv) of files as shop owners have them: Excel's
 * German CSV imported as it is, and a workbook renamed .csv or codes Excel turned into numbers
 * refused in words, with nothing written. On SQLite, and on PostgreSQL when configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { engines, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv/real');

describe.each(engines())('real-world catalogue files over HTTP on %s', (engine) => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeAll(async () => {
    core = await startCore(engine);
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, currency: 'EUR' });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const upload = (body: Buffer, query: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/catalog/import.csv?${new URLSearchParams(query).toString()}`,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
      payload: body,
    });

  it('refuses an .xlsx renamed .csv with one problem that says to save it as CSV', async () => {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(19, 26);
    const res = await upload(Buffer.concat([header, Buffer.from('[Content_Types].xml'), Buffer.alloc(300, 1)]));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ok: false,
      rows: 0,
      issues: [{ row: 1, column: null, message: expect.stringMatching(/^this is an Excel workbook \(\.xlsx\), not a CSV file/) }],
    });
  });

  it('names the cells Excel turned into numbers and writes nothing', async () => {
    const res = await upload(fs.readFileSync(path.join(fixtures, 'excel-numbers-as-codes.csv')));
    const body = res.json() as { ok: boolean; issues: Array<{ row: number; column: string; message: string }> };
    expect(body.ok).toBe(false);
    expect(body.issues).toEqual([
      { row: 2, column: 'sku', message: expect.stringMatching(/^"4,00639E\+12" is a SKU the spreadsheet turned into a number/) },
      { row: 3, column: 'gtin', message: expect.stringMatching(/^"4,00639E\+12" is a barcode \(GTIN\) the spreadsheet turned into a number/) },
      { row: 4, column: 'gtin', message: expect.stringMatching(/^GTIN has 11 digits: the spreadsheet probably dropped its leading zero/) },
    ]);
    await expect(core.call('products.get', { idOrSku: 'GLAS-1' })).rejects.toThrow();
  });

  it('imports Excel’s German CSV (Windows-1252, semicolons, decimal commas, unnamed empty columns) as it is', async () => {
    const res = await upload(fs.readFileSync(path.join(fixtures, 'excel-de-windows-1252.csv')), { name: 'Artikel.csv' });
    expect(res.json()).toMatchObject({
      ok: true,
      rows: 3,
      created: 3,
      format: { encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma' },
    });
    expect(await core.call('products.get', { idOrSku: 'KAFFEE-250' })).toMatchObject({ title: 'Kaffee „Müller“ 250 g', price: '12.50' });
  });
});
