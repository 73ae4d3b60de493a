/**
 * Purchase orders through their life: ordering raises incoming at the PO's location, receipts
 * (partial, over, under) turn incoming into on hand through receive movements naming the line,
 * cancelling or closing takes what is still open off incoming, and `check` holds incoming to the
 * open PO quantities throughout, also under concurrent receipts. Every step is on the change log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcToday } from '../../shared/domain/availability';
import type { Change } from '../../shared/schemas/changes';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('purchase orders on %s', (engine) => {
  let core: TestCore;
  let supplierId: string;
  const head = async () => (await core.call('changes.latest', {})).seq;
  const changesSince = async (since: number): Promise<Change[]> => (await core.call('changes.list', { since, limit: 1000 })).changes;
  const incomingAt = async (sku: string, location = 'main') => (await core.call('stock.get', { sku })).byLocation.find((l) => l.location === location)?.incoming ?? 0;

  beforeAll(async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('locations.create', { code: 'shop', name: 'Shop floor' });
    for (const sku of ['MUG', 'CUP', 'BOWL', 'JUG']) await core.call('products.create', productInput(sku, { price: '12.00', currency: 'EUR' }));
    const supplier = await core.call('suppliers.create', { name: 'Potter & Co', email: 'orders@potter.example', currency: 'EUR', leadTimeDays: 10, minimumOrderValue: '100.00' });
    supplierId = supplier.id;
    await core.call('products.suppliers.set', { idOrSku: 'MUG', suppliers: [{ supplierId, supplierSku: 'P-MUG', unitCost: '4.00', packSize: 6, preferred: true }] });
  });
  afterAll(async () => core?.cleanup());

  it('numbers drafts in sequence and takes the unit cost from the supplier link when not given', async () => {
    const a = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'MUG', quantity: 12 }] });
    const b = await core.call('purchaseOrders.create', { supplierId, notes: 'second', lines: [{ sku: 'CUP', quantity: 1, unitCost: '2.5' }] });
    expect(a).toMatchObject({ number: 'PO-00001', status: 'draft', currency: 'EUR', location: 'main', supplierName: 'Potter & Co', total: '48.00' });
    // The supplier's own code for the product, from its link, for the printed PO and the CSV.
    expect(a.lines).toEqual([expect.objectContaining({ sku: 'MUG', supplierSku: 'P-MUG', quantity: 12, unitCost: '4.00', expectedDate: null, received: 0 })]);
    expect(b.lines).toEqual([expect.objectContaining({ sku: 'CUP', supplierSku: null })]);
    expect(b.number).toBe('PO-00002');
    // A draft is not incoming stock yet.
    expect(await incomingAt('MUG')).toBe(0);
    await core.call('purchaseOrders.cancel', { id: a.id });
    await core.call('purchaseOrders.cancel', { id: b.id });
  });

  it('names every bad line of a draft, and writes nothing', async () => {
    const before = await head();
    await expect(
      core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'NOPE', quantity: 1, unitCost: '1.00' }, { sku: 'CUP', quantity: 2 }, { sku: 'MUG', quantity: 1, unitCost: '1.001' }] }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: {
        issues: [
          { path: 'lines.0.sku', message: expect.stringContaining('NOPE') },
          { path: 'lines.1.unitCost', message: expect.stringContaining('no cost for CUP') },
          { path: 'lines.2.unitCost', message: expect.stringContaining('2 decimals') },
        ],
      },
    });
    expect(await head()).toBe(before);
  });

  it('orders, receives in part, then over-delivers: incoming becomes on hand, never below zero', async () => {
    const since = await head();
    const draft = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'MUG', quantity: 12 }, { sku: 'CUP', quantity: 5, unitCost: '2.00', expectedDate: '2099-03-01' }] });
    const ordered = await core.call('purchaseOrders.order', { id: draft.id });
    expect(ordered.status).toBe('ordered');
    // An undated line is due after the supplier's lead time.
    expect(ordered.lines.map((l) => l.expectedDate)).toEqual([addDays(utcToday(), 10), '2099-03-01']);
    expect(await incomingAt('MUG')).toBe(12);
    expect(await incomingAt('CUP')).toBe(5);
    const stock = await core.call('stock.get', { sku: 'CUP' });
    expect(stock.incomingByDate).toEqual([{ date: '2099-03-01', location: 'main', quantity: 5, purchaseOrder: ordered.number }]);
    expect((await core.checkLedger()).ok).toBe(true);

    const [mug, cup] = ordered.lines as [(typeof ordered.lines)[number], (typeof ordered.lines)[number]];
    const partly = await core.call('purchaseOrders.receive', { id: draft.id, lines: [{ lineId: mug.id, quantity: 5 }] });
    expect(partly.status).toBe('partly_received');
    expect(partly.lines[0]).toMatchObject({ received: 5 });
    expect(await core.call('stock.get', { sku: 'MUG' })).toMatchObject({ onHand: 5, incoming: 7 });
    const { movements } = await core.call('movements.list', { sku: 'MUG', limit: 1 });
    expect(movements[0]).toMatchObject({ kind: 'receive', quantity: 5, location: 'main', reference: ordered.number });
    const row = (await core.db('movements').where({ id: movements[0]?.id }).first()) as { purchase_order_line_id: string };
    expect(row.purchase_order_line_id).toBe(mug.id);
    expect((await core.checkLedger()).ok).toBe(true);

    // 9 arrive where 7 were still expected, and all 5 cups: the PO is received, incoming is 0.
    const done = await core.call('purchaseOrders.receive', { id: draft.id, lines: [{ lineId: mug.id, quantity: 9 }, { lineId: cup.id, quantity: 5 }] });
    expect(done.status).toBe('received');
    expect(done.lines.map((l) => l.received)).toEqual([14, 5]);
    expect(await core.call('stock.get', { sku: 'MUG' })).toMatchObject({ onHand: 14, incoming: 0 });
    expect((await core.call('stock.get', { sku: 'MUG' })).incomingByDate).toEqual([]);
    expect((await core.checkLedger()).ok).toBe(true);

    const log = await changesSince(since);
    const po = log.filter((c) => c.type.startsWith('purchase_order.'));
    expect(po.map((c) => [c.type, c.payload.from, c.payload.to])).toEqual([
      ['purchase_order.changed', null, 'draft'],
      ['purchase_order.ordered', 'draft', 'ordered'],
      ['purchase_order.received', 'ordered', 'partly_received'],
      ['purchase_order.received', 'partly_received', 'received'],
    ]);
    expect(po[3]?.payload.lines).toEqual([
      { lineId: mug.id, sku: 'MUG', quantity: 9, expected: 7, overDelivered: 2 },
      { lineId: cup.id, sku: 'CUP', quantity: 5, expected: 5, overDelivered: 0 },
    ]);
    expect(log.filter((c) => c.type === 'stock.changed' && c.sku === 'MUG').map((c) => c.payload.cause)).toEqual([
      'purchase_order.ordered',
      'purchase_order.received',
      'purchase_order.received',
    ]);
    // A received PO takes no more receipts.
    await expect(core.call('purchaseOrders.receive', { id: draft.id, lines: [{ lineId: mug.id, quantity: 1 }] })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('averages the cost of each receipt with the stock on hand, by units', async () => {
    // 14 mugs came in at 4.00 (above); 6 more at 5.00 → (14 × 4 + 6 × 5) / 20 = 4.30.
    const before = await core.call('products.suppliers.get', { idOrSku: 'MUG' });
    expect(before).toMatchObject({ averageCost: '4.00', costCurrency: 'EUR' });
    const po = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'MUG', quantity: 6, unitCost: '5.00' }] });
    await core.call('purchaseOrders.order', { id: po.id });
    await core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: po.lines[0]?.id as string, quantity: 6 }] });
    expect((await core.call('products.suppliers.get', { idOrSku: 'MUG' })).averageCost).toBe('4.30');
    expect((await core.call('products.suppliers.get', { idOrSku: 'JUG' })).averageCost).toBeNull();
  });

  it('cancelling a PO with open lines takes them off incoming and keeps what arrived; closing writes off the shortfall', async () => {
    const po = await core.call('purchaseOrders.create', { supplierId, location: 'shop', lines: [{ sku: 'BOWL', quantity: 10, unitCost: '3.00' }, { sku: 'JUG', quantity: 4, unitCost: '6.00' }] });
    await core.call('purchaseOrders.order', { id: po.id });
    await core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: po.lines[0]?.id as string, quantity: 3 }] });
    expect(await incomingAt('BOWL', 'shop')).toBe(7);
    const since = await head();
    const cancelled = await core.call('purchaseOrders.cancel', { id: po.id, idempotencyKey: 'cancel-po-bowl' });
    expect(cancelled.status).toBe('cancelled');
    expect(await core.call('stock.get', { sku: 'BOWL' })).toMatchObject({ onHand: 3, incoming: 0 });
    expect(await incomingAt('JUG', 'shop')).toBe(0);
    const [entry] = (await changesSince(since)).filter((c) => c.type === 'purchase_order.changed');
    expect(entry?.payload).toMatchObject({ from: 'partly_received', to: 'cancelled', writtenOff: [{ lineId: po.lines[0]?.id, quantity: 7 }, { lineId: po.lines[1]?.id, quantity: 4 }] });
    // The same key again answers the same and changes nothing; another cancel is refused.
    expect((await core.call('purchaseOrders.cancel', { id: po.id, idempotencyKey: 'cancel-po-bowl' })).status).toBe('cancelled');
    await expect(core.call('purchaseOrders.cancel', { id: po.id })).rejects.toMatchObject({ code: 'conflict' });

    const short = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'JUG', quantity: 8, unitCost: '6.00' }] });
    await core.call('purchaseOrders.order', { id: short.id });
    await core.call('purchaseOrders.receive', { id: short.id, lines: [{ lineId: short.lines[0]?.id as string, quantity: 6 }] });
    const closed = await core.call('purchaseOrders.close', { id: short.id });
    expect(closed).toMatchObject({ status: 'closed', lines: [expect.objectContaining({ quantity: 8, received: 6 })] });
    expect(await core.call('stock.get', { sku: 'JUG' })).toMatchObject({ onHand: 6, incoming: 0 });
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('keeps incoming equal to the open PO quantities under concurrent receipts', async () => {
    const orders = [];
    for (let i = 0; i < 4; i++) {
      const po = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'CUP', quantity: 10, unitCost: '2.00' }, { sku: 'BOWL', quantity: 10, unitCost: '3.00' }] });
      orders.push(await core.call('purchaseOrders.order', { id: po.id }));
    }
    const before = await core.call('stock.get', { sku: 'CUP' });
    const receipts = orders.flatMap((po) =>
      [3, 4, 5].map((quantity, n) =>
        core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: po.lines[n % 2]?.id as string, quantity }], idempotencyKey: `${po.id}-${n}` }),
      ),
    );
    // Each receipt sent twice at once: the key makes it count once.
    const again = orders.map((po) => core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: po.lines[0]?.id as string, quantity: 3 }], idempotencyKey: `${po.id}-0` }));
    await Promise.all([...receipts, ...again]);
    const after = await core.call('stock.get', { sku: 'CUP' });
    // Per PO: 3 + 5 of the 10 cups, 4 of the 10 bowls.
    expect(after.onHand - before.onHand).toBe(4 * 8);
    expect(after.incoming - before.incoming).toBe(-4 * 8);
    const report = await core.checkLedger();
    expect(report.mismatches).toEqual([]);
    // Taken off by hand, incoming no longer matches the open POs, and check says so.
    await core.db('stock_levels').update({ incoming: 1 }).whereIn('product_id', core.db('products').select('id').where({ sku: 'CUP' }));
    const broken = await core.checkLedger();
    expect(broken.ok).toBe(false);
    expect(broken.mismatches).toEqual(expect.arrayContaining([expect.objectContaining({ sku: 'CUP', location: 'main', field: 'incoming', stored: 1, expected: 4 * 2 })]));
    await core.db('stock_levels').update({ incoming: 8 }).whereIn('product_id', core.db('products').select('id').where({ sku: 'CUP' })).andWhere('location_id', (await core.locations.byCodeOrLoad(core.db, 'main'))?.id as string);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('refuses to order an empty draft, to edit lines once ordered, and moves expected dates of an ordered PO', async () => {
    const empty = await core.call('purchaseOrders.create', { supplierId });
    await expect(core.call('purchaseOrders.order', { id: empty.id })).rejects.toMatchObject({ code: 'validation_failed', details: { issues: [{ path: 'lines' }] } });
    const po = await core.call('purchaseOrders.update', { id: empty.id, lines: [{ sku: 'JUG', quantity: 2, unitCost: '6.00' }] });
    await core.call('purchaseOrders.order', { id: po.id });
    await expect(core.call('purchaseOrders.update', { id: po.id, lines: [{ sku: 'JUG', quantity: 3, unitCost: '6.00' }] })).rejects.toMatchObject({ code: 'conflict', details: { field: 'lines' } });
    const moved = await core.call('purchaseOrders.update', { id: po.id, expectedDates: [{ id: po.lines[0]?.id as string, expectedDate: '2099-05-05' }] });
    expect(moved.lines[0]?.expectedDate).toBe('2099-05-05');
    expect((await core.call('purchaseOrders.list', { status: 'open', sku: 'JUG' })).purchaseOrders.map((o) => o.number)).toEqual([po.number]);
    await core.call('purchaseOrders.cancel', { id: po.id });
  });
});
