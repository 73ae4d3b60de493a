/**
 * The dashboard's purchasing figures: stock value at its average cost beside retail with the
 * margin, products with stock and no cost, products to reorder, and late purchase orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcToday } from '../../shared/domain/availability';
import { marginPercent } from '../../electron/core/purchasing/purchasing-overview';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe('margin', () => {
  it('is (retail − cost) / retail in percent, one decimal, rounded half up; none without retail', () => {
    expect(marginPercent(75n, 100n)).toBe('25.0');
    expect(marginPercent(2n, 3n)).toBe('33.3');
    expect(marginPercent(1n, 8n)).toBe('87.5');
    expect(marginPercent(5n, 0n)).toBeNull();
  });
});

describe.each(engines())('purchasing on the dashboard on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('MUG', { price: '10.00', currency: 'EUR' }));
    await core.call('products.create', productInput('CUP', { price: '5.00', currency: 'EUR' }));
    await core.call('products.create', productInput('NOCOST', { price: '5.00', currency: 'EUR' }));
    const supplier = await core.call('suppliers.create', { name: 'Potter & Co', currency: 'EUR' });
    const po = await core.call('purchaseOrders.create', {
      supplierId: supplier.id,
      lines: [
        { sku: 'MUG', quantity: 10, unitCost: '4.00' },
        { sku: 'CUP', quantity: 4, unitCost: '2.50', expectedDate: addDays(utcToday(), -2) },
      ],
    });
    await core.call('purchaseOrders.order', { id: po.id });
    await core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: po.lines[0]?.id as string, quantity: 10 }, { lineId: po.lines[1]?.id as string, quantity: 2 }] });
    await core.call('stock.receive', { sku: 'NOCOST', quantity: 3 });
    await core.call('products.reorder.set', { idOrSku: 'CUP', reorderPoint: 5, reorderQuantity: null });
    await core.call('products.reorder.set', { idOrSku: 'MUG', reorderPoint: 5, reorderQuantity: null });
  });
  afterAll(async () => core?.cleanup());

  it('values the stock at cost beside retail, counts what needs ordering and names the late POs', async () => {
    const overview = await core.call('replenishment.overview', {});
    // 10 mugs at 4.00 and 2 cups at 2.50 = 45.00 at cost; 10 × 10.00 + 2 × 5.00 = 110.00 retail.
    expect(overview.stockValueAtCost).toEqual([{ currency: 'EUR', cost: '45.00', retail: '110.00', units: 12, marginPercent: '59.1' }]);
    expect(overview.productsWithoutCost).toBe(1);
    // CUP: 2 on hand + 2 still on the way = 4 ≤ 5; MUG: 10 > 5.
    expect(overview.productsToReorder).toBe(1);
    expect(overview.openPurchaseOrders).toBe(1);
    expect(overview.latePurchaseOrders).toEqual([{ id: expect.any(String), number: 'PO-00001', supplierName: 'Potter & Co', expectedDate: addDays(utcToday(), -2) }]);
  });
});
