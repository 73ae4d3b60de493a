/**
 * Each product's stock totals (products.total_on_hand / total_committed / total_incoming, read by
 * the Products list and the dashboard) equal the sums of its stock levels after every kind of
 * stock write, in the same transaction; `check` finds a total written behind the ledger's back;
 * and the migration gives an existing database its totals.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { openCore, type Core } from '../../electron/core/core';
import { runCli } from '../../electron/cli/run';
import { num } from '../../electron/core/util/db-helpers';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';

const MIGRATION = '20261205010000_product_stock_totals';

type Figures = { onHand: number; committed: number; incoming: number };

/** Each product's stored totals beside the sums of its levels, by SKU. */
async function totals(core: Core): Promise<Record<string, { stored: Figures; levels: Figures }>> {
  const rows = (await core
    .db('products as p')
    .leftJoin('stock_levels as s', 's.product_id', 'p.id')
    .select('p.sku', 'p.total_on_hand', 'p.total_committed', 'p.total_incoming')
    .select(core.db.raw('coalesce(sum(s.on_hand), 0) as on_hand, coalesce(sum(s.committed), 0) as committed, coalesce(sum(s.incoming), 0) as incoming'))
    .groupBy('p.sku', 'p.total_on_hand', 'p.total_committed', 'p.total_incoming')) as Array<Record<string, unknown>>;
  return Object.fromEntries(
    rows.map((r) => [
      r.sku as string,
      {
        stored: { onHand: num(r.total_on_hand), committed: num(r.total_committed), incoming: num(r.total_incoming) },
        levels: { onHand: num(r.on_hand), committed: num(r.committed), incoming: num(r.incoming) },
      },
    ]),
  );
}

/** The stored totals of one product, after checking every product's totals against its levels. */
async function expectTotals(core: Core, sku: string, expected: Figures): Promise<void> {
  const all = await totals(core);
  for (const [each, { stored, levels }] of Object.entries(all)) expect(stored, each).toEqual(levels);
  expect(all[sku]?.stored).toEqual(expected);
  expect(await core.checkLedger()).toMatchObject({ ok: true, mismatches: [] });
}

