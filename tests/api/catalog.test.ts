/**
 * The catalogue over HTTP: raw CSV upload (dry run, then the real import), the streamed export,
 * the contract's text operations and the sample catalogue, all against a real core on SQLite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { exportFileName } from '../../electron/server/http/catalog-routes';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');
const auth = { authorization: `Bearer ${TOKEN}` };

describe('catalogue CSV over HTTP', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeAll(async () => {
    core = await startCore('sqlite');
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const upload = (body: string, query = '', headers: Record<string, string> = { 'content-type': 'text/csv' }) =>
    app.inject({ method: 'POST', url: `/api/v1/catalog/import.csv${query}`, headers: { ...auth, ...headers }, payload: body });

  it('needs the token for the upload and the download', async () => {
    const up = await app.inject({ method: 'POST', url: '/api/v1/catalog/import.csv', headers: { 'content-type': 'text/csv' }, payload: 'sku' });
    expect(up.statusCode).toBe(401);
    const down = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv' });
    expect(down.statusCode).toBe(401);
  });

  it('lists every bad row with its column in a dry run and writes nothing', async () => {
    const res = await upload(fs.readFileSync(path.join(fixtures, 'bad-rows.csv'), 'utf8'), '?dryRun=true');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ ok: false, dryRun: true, rows: 8 });
    expect(report.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'sku' }),
        expect.objectContaining({ row: 6, column: 'gtin', message: expect.stringContaining('check digit') }),
      ]),
    );
    expect((await core.call('products.list', {})).products).toEqual([]);
  });

  it('takes any Content-Type (browsers label .csv files differently) and imports a good file', async () => {
    const csv = fs.readFileSync(path.join(fixtures, 'good.csv'), 'utf8');
    const dry = await upload(csv, '?dryRun=true&name=good.csv', { 'content-type': 'application/vnd.ms-excel' });
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true, issues: [] });
    expect(dry.json().created).toBeGreaterThan(0);
    const real = await upload(csv, '?name=good.csv');
    expect(real.statusCode).toBe(200);
    expect(real.json()).toMatchObject({ ok: true, dryRun: false, created: dry.json().created });
    const stock = await core.call('stock.get', { sku: 'TEE-RED-M' });
    expect(stock.onHand).toBe(12);
  });

  it('refuses an unknown query parameter and a bad dryRun by name', async () => {
    const res = await upload('sku,title,price\n', '?dryRun=maybe');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.issues[0].path).toBe('dryRun');
  });

  it('reports an empty upload as a problem of the file', async () => {
    const res = await upload('');
    expect(res.json()).toMatchObject({ ok: false, issues: [expect.objectContaining({ row: 1, message: expect.stringContaining('empty') })] });
  });

  it('accepts a body over the JSON limit (1 MB) and refuses one over 100 MB with 413', async () => {
    const header = 'sku,title,price\n';
    const rows = Array.from({ length: 30_000 }, (_, i) => `BIG-${i},Big file product number ${i} with a long title,1.00`).join('\n');
    const big = `${header}${rows}\n`;
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const res = await upload(big, '?dryRun=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, rows: 30_000, created: 30_000 });

    const huge = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import.csv',
      headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(101 * 1024 * 1024) },
      payload: 'x',
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.message).toContain('100 MB');
  });

  it('streams the export as a dated CSV attachment in the import format', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${exportFileName()}"`);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('sku,title,description,brand,gtin,mpn,condition,price,currency,sale_price,slug,image_url,status,item_group_id,location,on_hand,cost,supplier,supplier_sku,reorder_point,reorder_quantity,product_type,google_product_category');
    expect(res.body).toContain('TEE-RED-M');
  });

  it('gives the same CSV as text through the contract operation', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/catalog/export', headers: auth });
    const stream = await app.inject({ method: 'GET', url: '/api/v1/catalog/export.csv', headers: auth });
    expect(res.json().csv).toBe(stream.body);
    expect(res.json().products).toBeGreaterThan(0);
  });

  it('imports CSV text through the contract operation (the Electron path)', async () => {
    const report = await core.call('catalog.import', { csv: 'sku,title,price,location,on_hand\nTEXT-1,From text,3.00,main,4\n', name: 'x.csv' });
    expect(report).toMatchObject({ ok: true, created: 1, counts: 1 });
    const movements = await core.call('movements.list', { sku: 'TEXT-1' });
    expect(movements.movements[0]).toMatchObject({ kind: 'count', reference: 'x.csv' });
  });
});
