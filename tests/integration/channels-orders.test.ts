import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyEvent, wooEvent } from '../../electron/core/channels/channel-events';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';
import { shopifyOrder, wooOrder } from '../fixtures/channels/channel-requests';

describe.each(engines())('channel orders and 3PL counts on %s', (engine) => {
  let core: TestCore;
  const stock = async (sku: string) => (await core.call('stock.get', { sku })) as { onHand: number; committed: number };

  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('SCARCE'));
    await core.call('products.create', productInput('PLENTY'));
    await core.call('stock.receive', { sku: 'SCARCE', quantity: 10 });
    await core.call('stock.receive', { sku: 'PLENTY', quantity: 1000 });
  });
  afterAll(async () => core?.cleanup());

  it('never oversells with 30 simultaneous orders, and never half-applies a rejected one', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        core.orders.receive(shopifyEvent('orders/create', shopifyOrder(10_000 + i, [['PLENTY', 1], ['SCARCE', 1], ['PLENTY', 2]])), `race-${i}`),
      ),
    );
    const reserved = results.filter((r) => r.outcome === 'reserved').length;
    const exceptions = results.filter((r) => r.outcome === 'exception').length;
    expect(reserved).toBe(10);
    expect(exceptions).toBe(20);
    expect(await stock('SCARCE')).toMatchObject({ onHand: 10, committed: 10 });
    // Only the accepted orders hold PLENTY: 3 units each, nothing for the rejected ones.
    expect((await stock('PLENTY')).committed).toBe(30);
    const open = await core.call('orders.exceptions', { status: 'open', limit: 100 });
    expect(open.exceptions).toHaveLength(20);
    expect(open.exceptions.every((e) => e.problems.length === 1 && e.problems[0]?.code === 'insufficient_stock')).toBe(true);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('applies one delivery once however many times it arrives at the same moment', async () => {
    const event = wooEvent('order.created', wooOrder(900, 'processing', [['PLENTY', 5]]));
    const results = await Promise.all(Array.from({ length: 8 }, () => core.orders.receive(event, 'same-delivery')));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect((await stock('PLENTY')).committed).toBe(35);
  });

  it('keeps a cancellation that arrives before its order (reordered deliveries)', async () => {
    const cancelled = await core.orders.receive(shopifyEvent('orders/cancelled', shopifyOrder(20_001, [['PLENTY', 4]])), 'c-1');
    expect(cancelled).toMatchObject({ outcome: 'recorded', state: 'cancelled' });
    const created = await core.orders.receive(shopifyEvent('orders/create', shopifyOrder(20_001, [['PLENTY', 4]])), 'c-2');
    expect(created).toMatchObject({ outcome: 'unchanged', state: 'cancelled' });
    expect((await stock('PLENTY')).committed).toBe(35);
  });

  it('releases a partially refunded unshipped line and holds the rest again', async () => {
    await core.orders.receive(shopifyEvent('orders/create', shopifyOrder(30_001, [['PLENTY', 5]])), null);
    expect((await stock('PLENTY')).committed).toBe(40);
    const refund = {
      id: 77,
      order_id: 30_001,
      refund_line_items: [{ id: 1, line_item_id: 300_010, quantity: 2, restock_type: 'cancel', line_item: { sku: 'PLENTY' } }],
    };
    const result = await core.orders.receive(shopifyEvent('refunds/create', refund), null);
    expect(result).toMatchObject({ outcome: 'released', state: 'reserved' });
    expect((await stock('PLENTY')).committed).toBe(38);
    const paid = await core.orders.receive(shopifyEvent('orders/paid', shopifyOrder(30_001, [['PLENTY', 5]])), null);
    expect(paid.outcome).toBe('fulfilled');
    expect(await stock('PLENTY')).toMatchObject({ onHand: 997, committed: 35 });
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('rolls back a shared transaction when an order fails half-way, then applies each order alone', async () => {
    await core.orders.receive(shopifyEvent('orders/create', shopifyOrder(40_001, [['PLENTY', 2]])), null);
    const [held] = (await core.call('reservations.list', { status: 'held', sku: 'PLENTY', limit: 1 })).reservations;
    expect(held?.reference).toBe('Shopify order #40001');
    // Someone releases the order's reservation by hand; shipping it then fails after the group wrote.
    await core.call('reservations.release', { id: held?.id as string });
    const before = (await stock('PLENTY')).committed;
    const [paid, other] = await Promise.all([
      core.orders.receive(shopifyEvent('orders/paid', shopifyOrder(40_001, [['PLENTY', 2]])), 'g-1'),
      core.orders.receive(shopifyEvent('orders/create', shopifyOrder(40_002, [['PLENTY', 1]])), 'g-2'),
    ]);
    expect(paid).toMatchObject({ outcome: 'exception', state: 'reserved' });
    expect(paid.message).toContain('already released');
    expect(other).toMatchObject({ outcome: 'reserved' });
    expect((await stock('PLENTY')).committed).toBe(before + 1);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('stores the longest references and ids a channel may send (column limits on PostgreSQL)', async () => {
    const order = { ...shopifyOrder(50_001, [['PLENTY', 1]]), id: 'gid://shopify/Order/'.padEnd(64, '9'), name: '#'.padEnd(200, 'N') };
    const result = await core.orders.receive(shopifyEvent('orders/create', order), 'd'.repeat(300));
    expect(result.outcome).toBe('reserved');
    expect(result.reference?.length).toBe(200);
    const unknown = await core.orders.receive(shopifyEvent('orders/create', { ...order, id: 50_002, line_items: [{ id: 1, sku: 'S'.repeat(500), quantity: 1 }] }), null);
    expect(unknown.outcome).toBe('exception');
  });

  it('applies out-of-order 3PL counts by their time, not their arrival', async () => {
    const at = (h: number) => `2026-11-26T${String(h).padStart(2, '0')}:00:00Z`;
    const deliveries = [
      [{ sku: 'SCARCE', location: 'main', onHand: 14, countedAt: at(9) }],
      [{ sku: 'SCARCE', location: 'main', onHand: 12, countedAt: at(7) }],
      [{ sku: 'SCARCE', location: 'main', onHand: 16, countedAt: at(11) }],
      [{ sku: 'SCARCE', location: 'main', onHand: 11, countedAt: at(10) }],
    ];
    const outcomes = [];
    for (const counts of deliveries) outcomes.push((await core.call('stock.counts', { counts })).results[0]?.outcome);
    expect(outcomes).toEqual(['applied', 'stale', 'applied', 'stale']);
    expect(await stock('SCARCE')).toMatchObject({ onHand: 16, committed: 10 });
    expect((await core.checkLedger()).ok).toBe(true);
  });
});
