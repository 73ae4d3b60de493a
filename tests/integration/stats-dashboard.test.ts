import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayRange } from '../../electron/core/stats/stats-service';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('dashboard stats on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('settings.update', { ...(await core.call('settings.get', {})), bufferStock: 2 });
    await core.call('products.create', productInput('MUG-1', { price: '10.00', currency: 'EUR' }));
    await core.call('products.create', productInput('MUG-2', { price: '2.50', currency: 'EUR', bufferStock: 5 }));
    await core.call('products.create', productInput('CAP-1', { price: '1000', currency: 'JPY' }));
    await core.call('products.create', productInput('OLD-1', { price: '99.00', currency: 'EUR', status: 'archived' }));
    await core.call('products.create', productInput('EMPTY-1'));
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 10 });
    await core.call('stock.receive', { sku: 'MUG-2', quantity: 4 });
    await core.call('stock.receive', { sku: 'CAP-1', quantity: 3 });
    await core.call('stock.receive', { sku: 'OLD-1', quantity: 7 });
    await core.call('reservations.create', { sku: 'CAP-1', quantity: 2, reference: 'ORDER-1' });
  });
  afterAll(async () => core?.cleanup());

  it('values stock at retail price per currency and counts low, out of stock and incoming', async () => {
    const o = await core.call('stats.overview', {});
    // Archived products are left out; a reservation does not change on hand, so not the value.
    expect(o.stockValue).toEqual([
      { currency: 'EUR', value: '110.00', units: 14 },
      { currency: 'JPY', value: '3000', units: 3 },
    ]);
    expect(o.activeProducts).toBe(4);
    // MUG-2 has 4 available with a buffer of 5; CAP-1 has 1 available with the shop buffer of 2.
    expect(o.atOrBelowBuffer).toBe(2);
    // No reorder points yet: low is 5 or fewer available, or at or below the buffer (the same two).
    expect(o.lowStock).toBe(2);
    expect(o.outOfStock).toBe(1);
    expect(o.incomingUnits).toBe(0);
    expect(o.seq).toBe((await core.call('changes.latest', {})).seq);
  });

  it('rebuilds the stock level per day from the ledger, for one SKU and for the shop', async () => {
    const [twoDaysAgo, yesterday] = dayRange(3, new Date());
    // Move the first receipt of MUG-1 two days back, as if it had been received then.
    const mug = (await core.db('products').where({ sku: 'MUG-1' }).first()) as { id: string };
    await core.db('movements').where({ product_id: mug.id }).update({ created_at: `${twoDaysAgo}T09:00:00.000Z` });
    await core.call('stock.adjust', { sku: 'MUG-1', quantity: -3, reason: 'damaged' });

    const one = await core.call('stats.stockHistory', { sku: 'mug-1', days: 3 });
    expect(one.sku).toBe('MUG-1');
    expect(one.points).toEqual([
      { date: twoDaysAgo, onHand: 10 },
      { date: yesterday, onHand: 10 },
      { date: expect.any(String), onHand: 7 },
    ]);
    const shop = await core.call('stats.stockHistory', { days: 3 });
    // Today: 7 + 4 + 3 + 7 (archived stock is still on hand).
    expect(shop.points.map((p) => p.onHand)).toEqual([10, 10, 21]);
    const stock = await core.call('stock.get', { sku: 'MUG-1' });
    expect(one.points.at(-1)?.onHand).toBe(stock.onHand);
  });

  it('counts movements per day by kind with units in and out', async () => {
    const { days } = await core.call('stats.movementsPerDay', { days: 3 });
    expect(days).toHaveLength(3);
    expect(days[0]).toMatchObject({ movements: 1, unitsIn: 10, unitsOut: 0, byKind: { receive: 1, adjust: 0 } });
    expect(days[1]).toMatchObject({ movements: 0 });
    expect(days[2]).toMatchObject({ movements: 4, unitsIn: 14, unitsOut: 3, byKind: { receive: 3, adjust: 1, sale: 0 } });
  });

  it('counts low stock by the reorder point where one is set, else by the fixed line or the buffer', async () => {
    const before = (await core.call('stats.overview', {})).lowStock;
    const lamp = async (sku: string, onHand: number, reorderPoint: number | null) => {
      await core.call('products.create', productInput(sku, { price: '30.00', currency: 'EUR' }));
      if (onHand > 0) await core.call('stock.receive', { sku, quantity: onHand });
      if (reorderPoint !== null) await core.call('products.reorder.set', { idOrSku: sku, location: 'main', reorderPoint, reorderQuantity: 10 });
    };
    await lamp('LAMP-1', 8, 10); // above the line of 5, but at or below its reorder point: low
    await lamp('LAMP-2', 3, 1); // within the line of 5, but above its reorder point and the buffer: not low
    await lamp('LAMP-3', 4, null); // no reorder point: the line of 5 applies, low
    await lamp('LAMP-4', 2, 0); // above its reorder point, but at the shop's buffer of 2: low
    await lamp('LAMP-5', 0, 10); // nothing available: out of stock, not low
    // Goods on their way do not fill the shelf: LAMP-1 stays low with 20 incoming.
    const supplier = await core.call('suppliers.create', { name: 'Lamp Works', currency: 'EUR' });
    const po = await core.call('purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'LAMP-1', quantity: 20, unitCost: '9.00' }] });
    await core.call('purchaseOrders.order', { id: po.id });

    const o = await core.call('stats.overview', {});
    expect(o.lowStock - before).toBe(3);
    expect(o.outOfStock).toBe(2);
  });

  it('explains bad input', async () => {
    await expect(core.call('stats.stockHistory', { sku: 'NOPE-1' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(core.call('stats.movementsPerDay', { days: 0 })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'days', message: 'days is at least 1' }] },
    });
  });
});
