/**
 * The raw CSV upload with the import's format and mapping over HTTP (the file as bytes, so its
 * encoding is detected by the server, or given), and the downloadable template: on SQLite, and on
 * PostgreSQL when configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { CSV_COLUMNS } from '../../shared/csv/import-fields';
import { engines, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'test-token-0123456789abcdef';
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/csv');
const auth = { authorization: `Bearer ${TOKEN}` };

describe.each(engines())('catalogue import formats over HTTP on %s', (engine) => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeAll(async () => {
    core = await startCore(engine);
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const upload = (body: Buffer | string, query: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/catalog/import.csv?${new URLSearchParams(query).toString()}`,
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: body,
    });

  it('reads the uploaded bytes in their own encoding: a Windows-1252 file with semicolons and decimal commas', async () => {
    const res = await upload(fs.readFileSync(path.join(fixtures, 'semicolon-windows-1252.csv')), { dryRun: 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ok: true,
      created: 3,
      format: { encoding: 'windows-1252', delimiter: 'semicolon', decimal: 'comma', preset: null },
    });
  });

  it('takes the encoding, delimiter, decimal mark and a mapping (as JSON) from the query, and imports', async () => {
    const text = 'Artikel\tBezeichnung\tVK-Preis\tFarbe\nUTF16-1\tÉté-Hut\t15,00\tblau\n';
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const mapping = JSON.stringify({ sku: 'Artikel', title: 'Bezeichnung', price: 'VK-Preis' });
    const res = await upload(body, { encoding: 'utf-16le', delimiter: 'tab', decimal: 'comma', mapping, name: 'hut.txt' });
    expect(res.json()).toMatchObject({ ok: true, created: 1, format: { encoding: 'utf-16le', delimiter: 'tab', decimal: 'comma' } });
    expect(await core.call('products.get', { idOrSku: 'UTF16-1' })).toMatchObject({ title: 'Été-Hut', price: '15.00' });
  });

  it('imports a Shopify export with preset=shopify, listing the rows it skipped', async () => {
    const res = await upload(fs.readFileSync(path.join(fixtures, 'shopify-products-export.csv')), { preset: 'shopify' });
    expect(res.json()).toMatchObject({ ok: true, created: 6, skipped: [{ row: 6 }, { row: 9 }], countsLeftOut: [] });
    expect(await core.call('products.get', { idOrSku: 'TEE-ORG-M' })).toMatchObject({ itemGroupId: 'organic-cotton-tee' });
  });

  it('imports a Shopify export with a negative count over HTTP, the product without its count and the row listed in countsLeftOut', async () => {
    const csv = 'Handle,Title,Variant SKU,Variant Inventory Qty,Variant Price\noversold-lamp,Oversold lamp,HTTP-OVER,-4,30.00\n';
    for (const dryRun of ['true', 'false']) {
      const res = await upload(csv, { preset: 'shopify', dryRun });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        ok: true,
        created: 1,
        counts: 0,
        skipped: [],
        countsLeftOut: [{ row: 2, reason: expect.stringMatching(/^HTTP-OVER: Shopify says -4: it oversold; the product is imported without this count/) }],
      });
    }
    expect(await core.call('products.get', { idOrSku: 'HTTP-OVER' })).toMatchObject({ price: '30.00', stock: { onHand: 0 } });
  });

  it('names a mapping problem by the file column and the field, and writes nothing', async () => {
    const mapping = JSON.stringify({ sku: 'Code', title: 'Name', price: 'Cost' });
    const res = await upload('Code,Name,Cost\nMAPPED-1,Thing,12.5.0\n', { mapping });
    expect(res.json()).toMatchObject({ ok: false, issues: [{ row: 2, column: 'Cost', field: 'price' }] });
    await expect(core.call('products.get', { idOrSku: 'MAPPED-1' })).rejects.toThrow();
  });

  it.each([
    [{ delimiter: 'pipe' }, 'delimiter', 'comma, semicolon or tab'],
    [{ encoding: 'latin-2' }, 'encoding', 'windows-1252'],
    [{ decimal: 'dot' }, 'decimal', 'point'],
    [{ preset: 'magento' }, 'preset', 'shopify or woocommerce'],
    [{ mapping: 'sku=Code' }, 'mapping', 'JSON'],
    [{ mapping: '{"colour":"Farbe"}' }, 'mapping', 'Stockfeed fields'],
  ])('refuses a bad %o by name with 422', async (query, param, words) => {
    const res = await upload('sku,title,price\n', query);
    expect(res.statusCode).toBe(422);
    const issue = res.json().error.details.issues[0];
    expect(issue.path).toContain(param);
    expect(issue.message).toContain(words);
  });

  it('takes the same format and mapping in the JSON operation', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/catalog/import',
      headers: auth,
      payload: { csv: 'Ref;Nom;Prix\nJSON-1;Chose;3,40\n', delimiter: 'semicolon', decimal: 'comma', mapping: { sku: 'Ref', title: 'Nom', price: 'Prix' } },
    });
    expect(res.json()).toMatchObject({ ok: true, created: 1, format: { encoding: null, delimiter: 'semicolon', decimal: 'comma' } });
  });

  it('serves the template: the exact header and one example row that imports as it is', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/catalog/import-template.csv' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/api/v1/catalog/import-template.csv', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="stockfeed-import-template.csv"');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const settings = await core.call('settings.get', {});
    expect(lines[1]).toContain(`,${settings.currency},`);
    const imported = await upload(res.rawPayload, { name: 'stockfeed-import-template.csv' });
    expect(imported.json()).toMatchObject({ ok: true, created: 1, counts: 1, format: { encoding: 'utf-8', delimiter: 'comma' } });
  });
});
