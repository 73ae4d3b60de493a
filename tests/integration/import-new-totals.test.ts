/**
 * Issue 17 (import speed): new products go in with the stock the file counts for them as their
 * total, and the stock engine leaves a product row alone when its totals are already right, so an
 * import does not write every new product twice. The totals stay what the ledger says (`check`).
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { num } from '../../electron/core/util/db-helpers';
import { startCore, type TestCore } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const skipPg = skipWithout('postgresql', 'import of new products with stock on PostgreSQL');

describe('import of new products with stock (sqlite)', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    // Counts every rewrite of a product's totals.
    await core.db.raw('CREATE TABLE totals_probe (n INTEGER NOT NULL)');
    await core.db.raw('CREATE TRIGGER totals_probe_count AFTER UPDATE OF total_on_hand ON products BEGIN INSERT INTO totals_probe VALUES (1); END');
  });
  afterEach(async () => {
    await core.cleanup();
  });

  const rewrites = async () => num(((await core.db('totals_probe').count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n);

  it('writes each new product once, with its counted total, and the ledger agrees', async () => {
    await core.call('locations.create', { code: 'back', name: 'Back room' });
    const csv = ['sku,title,price,location,on_hand', 'NT-1,One,5.00,,4', 'NT-1,One,5.00,back,3', 'NT-2,Two,5.00,,0', 'NT-3,Three,5.00,,', 'NT-4,Four,5.00,back,9'].join('\n');
    expect(await importCatalogCsv(core, Readable.from([csv]), { name: 'n.csv' })).toMatchObject({ ok: true, created: 4, counts: 4 });
    expect(await rewrites()).toBe(0);
    const totals = (await core.db('products').select('sku', 'total_on_hand', 'total_committed', 'total_incoming').orderBy('sku')) as Array<Record<string, unknown>>;
    expect(totals.map((t) => [t.sku, num(t.total_on_hand), num(t.total_committed), num(t.total_incoming)])).toEqual([
      ['NT-1', 7, 0, 0],
      ['NT-2', 0, 0, 0],
      ['NT-3', 0, 0, 0],
      ['NT-4', 9, 0, 0],
    ]);
    expect((await core.checkLedger()).ok).toBe(true);

    // Stock that changes later still moves the totals.
    await core.call('stock.receive', { sku: 'NT-2', quantity: 2 });
    expect(await rewrites()).toBe(1);
    expect(num(((await core.db('products').where({ sku: 'NT-2' }).first('total_on_hand')) as { total_on_hand: unknown }).total_on_hand)).toBe(2);
    expect((await core.checkLedger()).ok).toBe(true);
  });
});

/**
 * PostgreSQL too: its UPDATE of the totals leaves a row alone when they are already right. It
 * rewrote every new product (a new row version and an entry in each of products' indexes), ~2 s of
 * the server per 10,000 counts of an import.
 */
describe.skipIf(skipPg)(titled('import of new products with stock (pg)', skipPg), () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('pg', { webhooks: { worker: false } });
    await core.db.raw('CREATE TABLE totals_probe (n INTEGER NOT NULL)');
    await core.db.raw("CREATE FUNCTION totals_probe_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO totals_probe VALUES (1); RETURN NEW; END $$");
    await core.db.raw('CREATE TRIGGER totals_probe_count AFTER UPDATE OF total_on_hand ON products FOR EACH ROW EXECUTE FUNCTION totals_probe_count()');
  });
  afterEach(async () => {
    await core.cleanup();
  });

  const rewrites = async () => num(((await core.db('totals_probe').count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n);

  it('writes each new product once, with its counted total, in a batch large or small', async () => {
    await core.call('locations.create', { code: 'back', name: 'Back room' });
    const many = Array.from({ length: 600 }, (_, i) => `NB-${i},Many ${i},5.00,,${i % 4}`);
    const csv = ['sku,title,price,location,on_hand', 'NT-1,One,5.00,,4', 'NT-1,One,5.00,back,3', 'NT-2,Two,5.00,,0', 'NT-3,Three,5.00,,', ...many].join('\n');
    expect(await importCatalogCsv(core, Readable.from([csv]), { name: 'n.csv' })).toMatchObject({ ok: true, created: 603, counts: 603 });
    expect(await rewrites()).toBe(0);
    const one = (await core.db('products').where({ sku: 'NT-1' }).first('total_on_hand')) as { total_on_hand: unknown };
    expect(num(one.total_on_hand)).toBe(7);
    expect((await core.checkLedger()).ok).toBe(true);

    // A group-commit batch moves the totals that change, and only those.
    await core.call('stock.receive', { sku: 'NT-2', quantity: 2 });
    expect(await rewrites()).toBe(1);
    await core.call('stock.count', { sku: 'NT-1', quantity: 4 });
    expect(await rewrites()).toBe(1);
    expect((await core.checkLedger()).ok).toBe(true);
  });
});
