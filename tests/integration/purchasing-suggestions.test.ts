/**
 * Reorder points: `reorder.needed` when a product's available plus incoming stock at a location
 * falls to its reorder point, once per crossing; the suggestions list every product at or below its
 * point grouped by supplier, rounded to packs and minimum order quantities, with the reorder point
 * its sales suggest; a suggestion drafts a PO that, once ordered, lifts the product off the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('reorder points and suggestions on %s', (engine) => {
  let core: TestCore;
  let potter: string;
  let glass: string;
  const head = async () => (await core.call('changes.latest', {})).seq;
  const needed = async (since: number) =>
    (await core.call('changes.list', { since, type: 'reorder.needed', limit: 100 })).changes.map((c) => [c.sku, c.payload.location, c.payload.position]);

  beforeAll(async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('locations.create', { code: 'shop', name: 'Shop floor' });
    for (const sku of ['MUG', 'CUP', 'VASE', 'LOOSE']) await core.call('products.create', productInput(sku, { currency: 'EUR' }));
    potter = (await core.call('suppliers.create', { name: 'Potter & Co', currency: 'EUR', leadTimeDays: 10, minimumOrderValue: '200.00' })).id;
    glass = (await core.call('suppliers.create', { name: 'Glassworks', currency: 'EUR', leadTimeDays: 4 })).id;
    await core.call('products.suppliers.set', { idOrSku: 'MUG', suppliers: [{ supplierId: potter, supplierSku: 'P-1', unitCost: '4.00', packSize: 12, minimumOrderQuantity: 1, preferred: true }, { supplierId: glass, unitCost: '5.00' }] });
    await core.call('products.suppliers.set', { idOrSku: 'CUP', suppliers: [{ supplierId: potter, unitCost: '2.00', packSize: 6, minimumOrderQuantity: 30 }] });
    await core.call('products.suppliers.set', { idOrSku: 'VASE', suppliers: [{ supplierId: glass, unitCost: '9.50', packSize: 4 }] });
    await core.call('stock.receive', { sku: 'MUG', quantity: 20 });
    await core.call('stock.receive', { sku: 'CUP', quantity: 10 });
    await core.call('stock.receive', { sku: 'VASE', quantity: 10 });
    await core.call('stock.receive', { sku: 'LOOSE', quantity: 1 });
  });
  afterAll(async () => core?.cleanup());

  it('appends reorder.needed once per crossing of the point, counting incoming', async () => {
    await core.call('products.reorder.set', { idOrSku: 'MUG', location: 'main', reorderPoint: 10, reorderQuantity: null });
    const since = await head();
    await core.call('stock.sell', { sku: 'MUG', quantity: 9 }); // 11: above
    expect(await needed(since)).toEqual([]);
    await core.call('stock.sell', { sku: 'MUG', quantity: 1 }); // 10: at the point
    await core.call('stock.sell', { sku: 'MUG', quantity: 2 }); // 8: still below, no second entry
    expect(await needed(since)).toEqual([['MUG', 'main', 10]]);
    const [entry] = (await core.call('changes.list', { since, type: 'reorder.needed' })).changes;
    expect(entry?.payload).toEqual({ sku: 'MUG', location: 'main', reorderPoint: 10, available: 10, incoming: 0, position: 10 });

    // Ordering lifts the position above the point; selling down to it again is a new crossing.
    const po = await core.call('purchaseOrders.create', { supplierId: potter, lines: [{ sku: 'MUG', quantity: 12 }] });
    await core.call('purchaseOrders.order', { id: po.id });
    const again = await head();
    await core.call('stock.sell', { sku: 'MUG', quantity: 8 }); // 0 + 12 incoming = 12: above
    await core.call('purchaseOrders.cancel', { id: po.id }); // incoming back to 0: position 0
    expect(await needed(again)).toEqual([['MUG', 'main', 0]]);
  });

  it('sets the point of a product already below it: that is a crossing too; clearing it says nothing', async () => {
    const since = await head();
    await core.call('products.reorder.set', { idOrSku: 'CUP', reorderPoint: 12, reorderQuantity: null, maxLevel: 40 });
    await core.call('products.reorder.set', { idOrSku: 'CUP', reorderPoint: 12, reorderQuantity: null, maxLevel: 40 });
    expect(await needed(since)).toEqual([['CUP', 'main', 10]]);
    const reorder = await core.call('products.reorder.get', { idOrSku: 'CUP' });
    expect(reorder.locations.find((l) => l.location === 'main')).toMatchObject({ reorderPoint: 12, reorderQuantity: null, maxLevel: 40, position: 10 });
    await core.call('products.reorder.set', { idOrSku: 'VASE', location: 'main', reorderPoint: 2, reorderQuantity: 3 });
    await core.call('products.reorder.set', { idOrSku: 'LOOSE', location: 'main', reorderPoint: 5, reorderQuantity: 7 });
  });

  it('suggests what to order, grouped by supplier and rounded to packs and minimums', async () => {
    const { groups } = await core.call('replenishment.suggestions', {});
    expect(groups.map((g) => [g.supplierName, g.lines.map((l) => [l.sku, l.location, l.quantity])])).toEqual([
      [
        'Potter & Co',
        [
          // up to the max level 40 from 10 = 30: the minimum is 30, in packs of 6 → 30.
          ['CUP', 'main', 30],
          // 0 available, point 10, no quantity: 11 to get above it, in packs of 12 → 12.
          ['MUG', 'main', 12],
        ],
      ],
      // No supplier yet: listed last, to be given one.
      [null, [['LOOSE', 'main', 7]]],
    ]);
    const [potterGroup] = groups;
    expect(potterGroup).toMatchObject({ currency: 'EUR', total: '108.00', minimumOrderValue: '200.00', belowMinimum: true });
    expect(potterGroup?.lines[1]).toMatchObject({ supplierSku: 'P-1', unitCost: '4.00', packSize: 12, available: 0, incoming: 0, reorderPoint: 10 });

    // Asked for one supplier: its prices and packs, also for a product it is not preferred for.
    const glassOnly = await core.call('replenishment.suggestions', { supplier: 'Glassworks' });
    expect(glassOnly.groups.map((g) => [g.supplierName, g.lines.map((l) => [l.sku, l.quantity, l.unitCost])])).toEqual([['Glassworks', [['MUG', 11, '5.00']]]]);
    expect((await core.call('replenishment.suggestions', { location: 'shop' })).groups).toEqual([]);
    await expect(core.call('replenishment.suggestions', { supplier: 'Nobody' })).rejects.toMatchObject({ code: 'not_found', details: { field: 'supplier' } });
  });

  it('suggests a reorder point from the sales of the last 28 days, lead time and review period, beside the set one', async () => {
    // MUG sold 9 + 1 + 2 + 8 = 20 at main in the window: 20/28 a day × (10 + 7) days = 12.1 → 13, buffer 0.
    const reorder = await core.call('products.reorder.get', { idOrSku: 'MUG' });
    const main = reorder.locations.find((l) => l.location === 'main');
    expect(main).toMatchObject({ reorderPoint: 10, suggestedReorderPoint: 13 });
    expect(main?.velocity).toBeCloseTo(20 / 28, 10);
    // Shown, never applied by itself.
    expect((await core.call('products.reorder.get', { idOrSku: 'MUG' })).locations.find((l) => l.location === 'main')?.reorderPoint).toBe(10);
  });

  it('drafts a PO from a suggestion; once ordered the product leaves the list', async () => {
    const { groups } = await core.call('replenishment.suggestions', { supplier: potter });
    const group = groups[0];
    if (!group?.supplierId) throw new Error('expected a supplier group');
    const po = await core.call('purchaseOrders.create', { supplierId: group.supplierId, lines: group.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
    expect(po.lines.map((l) => [l.sku, l.quantity, l.unitCost])).toEqual([
      ['CUP', 30, '2.00'],
      ['MUG', 12, '4.00'],
    ]);
    // A draft does not count; an ordered PO does.
    expect((await core.call('replenishment.suggestions', { supplier: potter })).groups).toHaveLength(1);
    await core.call('purchaseOrders.order', { id: po.id });
    expect((await core.call('replenishment.suggestions', { supplier: potter })).groups).toEqual([]);
  });

  it('refuses a second preferred supplier, an unknown one and a cost the currency cannot hold, naming each entry', async () => {
    await expect(
      core.call('products.suppliers.set', {
        idOrSku: 'VASE',
        suppliers: [
          { supplierId: glass, preferred: true, unitCost: '1.005' },
          { supplierId: '0190b0f2-0000-7000-8000-000000000000' },
          { supplierId: potter, preferred: true },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: {
        issues: [
          { path: 'suppliers.0.unitCost', message: expect.stringContaining('2 decimals') },
          { path: 'suppliers.1.supplierId', message: expect.stringContaining('no supplier') },
          { path: 'suppliers.2.preferred', message: 'only one supplier can be preferred' },
        ],
      },
    });
    expect((await core.call('products.suppliers.get', { idOrSku: 'VASE' })).suppliers.map((s) => s.supplierName)).toEqual(['Glassworks']);
    // A supplier with purchase orders stays; one without goes with its links.
    await expect(core.call('suppliers.delete', { id: potter })).rejects.toMatchObject({ code: 'conflict' });
    await core.call('suppliers.delete', { id: glass });
    expect((await core.call('products.suppliers.get', { idOrSku: 'VASE' })).suppliers).toEqual([]);
  });
});
