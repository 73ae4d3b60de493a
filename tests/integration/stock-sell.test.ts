/**
 * Selling in the shop: `stock.sell` records a `sale` movement at a location through the stock
 * engine, like every stock write (ledger, change log, idempotency), refuses to sell what is not
 * there, and is undone by a return. Stock messages name the product and the location by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compensationFor } from '../../shared/domain/stock-undo';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('selling in the shop on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    // Deliveries are queued but not sent: the test reads the queue.
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('locations.create', { code: 'shop', name: 'Shop floor' });
    await core.call('products.create', productInput('MUG-BLUE', { title: 'Blue mug' }));
    await core.call('products.create', productInput('MUG-PRE', { title: 'Preorder mug', allowBackorder: true }));
    await core.call('stock.receive', { sku: 'MUG-BLUE', quantity: 5, location: 'shop' });
    await core.call('stock.receive', { sku: 'MUG-BLUE', quantity: 10 });
  });
  afterAll(async () => core?.cleanup());

  it('records a sale at the location, with its reference, on the ledger and the change log, and webhooks follow', async () => {
    const hook = await core.call('webhooks.create', { url: 'https://hooks.example.com/stock', eventTypes: ['stock.changed'] });
    const since = (await core.call('changes.latest', {})).seq;
    const sold = await core.call('stock.sell', { sku: 'MUG-BLUE', location: 'shop', quantity: 2, reference: 'TILL-0042', idempotencyKey: 'till-42-1' });
    expect(sold.movements).toEqual([expect.objectContaining({ kind: 'sale', location: 'shop', quantity: -2, reference: 'TILL-0042' })]);
    expect(sold.stock.byLocation).toEqual(
      expect.arrayContaining([expect.objectContaining({ location: 'shop', onHand: 3 }), expect.objectContaining({ location: 'main', onHand: 10 })]),
    );
    const { changes } = await core.call('changes.list', { since, type: 'stock.changed' });
    expect(changes).toEqual([expect.objectContaining({ sku: 'MUG-BLUE', payload: expect.objectContaining({ cause: 'sale', movementIds: [sold.movements[0]?.id] }) })]);
    const { deliveries } = await core.call('webhooks.deliveries', { subscriptionId: hook.id });
    expect(deliveries.map((d) => [d.eventType, d.eventId])).toEqual([['stock.changed', sold.seq]]);
    // The same key again (a double press at the till) sells once.
    const again = await core.call('stock.sell', { sku: 'MUG-BLUE', location: 'shop', quantity: 2, reference: 'TILL-0042', idempotencyKey: 'till-42-1' });
    expect(again.movements[0]?.id).toBe(sold.movements[0]?.id);
    expect((await core.call('stock.get', { sku: 'MUG-BLUE' })).onHand).toBe(13);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('sells from the default location when none is named', async () => {
    const sold = await core.call('stock.sell', { sku: 'MUG-BLUE', quantity: 1 });
    expect(sold.movements[0]).toMatchObject({ location: 'main', quantity: -1, reference: null });
  });

  it('refuses to sell more than is available there, naming the product and the location', async () => {
    await core.call('reservations.create', { sku: 'MUG-BLUE', location: 'shop', quantity: 1, reference: 'WEB-1' });
    const before = (await core.call('changes.latest', {})).seq;
    await expect(core.call('stock.sell', { sku: 'MUG-BLUE', location: 'shop', quantity: 3 })).rejects.toMatchObject({
      code: 'insufficient_stock',
      message: 'Cannot sell 3 of "Blue mug" (MUG-BLUE): only 2 available at Shop floor (3 on hand, 1 reserved for orders)',
      details: { sku: 'MUG-BLUE', location: 'shop', available: 2 },
    });
    expect((await core.call('changes.latest', {})).seq).toBe(before);
  });

  it('refuses a sale of goods that are not on the shelf, even when backorders are allowed', async () => {
    await expect(core.call('stock.sell', { sku: 'MUG-PRE', location: 'shop', quantity: 1 })).rejects.toMatchObject({
      code: 'insufficient_stock',
      message: 'Cannot sell 1 of "Preorder mug" (MUG-PRE): only 0 available at Shop floor (0 on hand, 0 reserved for orders)',
    });
  });

  it('is undone by a return of the same units at the same place, once', async () => {
    const sold = await core.call('stock.sell', { sku: 'MUG-BLUE', location: 'shop', quantity: 2, reference: 'TILL-0043' });
    const undo = compensationFor('sell', sold);
    expect(undo).toMatchObject({ action: 'return', input: { sku: 'MUG-BLUE', location: 'shop', quantity: 2 } });
    if (undo?.action !== 'return') throw new Error('expected a return');
    const back = await core.call('stock.return', undo.input);
    const again = await core.call('stock.return', undo.input);
    expect(again.movements[0]?.id).toBe(back.movements[0]?.id);
    const { movements } = await core.call('movements.list', { sku: 'MUG-BLUE', limit: 2 });
    expect(movements.map((m) => [m.kind, m.location, m.quantity, m.reason])).toEqual([
      ['return', 'shop', 2, `undo of sale ${sold.movements[0]?.id}`],
      ['sale', 'shop', -2, null],
    ]);
    expect((await core.checkLedger()).ok).toBe(true);
  });
});

describe.each(engines())('stock messages name the product and the location on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('locations.create', { code: 'shop', name: 'Shop floor' });
    await core.call('products.create', productInput('MUG-BLUE', { title: 'Blue mug' }));
    await core.call('stock.receive', { sku: 'MUG-BLUE', quantity: 2, location: 'shop' });
  });
  afterAll(async () => core?.cleanup());

  it('when stock would go below zero or oversell', async () => {
    await expect(core.call('stock.adjust', { sku: 'MUG-BLUE', location: 'shop', quantity: -3, reason: 'broken' })).rejects.toMatchObject({
      message: 'Cannot adjust -3: only 2 of "Blue mug" (MUG-BLUE) on hand at Shop floor',
    });
    await expect(core.call('reservations.create', { sku: 'MUG-BLUE', location: 'shop', quantity: 3, reference: 'WEB-2' })).rejects.toMatchObject({
      message: 'Cannot reserve 3: only 2 of "Blue mug" (MUG-BLUE) available at Shop floor (2 on hand, 0 reserved for orders)',
    });
    await expect(core.call('stock.transfer', { sku: 'MUG-BLUE', location: 'shop', toLocation: 'main', quantity: 3 })).rejects.toMatchObject({
      message: 'Cannot transfer 3: only 2 of "Blue mug" (MUG-BLUE) available at Shop floor',
    });
  });

  it('when a location does not exist, listing the ones that do', async () => {
    await expect(core.call('stock.sell', { sku: 'MUG-BLUE', location: 'backroom', quantity: 1 })).rejects.toMatchObject({
      code: 'not_found',
      message: 'There is no location "backroom"; the locations are Main warehouse (main), Shop floor (shop)',
      details: { field: 'location', location: 'backroom' },
    });
  });

  it('when a product that is not active is reserved', async () => {
    await core.call('products.update', { idOrSku: 'MUG-BLUE', status: 'discontinued' });
    await expect(core.call('reservations.create', { sku: 'MUG-BLUE', location: 'shop', quantity: 1, reference: 'WEB-3' })).rejects.toMatchObject({
      code: 'conflict',
      message: '"Blue mug" (MUG-BLUE) is discontinued; it cannot be reserved',
    });
  });
});
