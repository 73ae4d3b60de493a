import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyEvent, wooEvent } from '../../electron/core/channels/channel-events';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';
import { shopifyOrder, wooOrder } from '../fixtures/channels/channel-requests';

describe.each(engines())('orders: names, undoing a fulfilment, and the history on %s', (engine) => {
  let core: TestCore;
  const stock = async (sku: string) => {
    const s = await core.call('stock.get', { sku });
    return [s.onHand, s.committed, s.available];
  };

  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('locations.create', { code: 'shop', name: 'Shop floor' });
    await core.call('products.create', productInput('BOWL-1', { title: 'Stoneware bowl' }));
    await core.call('products.create', productInput('PLATE-1', { title: 'Dinner plate' }));
    await core.call('stock.receive', { sku: 'BOWL-1', location: 'shop', quantity: 10 });
    await core.call('stock.receive', { sku: 'BOWL-1', quantity: 100 });
    await core.call('stock.receive', { sku: 'PLATE-1', quantity: 100 });
  });
  afterAll(async () => core?.cleanup());

  it('names the product and the location of every reservation, not only their codes', async () => {
    const made = await core.call('reservations.create', { sku: 'BOWL-1', location: 'shop', quantity: 1, reference: 'ORDER-NAMES' });
    expect(made).toMatchObject({ sku: 'BOWL-1', title: 'Stoneware bowl', location: 'shop', locationName: 'Shop floor', channel: null, settledBy: null });
    const { reservations } = await core.call('reservations.list', { status: 'held' });
    expect(reservations.find((r) => r.id === made.id)).toMatchObject({ title: 'Stoneware bowl', locationName: 'Shop floor' });
    await core.call('reservations.release', { id: made.id });
  });

  it('undoes a fulfilment with a return that names the sale, and holds the units for the order again', async () => {
    const held = await core.call('reservations.create', { sku: 'BOWL-1', location: 'shop', quantity: 2, reference: 'ORDER-1' });
    const shipped = await core.call('reservations.fulfil', { id: held.id });
    expect(shipped).toMatchObject({ status: 'fulfilled', settledBy: 'stockfeed' });
    expect(await stock('BOWL-1')).toEqual([108, 0, 108]);
    const [sale] = (await core.call('movements.list', { sku: 'BOWL-1', limit: 1 })).movements;
    expect(sale).toMatchObject({ kind: 'sale', quantity: -2, reservationId: held.id });

    const undone = await core.call('reservations.undoFulfil', { id: held.id, idempotencyKey: `undo-${held.id}` });
    expect(undone).toMatchObject({ id: held.id, status: 'held', settledBy: null, quantity: 2, title: 'Stoneware bowl', locationName: 'Shop floor' });
    expect(await stock('BOWL-1')).toEqual([110, 2, 108]);
    // The ledger keeps the sale and adds the correcting movement; nothing is deleted.
    const ledger = await core.call('movements.list', { sku: 'BOWL-1', limit: 2 });
    expect(ledger.movements.map((m) => [m.kind, m.quantity, m.location, m.reason, m.reference, m.reservationId])).toEqual([
      ['return', 2, 'shop', `undo of fulfilment ${sale?.id}`, 'ORDER-1', held.id],
      ['sale', -2, 'shop', null, 'ORDER-1', held.id],
    ]);
    // A retry with the same key replays the answer; a second undo is refused: it is held now.
    const replay = await core.call('reservations.undoFulfil', { id: held.id, idempotencyKey: `undo-${held.id}` });
    expect(replay.seq).toBe(undone.seq);
    await expect(core.call('reservations.undoFulfil', { id: held.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('ORDER-1 is held'),
    });
    expect(await stock('BOWL-1')).toEqual([110, 2, 108]);
    // It can be shipped again, and then undone again.
    await core.call('reservations.fulfil', { id: held.id });
    await core.call('reservations.undoFulfil', { id: held.id });
    await core.call('reservations.release', { id: held.id });
    expect(await stock('BOWL-1')).toEqual([110, 0, 110]);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('refuses to undo what is not a fulfilment: unknown, held, released', async () => {
    await expect(core.call('reservations.undoFulfil', { id: '01900000-0000-7000-8000-000000000000' })).rejects.toMatchObject({ code: 'not_found' });
    const held = await core.call('reservations.create', { sku: 'PLATE-1', quantity: 1, reference: 'ORDER-HELD' });
    await expect(core.call('reservations.undoFulfil', { id: held.id })).rejects.toMatchObject({ code: 'conflict' });
    await core.call('reservations.release', { id: held.id });
    await expect(core.call('reservations.undoFulfil', { id: held.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('released'),
    });
    expect(await stock('PLATE-1')).toEqual([100, 0, 100]);
  });

  it("records each reservation's channel and who settled it, and leaves a channel's shipment to the channel", async () => {
    await core.orders.receive(shopifyEvent('orders/create', shopifyOrder(5001, [['BOWL-1', 1], ['PLATE-1', 2]])), null);
    const lines = (await core.call('reservations.list', { status: 'held' })).reservations.filter((r) => r.reference === 'Shopify order #5001');
    expect(lines.map((r) => [r.sku, r.title, r.channel, r.locationName])).toEqual(
      expect.arrayContaining([
        ['BOWL-1', 'Stoneware bowl', 'shopify', 'Main warehouse'],
        ['PLATE-1', 'Dinner plate', 'shopify', 'Main warehouse'],
      ]),
    );
    await core.orders.receive(shopifyEvent('orders/paid', shopifyOrder(5001, [['BOWL-1', 1], ['PLATE-1', 2]])), null);
    const settled = (await core.call('reservations.list', { status: 'fulfilled' })).reservations.filter((r) => r.reference === 'Shopify order #5001');
    expect(settled.map((r) => r.settledBy)).toEqual(['shopify', 'shopify']);
    // Shopify says it shipped: only Shopify can take that back (a refund with restock).
    await expect(core.call('reservations.undoFulfil', { id: (settled[0] as { id: string }).id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('Shopify'),
    });
    await core.orders.receive(wooEvent('order.created', wooOrder(727, 'processing', [['PLATE-1', 1]])), null);
    await core.orders.receive(wooEvent('order.updated', wooOrder(727, 'cancelled', [['PLATE-1', 1]])), null);
    const released = (await core.call('reservations.list', { status: 'released' })).reservations.find((r) => r.reference === 'WooCommerce order #727');
    expect(released).toMatchObject({ channel: 'woocommerce', settledBy: 'woocommerce' });
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('lists settled orders newest first with their lines, paged without splitting a moment', async () => {
    const a = await core.call('reservations.create', { sku: 'PLATE-1', quantity: 1, reference: 'HIST-A' });
    const b1 = await core.call('reservations.create', { sku: 'PLATE-1', quantity: 2, reference: 'HIST-B' });
    const b2 = await core.call('reservations.create', { sku: 'BOWL-1', location: 'shop', quantity: 3, reference: 'HIST-B' });
    await core.call('reservations.create', { sku: 'BOWL-1', quantity: 1, reference: 'HIST-C', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await core.call('reservations.fulfil', { id: a.id });
    await Promise.all([core.call('reservations.release', { id: b1.id }), core.call('reservations.release', { id: b2.id })]);
    expect(await core.stock.expireReservations(new Date(Date.now() + 120_000))).toBe(1);

    const first = await core.call('orders.history', {});
    const ours = first.orders.filter((o) => o.reference.startsWith('HIST-'));
    expect(new Set(ours.map((o) => `${o.reference} ${o.status} ${o.settledBy}`))).toEqual(
      new Set(['HIST-C expired expiry', 'HIST-B released stockfeed', 'HIST-A fulfilled stockfeed']),
    );
    expect(ours[0]?.reference).toBe('HIST-C');
    expect(ours[ours.length - 1]?.reference).toBe('HIST-A');
    // Released in one go (the two calls may share a transaction) or one by one: each line is listed once.
    const linesOfB = ours.filter((o) => o.reference === 'HIST-B').flatMap((o) => o.lines);
    expect(linesOfB.map((l) => [l.title, l.locationName, l.quantity]).sort()).toEqual([
      ['Dinner plate', 'Main warehouse', 2],
      ['Stoneware bowl', 'Shop floor', 3],
    ]);
    const times = first.orders.map((o) => o.settledAt);
    expect([...times].sort().reverse()).toEqual(times);
    // The Shopify and WooCommerce orders of the test before are there with their channel.
    expect(first.orders.find((o) => o.reference === 'Shopify order #5001')).toMatchObject({ channel: 'shopify', status: 'fulfilled', settledBy: 'shopify' });
    expect(first.orders.find((o) => o.reference === 'Shopify order #5001')?.lines).toHaveLength(2);
    expect(first.orders.find((o) => o.reference === 'WooCommerce order #727')).toMatchObject({ channel: 'woocommerce', status: 'released' });
    // Held reservations and undone fulfilments are not history.
    expect(first.orders.some((o) => o.lines.some((l) => l.status === 'held'))).toBe(false);

    // Page by page (one moment per page at least): the same entries, in the same order, once each.
    const paged: string[] = [];
    let before: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await core.call('orders.history', { limit: 1, ...(before ? { before } : {}) });
      expect(page.orders.length).toBeGreaterThan(0);
      paged.push(...page.orders.map((o) => `${o.settledAt} ${o.reference} ${o.status}`));
      if (page.next === null) break;
      expect(page.orders.every((o) => o.settledAt > (page.next as string) || o.settledAt === page.next)).toBe(true);
      before = page.next;
    }
    expect(paged).toEqual(first.orders.map((o) => `${o.settledAt} ${o.reference} ${o.status}`));
  });

  it('names the product and the location in the problems of a channel order that cannot be reserved', async () => {
    await core.orders.receive(shopifyEvent('orders/create', shopifyOrder(5002, [['PLATE-1', 1], ['BOWL-1', 5000]])), null);
    const { exceptions } = await core.call('orders.exceptions', { status: 'open' });
    const problem = exceptions.find((e) => e.reference === 'Shopify order #5002')?.problems[0];
    expect(problem?.message).toBe('Cannot reserve 5000: only 99 of "Stoneware bowl" (BOWL-1) available at Main warehouse (99 on hand, 0 reserved for orders)');
  });

  it('names the bad field of a history request', async () => {
    await expect(core.call('orders.history', { limit: 0 })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(core.call('orders.history', { before: 'yesterday' })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('before'),
    });
  });
});