describe.each(engines())('product stock totals on %s', (engine: Engine) => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore(engine);
    await core.call('locations.create', { code: 'shop', name: 'Shop' });
    await core.call('products.create', productInput('MUG-1'));
    await core.call('products.create', productInput('CUP-1'));
  });
  afterEach(async () => core.cleanup());

  it('follow every movement kind, a transfer, reservations and their undo', async () => {
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 20 });
    await expectTotals(core, 'MUG-1', { onHand: 20, committed: 0, incoming: 0 });
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 5, location: 'shop' });
    await expectTotals(core, 'MUG-1', { onHand: 25, committed: 0, incoming: 0 });
    await core.call('stock.adjust', { sku: 'MUG-1', quantity: -3, reason: 'broken' });
    await expectTotals(core, 'MUG-1', { onHand: 22, committed: 0, incoming: 0 });
    await core.call('stock.count', { sku: 'MUG-1', quantity: 10, location: 'shop' });
    await expectTotals(core, 'MUG-1', { onHand: 27, committed: 0, incoming: 0 });
    await core.call('stock.transfer', { sku: 'MUG-1', quantity: 7, toLocation: 'shop' });
    await expectTotals(core, 'MUG-1', { onHand: 27, committed: 0, incoming: 0 });
    await core.call('stock.sell', { sku: 'MUG-1', quantity: 2, location: 'shop' });
    await expectTotals(core, 'MUG-1', { onHand: 25, committed: 0, incoming: 0 });
    await core.call('stock.return', { sku: 'MUG-1', quantity: 1 });
    await expectTotals(core, 'MUG-1', { onHand: 26, committed: 0, incoming: 0 });

    const shipped = await core.call('reservations.create', { sku: 'MUG-1', quantity: 4, reference: 'ORDER-1' });
    const released = await core.call('reservations.create', { sku: 'MUG-1', quantity: 3, reference: 'ORDER-2', location: 'shop' });
    const expiring = await core.call('reservations.create', { sku: 'MUG-1', quantity: 2, reference: 'CART-1', expiresAt: new Date(Date.now() + 300).toISOString() });
    await expectTotals(core, 'MUG-1', { onHand: 26, committed: 9, incoming: 0 });
    await core.call('reservations.fulfil', { id: shipped.id });
    await expectTotals(core, 'MUG-1', { onHand: 22, committed: 5, incoming: 0 });
    await core.call('reservations.undoFulfil', { id: shipped.id });
    await expectTotals(core, 'MUG-1', { onHand: 26, committed: 9, incoming: 0 });
    await core.call('reservations.release', { id: released.id });
    await expectTotals(core, 'MUG-1', { onHand: 26, committed: 6, incoming: 0 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await core.stock.expireReservations()).toBe(1);
    expect((await core.call('reservations.list', { sku: 'MUG-1' })).reservations.find((r) => r.id === expiring.id)?.status).toBe('expired');
    await expectTotals(core, 'MUG-1', { onHand: 26, committed: 4, incoming: 0 });
    // The other product was never touched: zero, like a product with no stock level at all.
    await expectTotals(core, 'CUP-1', { onHand: 0, committed: 0, incoming: 0 });
  });

  it('follow incoming from purchase orders: ordered, partly received, cancelled', async () => {
    const supplier = await core.call('suppliers.create', { name: 'Potter', currency: 'EUR', leadTimeDays: 5 });
    const po = await core.call('purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'MUG-1', quantity: 12, unitCost: '2.00' }, { sku: 'CUP-1', quantity: 4, unitCost: '1.50' }] });
    await core.call('purchaseOrders.order', { id: po.id });
    await expectTotals(core, 'MUG-1', { onHand: 0, committed: 0, incoming: 12 });
    const mug = po.lines.find((l) => l.sku === 'MUG-1');
    await core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: mug?.id as string, quantity: 5 }] });
    await expectTotals(core, 'MUG-1', { onHand: 5, committed: 0, incoming: 7 });
    await core.call('purchaseOrders.cancel', { id: po.id });
    await expectTotals(core, 'MUG-1', { onHand: 5, committed: 0, incoming: 0 });
    await expectTotals(core, 'CUP-1', { onHand: 0, committed: 0, incoming: 0 });
  });

  it('follow a CSV import, one batch of many products and locations', async () => {
    const csv = ['sku,title,price,currency,location,on_hand', 'MUG-1,Mug,5.00,EUR,main,8', 'MUG-1,Mug,5.00,EUR,shop,3', 'BOWL-1,Bowl,7.00,EUR,shop,6', 'CUP-1,Cup,4.00,EUR,main,0'].join('\n');
    await importCatalogCsv(core, Readable.from([csv]));
    await expectTotals(core, 'MUG-1', { onHand: 11, committed: 0, incoming: 0 });
    await expectTotals(core, 'BOWL-1', { onHand: 6, committed: 0, incoming: 0 });
  });

  it('are what the list filters and sorts on, and what the dashboard counts', async () => {
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 2 });
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 9, location: 'shop' });
    await core.call('reservations.create', { sku: 'MUG-1', quantity: 2, reference: 'ORDER-9' });
    await core.call('reservations.create', { sku: 'MUG-1', quantity: 9, reference: 'ORDER-10', location: 'shop' });
    await core.call('products.create', productInput('JUG-1'));
    await core.call('stock.receive', { sku: 'JUG-1', quantity: 4, location: 'shop' });
    const skus = async (input: Record<string, unknown>) => (await core.call('products.list', { offset: 0, limit: 10, ...input })).products.map((p) => p.sku);
    // MUG-1: 11 on hand over two locations, all of it held for orders, so none available.
    expect(await skus({ stock: 'out_of_stock' })).toEqual(['CUP-1', 'MUG-1']);
    expect(await skus({ sort: 'onHand', direction: 'desc' })).toEqual(['MUG-1', 'JUG-1', 'CUP-1']);
    expect(await skus({ sort: 'available', direction: 'desc' })).toEqual(['JUG-1', 'CUP-1', 'MUG-1']);
    expect(await skus({ location: 'shop' })).toEqual(['JUG-1', 'MUG-1']);
    expect(await skus({ location: 'shop', sort: 'onHand', direction: 'desc' })).toEqual(['MUG-1', 'JUG-1']);
    expect(await skus({ location: 'shop', stock: 'out_of_stock' })).toEqual(['MUG-1']);
    expect(await skus({ location: 'main', stock: 'in_stock' })).toEqual([]);
    const overview = await core.call('stats.overview', {});
    expect(overview).toMatchObject({ activeProducts: 3, outOfStock: 2, stockValue: [{ currency: 'USD', units: 15 }] });
  });

  it('check finds a total written behind the ledger, and the CLI names it', async () => {
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 12 });
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 3, location: 'shop' });
    await core.db('products').where({ sku: 'MUG-1' }).update({ total_on_hand: 99 });
    await core.db('products').where({ sku: 'CUP-1' }).update({ total_committed: 2 });
    const report = await core.checkLedger();
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual(
      expect.arrayContaining([
        { sku: 'MUG-1', location: null, field: 'onHand', stored: 99, expected: 15 },
        { sku: 'CUP-1', location: null, field: 'committed', stored: 2, expected: 0 },
      ]),
    );
    expect(report.mismatches).toHaveLength(2);

    const out: string[] = [];
    const env = { DATABASE_URL: core.config.kind === 'pg' ? core.config.url : undefined };
    const code = await runCli(['check', '--data', core.dataDir], { out: (t) => out.push(t), err: () => undefined }, env);
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('MUG-1 in total over all locations: onHand is 99, the ledger says 15');

    // A total left at zero while the ledger holds stock is found too.
    await core.db('products').where({ sku: 'MUG-1' }).update({ total_on_hand: 0 });
    expect((await core.checkLedger()).mismatches).toContainEqual({ sku: 'MUG-1', location: null, field: 'onHand', stored: 0, expected: 15 });
  });

  it('the migration gives an existing database its totals, and is safe to run twice', async () => {
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 6 });
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 4, location: 'shop' });
    await core.call('reservations.create', { sku: 'MUG-1', quantity: 1, reference: 'ORDER-3' });
    // As the database was before this migration: totals never written.
    await core.db('products').update({ total_on_hand: 0, total_committed: 0, total_incoming: 0 });
    await core.db('knex_migrations').where({ name: MIGRATION }).delete();
    await core.close();
    const reopen = () => openCore({ dataDir: core.dataDir, databaseUrl: core.config.kind === 'pg' ? core.config.url : undefined, expirySweepMs: 0 });
    let again = await reopen();
    await expectTotals(again, 'MUG-1', { onHand: 10, committed: 1, incoming: 0 });
    await again.db('knex_migrations').where({ name: MIGRATION }).delete();
    await again.close();
    again = await reopen();
    await expectTotals(again, 'MUG-1', { onHand: 10, committed: 1, incoming: 0 });
    await again.close();
  });
});
