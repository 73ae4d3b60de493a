import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compensationFor } from '../../shared/domain/stock-undo';
import type { StockResult } from '../../shared/schemas/stock';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('undoing stock entries with compensating movements on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('locations.create', { code: 'shop', name: 'Shop' });
    await core.call('products.create', productInput('CUP-1'));
  });
  afterAll(async () => core?.cleanup());

  async function undo(action: 'receive' | 'adjust' | 'count' | 'transfer', result: StockResult): Promise<StockResult | null> {
    const c = compensationFor(action, result);
    if (!c) return null;
    if (c.action === 'adjust') return core.call('stock.adjust', c.input);
    if (c.action === 'return') return core.call('stock.return', c.input);
    return core.call('stock.transfer', c.input);
  }

  it('takes back a receipt, once, however often it is asked', async () => {
    const received = await core.call('stock.receive', { sku: 'CUP-1', quantity: 5 });
    const undone = await undo('receive', received);
    expect(undone?.stock.onHand).toBe(0);
    // A second click (or a retry) replays the same idempotent answer: no second movement.
    const again = await undo('receive', received);
    expect(again?.movements[0]?.id).toBe(undone?.movements[0]?.id);
    const ledger = await core.call('movements.list', { sku: 'CUP-1' });
    expect(ledger.movements.map((m) => [m.kind, m.quantity, m.reason])).toEqual([
      ['adjust', -5, `undo of receipt ${received.movements[0]?.id}`],
      ['receive', 5, null],
    ]);
  });

  it('gives back what a count removed and keeps a sale made after it', async () => {
    await core.call('stock.receive', { sku: 'CUP-1', quantity: 10 });
    const counted = await core.call('stock.count', { sku: 'CUP-1', quantity: 7 });
    const order = await core.call('reservations.create', { sku: 'CUP-1', quantity: 2, reference: 'ORDER-1' });
    await core.call('reservations.fulfil', { id: order.id });
    const undone = await undo('count', counted);
    // 10 received, the count said 7 (−3), 2 sold: undoing the count gives 8, not the 10 before it.
    expect(undone?.stock.onHand).toBe(8);
    // A count that found what the books said changed nothing, so there is nothing to undo.
    const matched = await core.call('stock.count', { sku: 'CUP-1', quantity: 8 });
    expect(await undo('count', matched)).toBeNull();
  });

  it('moves a transfer back, and says so when the units have gone meanwhile', async () => {
    const moved = await core.call('stock.transfer', { sku: 'CUP-1', quantity: 3, toLocation: 'shop' });
    const back = await undo('transfer', moved);
    expect(back?.stock.byLocation.map((l) => [l.location, l.onHand])).toEqual([
      ['main', 8],
      ['shop', 0],
    ]);
    const again = await core.call('stock.transfer', { sku: 'CUP-1', quantity: 3, toLocation: 'shop' });
    await core.call('stock.adjust', { sku: 'CUP-1', location: 'shop', quantity: -2, reason: 'broken' });
    await expect(undo('transfer', again)).rejects.toMatchObject({ code: 'insufficient_stock' });
    expect((await core.checkLedger()).ok).toBe(true);
  });
});
