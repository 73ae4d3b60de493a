/**
 * Security regression: money and quantities that are valid somewhere must be valid here, on both
 * engines. On PostgreSQL the money and quantity columns were 32-bit `integer`: a laptop priced
 * UZS 30,000,000.00 (3,000,000,000 minor units) failed with a 500. Now they are 64-bit, one limit
 * for money and one for quantities (shared/domain/limits.ts) is checked at every edge, and a value
 * the database or a sum cannot give back exactly fails loudly instead of being rounded.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { createApiServer } from '../../electron/server/http/server';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { writeCatalogCsv } from '../../electron/core/catalog/csv-export';
import { migrateToLatest } from '../../electron/core/db/migrate';
import { silentLogger } from '../../electron/core/logger';
import { INT64_COLUMNS } from '../../electron/core/db/migrations/20261204130000_int64_money_quantities';
import { MONEY_MAX_MINOR, QUANTITY_MAX } from '../../shared/domain/limits';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const TOKEN = 'test-token-0123456789abcdef';

async function csvOf(core: TestCore): Promise<string> {
  const chunks: Buffer[] = [];
  await writeCatalogCsv(core.db, new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) }));
  return Buffer.concat(chunks).toString('utf8');
}

describe('the limits', () => {
  it('are one maximum for money and one for quantities, whose sums JavaScript still adds exactly', () => {
    expect(MONEY_MAX_MINOR).toBe(999_999_999_999_999);
    expect(QUANTITY_MAX).toBe(1_000_000_000_000);
    // On hand + incoming (+ committed) of one stock level, and a product's total over many locations.
    expect(Number.isSafeInteger(QUANTITY_MAX * 3 * 1000)).toBe(true);
    expect(Number.isSafeInteger(MONEY_MAX_MINOR)).toBe(true);
  });
});

describe.each(engines())('64-bit money and quantities on %s', (engine) => {
  let core: TestCore;
  let app: FastifyInstance;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const issuesOf = (res: { json(): { error: { details: { issues: Array<{ path: string; message: string }> } } } }) => res.json().error.details.issues;

  beforeAll(async () => {
    core = await startCore(engine);
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('saves a UZS 30,000,000.00 laptop and reads it back exactly, in the API, the export and the dashboard', async () => {
    const created = await api('POST', '/products', { sku: 'LAPTOP-UZ', title: 'Laptop', price: '30000000.00', salePrice: '29999999.99', currency: 'UZS' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ price: '30000000.00', salePrice: '29999999.99', currency: 'UZS' });
    expect((await api('GET', '/products/LAPTOP-UZ')).json()).toMatchObject({ price: '30000000.00', salePrice: '29999999.99' });
    expect((await api('POST', '/stock/receive', { sku: 'LAPTOP-UZ', quantity: 3 })).statusCode).toBe(200);
    expect(await csvOf(core)).toContain('LAPTOP-UZ,Laptop,,,,,new,30000000.00,UZS,29999999.99,laptop,,active,,main,3');
    const overview = (await api('GET', '/stats/overview')).json();
    expect(overview.stockValue).toContainEqual({ currency: 'UZS', value: '90000000.00', units: 3 });
  });

  it('accepts the largest amount and answers 422 naming the field for one minor unit more', async () => {
    const max = await api('POST', '/products', { sku: 'MAX-EUR', title: 'Most expensive', price: '9999999999999.99', salePrice: '9999999999999.98', currency: 'EUR' });
    expect(max.statusCode, max.body).toBe(201);
    expect((await api('GET', '/products/MAX-EUR')).json()).toMatchObject({ price: '9999999999999.99', salePrice: '9999999999999.98' });
    const yen = await api('POST', '/products', { sku: 'MAX-JPY', title: 'Most expensive yen', price: String(MONEY_MAX_MINOR), currency: 'JPY' });
    expect(yen.statusCode, yen.body).toBe(201);
    expect(yen.json().price).toBe('999999999999999');

    const over = await api('POST', '/products', { sku: 'OVER-EUR', title: 'Too expensive', price: '10000000000000.00', currency: 'EUR' });
    expect(over.statusCode).toBe(422);
    expect(issuesOf(over)).toEqual([{ path: 'price', message: expect.stringContaining('9999999999999.99 EUR at most') }]);
    const overSale = await api('PATCH', '/products/MAX-EUR', { salePrice: '10000000000000.00' });
    expect(overSale.statusCode).toBe(422);
    expect(issuesOf(overSale)[0]).toMatchObject({ path: 'salePrice' });
    const overYen = await api('POST', '/products', { sku: 'OVER-JPY', title: 'Too expensive', price: '1000000000000000', currency: 'JPY' });
    expect(overYen.statusCode).toBe(422);
    expect(issuesOf(overYen)).toEqual([{ path: 'price', message: expect.stringContaining('999999999999999 JPY at most') }]);
    // A currency with three decimals has the same limit in minor units.
    const kwd = await api('POST', '/products', { sku: 'OVER-KWD', title: 'Three decimals', price: '1000000000000.000', currency: 'KWD' });
    expect(issuesOf(kwd)).toEqual([{ path: 'price', message: expect.stringContaining('999999999999.999 KWD at most') }]);
  });

  it('takes a quantity at the limit in every operation, and refuses one more with 422 naming quantity', async () => {
    await core.call('products.create', productInput('BULK-1'));
    await core.call('products.create', productInput('BULK-2'));
    const receive = await api('POST', '/stock/receive', { sku: 'BULK-1', quantity: QUANTITY_MAX });
    expect(receive.statusCode, receive.body).toBe(200);
    expect(receive.json().stock).toMatchObject({ onHand: QUANTITY_MAX, available: QUANTITY_MAX });

    const tooBig = await api('POST', '/stock/receive', { sku: 'BULK-2', quantity: QUANTITY_MAX + 1 });
    expect(tooBig.statusCode).toBe(422);
    expect(issuesOf(tooBig)).toEqual([{ path: 'quantity', message: expect.stringContaining('1000000000000') }]);
    // On hand is a stored level: a receipt that would take it past the limit is refused too.
    const past = await api('POST', '/stock/receive', { sku: 'BULK-1', quantity: 1 });
    expect(past.statusCode).toBe(422);
    expect(issuesOf(past)).toEqual([{ path: 'quantity', message: expect.stringContaining('above the most Stockfeed can store') }]);

    const reserved = await api('POST', '/reservations', { sku: 'BULK-1', quantity: QUANTITY_MAX, reference: 'ORDER-HUGE' });
    expect(reserved.statusCode, reserved.body).toBe(201);
    expect(reserved.json()).toMatchObject({ quantity: QUANTITY_MAX, stock: { committed: QUANTITY_MAX, available: 0 } });
    expect((await api('POST', `/reservations/${reserved.json().id}/release`)).statusCode).toBe(200);

    const counted = await api('POST', '/stock/counts', { counts: [{ sku: 'BULK-2', location: 'main', onHand: QUANTITY_MAX, countedAt: '2026-11-26T08:00:00Z' }] });
    expect(counted.statusCode, counted.body).toBe(200);
    expect((await core.call('stock.get', { sku: 'BULK-2' })).onHand).toBe(QUANTITY_MAX);
    const countedOver = await api('POST', '/stock/counts', { counts: [{ sku: 'BULK-2', location: 'main', onHand: QUANTITY_MAX + 1, countedAt: '2026-11-27T08:00:00Z' }] });
    expect(countedOver.statusCode).toBe(422);
    expect(issuesOf(countedOver)[0]).toMatchObject({ path: 'counts.0.onHand' });

    // The CSV import: at the limit, and one more reported by row and column.
    const ok = await importCatalogCsv(core, Readable.from([`sku,title,price,on_hand\nBULK-3,Bulk,1.00,${QUANTITY_MAX}\n`]));
    expect(ok.issues).toEqual([]);
    expect((await core.call('stock.get', { sku: 'BULK-3' })).onHand).toBe(QUANTITY_MAX);
    const bad = await importCatalogCsv(core, Readable.from([`sku,title,price,on_hand\nBULK-4,Bulk,1.00,${QUANTITY_MAX + 1}\n`]));
    expect(bad.issues).toEqual([{ row: 2, column: 'on_hand', message: expect.stringContaining('1000000000000') }]);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('adds up the dashboard stock value exactly past 2^53 minor units', async () => {
    await core.call('products.create', productInput('DEAR-CHF', { price: '999999999999.99', currency: 'CHF' }));
    await core.call('stock.receive', { sku: 'DEAR-CHF', quantity: 101 });
    // 99,999,999,999,999 × 101 = 10,099,999,999,999,899 minor units: not a double.
    const overview = (await api('GET', '/stats/overview')).json();
    expect(overview.stockValue).toContainEqual({ currency: 'CHF', value: '100999999999998.99', units: 101 });
  });

  it('fails loudly, never rounds, when a stored figure is beyond what it can read exactly', async () => {
    await core.call('products.create', productInput('ROUND-ME'));
    // Written behind the validation's back, as another tool or a bad restore could.
    await core.db('products').where({ sku: 'ROUND-ME' }).update({ price_minor: core.db.raw('9007199254740993') });
    const res = await api('GET', '/products/ROUND-ME');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('90071992547409.9');
    await core.db('products').where({ sku: 'ROUND-ME' }).update({ price_minor: 999 });
    expect((await api('GET', '/products/ROUND-ME')).json().price).toBe('9.99');
  });
});

// Needs the PostgreSQL test server (STOCKFEED_TEST_PG_URL); with CI=true it never skips.
const skipPg = skipWithout('postgresql', 'PostgreSQL bigint values');

describe.skipIf(skipPg)(titled('PostgreSQL bigint values', skipPg), () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore('pg');
  });
  afterAll(async () => core?.cleanup());

  it('come back as numbers, and as an error (not a rounded number) past 2^53', async () => {
    const rows = async (sql: string) => ((await core.db.raw(sql)) as { rows: Array<Record<string, unknown>> }).rows;
    expect(await rows('select 42::bigint as n, count(*) as c from products')).toEqual([{ n: 42, c: 0 }]);
    expect(await rows('select -9007199254740991::bigint as n')).toEqual([{ n: -9007199254740991 }]);
    await expect(rows('select 9007199254740993::bigint as n')).rejects.toThrow(/9007199254740993.*exactly/);
  });

  it('upgrade an existing database: its integer columns become bigint with every value kept', async () => {
    await core.call('products.create', productInput('OLD-1', { price: '12.50' }));
    await core.call('stock.receive', { sku: 'OLD-1', quantity: 7 });
    // The database as the previous version left it: 32-bit columns, the migration not yet applied.
    for (const [table, columns] of Object.entries(INT64_COLUMNS)) {
      await core.db.raw(`alter table ?? ${columns.map((c) => `alter column "${c}" type integer`).join(', ')}`, [table]);
    }
    await core.db('knex_migrations').where({ name: '20261204130000_int64_money_quantities' }).delete();
    const logged: string[] = [];
    await migrateToLatest(core.db, { info: (m) => logged.push(m), warn() {}, error() {} });
    expect(logged).toEqual(['migration applied: 20261204130000_int64_money_quantities']);
    expect(await core.call('products.get', { idOrSku: 'OLD-1' })).toMatchObject({ price: '12.50', stock: { onHand: 7 } });
    await core.call('products.update', { idOrSku: 'OLD-1', price: '30000000.00', currency: 'UZS' });
    expect((await core.call('products.get', { idOrSku: 'OLD-1' })).price).toBe('30000000.00');
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('are the type of every money and quantity column', async () => {
    const columns = (await core.db('information_schema.columns')
      .select('table_name', 'column_name', 'data_type')
      .where({ table_schema: 'public' })
      .whereIn('column_name', ['price_minor', 'sale_price_minor', 'buffer_stock', 'on_hand', 'committed', 'incoming', 'quantity'])
      .orderBy(['table_name', 'column_name'])) as Array<{ table_name: string; column_name: string; data_type: string }>;
    expect(columns.map((c) => `${c.table_name}.${c.column_name} ${c.data_type}`)).toEqual([
      'movements.quantity bigint',
      'products.buffer_stock bigint',
      'products.price_minor bigint',
      'products.sale_price_minor bigint',
      'purchase_order_lines.quantity bigint',
      'reservations.quantity bigint',
      'stock_levels.committed bigint',
      'stock_levels.incoming bigint',
      'stock_levels.on_hand bigint',
    ]);
  });
});
