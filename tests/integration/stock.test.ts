import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the call to fail');
}

describe.each(engines())('stock ledger on %s', (engine) => {
  let core: TestCore;

  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('locations.create', { code: 'shop', name: 'High street shop' });
  });
  afterAll(async () => core?.cleanup());

  it('receives, adjusts, counts, transfers and returns, with the ledger equal to the stock', async () => {
    await core.call('products.create', productInput('LEDGER-1'));
    const received = await core.call('stock.receive', { sku: 'ledger-1', quantity: 10, reference: 'PO-1' });
    expect(received.stock).toMatchObject({ sku: 'LEDGER-1', onHand: 10, committed: 0, available: 10 });
    expect(received.movements).toHaveLength(1);
    expect(received.movements[0]).toMatchObject({ kind: 'receive', quantity: 10, reference: 'PO-1', location: 'main' });

    const adjusted = await core.call('stock.adjust', { sku: 'LEDGER-1', quantity: -2, reason: 'damaged in transit' });
    expect(adjusted.stock.onHand).toBe(8);
    expect(adjusted.movements[0]).toMatchObject({ kind: 'adjust', quantity: -2, reason: 'damaged in transit' });

    const counted = await core.call('stock.count', { sku: 'LEDGER-1', quantity: 5 });
    expect(counted.stock.onHand).toBe(5);
    expect(counted.movements[0]).toMatchObject({ kind: 'count', quantity: -3 });

    const moved = await core.call('stock.transfer', { sku: 'LEDGER-1', quantity: 2, toLocation: 'shop' });
    expect(moved.movements.map((m) => [m.location, m.quantity])).toEqual([
      ['main', -2],
      ['shop', 2],
    ]);
    expect(moved.movements[0]?.transferId).toBeTruthy();
    expect(moved.movements[0]?.transferId).toBe(moved.movements[1]?.transferId);
    expect(moved.stock.byLocation).toEqual([
      { location: 'main', onHand: 3, committed: 0, incoming: 0, available: 3 },
      { location: 'shop', onHand: 2, committed: 0, incoming: 0, available: 2 },
    ]);

    const returned = await core.call('stock.return', { sku: 'LEDGER-1', location: 'shop', quantity: 1, reason: 'customer return' });
    expect(returned.stock.onHand).toBe(6);

    const stock = await core.call('stock.get', { sku: 'LEDGER-1' });
    expect(stock).toMatchObject({ sku: 'LEDGER-1', onHand: 6, committed: 0, incoming: 0, available: 6 });
    const history = await core.call('movements.list', { sku: 'LEDGER-1' });
    expect(history.movements.map((m) => m.kind)).toEqual(['return', 'transfer', 'transfer', 'count', 'adjust', 'receive']);
    expect(history.movements.reduce((sum, m) => sum + m.quantity, 0)).toBe(6);
    expect(await core.checkLedger()).toMatchObject({ ok: true, mismatches: [] });
  });

  it('refuses to take on-hand stock below what is available, naming the figures', async () => {
    await core.call('products.create', productInput('LOW-1'));
    await core.call('stock.receive', { sku: 'LOW-1', quantity: 3 });
    await core.call('reservations.create', { sku: 'LOW-1', quantity: 2, reference: 'ORDER-1' });
    const error = await rejection(core.call('stock.adjust', { sku: 'LOW-1', quantity: -2, reason: 'lost' }));
    expect(error.code).toBe('insufficient_stock');
    expect(error.message).toContain('only 1 of "Product LOW-1" (LOW-1) available at Main warehouse');
    expect(error.details).toMatchObject({ onHand: 3, committed: 2, available: 1 });
    const transfer = await rejection(core.call('stock.transfer', { sku: 'LOW-1', quantity: 2, toLocation: 'shop' }));
    expect(transfer.code).toBe('insufficient_stock');
    expect((await core.call('stock.get', { sku: 'LOW-1' })).onHand).toBe(3);
  });

  it('needs a reason for an adjustment and rejects unknown SKUs and locations clearly', async () => {
    await expect(core.call('stock.adjust', { sku: 'LOW-1', quantity: 1, reason: '' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'reason', message: expect.stringContaining('needs a reason') }] },
    });
    await expect(core.call('stock.receive', { sku: 'NOPE-404', quantity: 1 })).rejects.toMatchObject({
      code: 'not_found',
      message: 'No product with SKU NOPE-404',
    });
    await expect(core.call('stock.receive', { sku: 'LOW-1', location: 'moon', quantity: 1 })).rejects.toMatchObject({
      code: 'not_found',
      details: { field: 'location' },
    });
    await expect(core.call('stock.receive', { sku: 'LOW-1', quantity: 1.5 })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('reserves, fulfils (a sale) and releases, keeping committed equal to held reservations', async () => {
    await core.call('products.create', productInput('RES-1'));
    await core.call('stock.receive', { sku: 'RES-1', quantity: 5 });
    const a = await core.call('reservations.create', { sku: 'RES-1', quantity: 2, reference: 'ORDER-A' });
    const b = await core.call('reservations.create', { sku: 'RES-1', quantity: 1, reference: 'ORDER-B' });
    expect(a).toMatchObject({ status: 'held', quantity: 2, stock: { onHand: 5, committed: 2, available: 3 } });
    expect(b.stock).toMatchObject({ committed: 3, available: 2 });

    const fulfilled = await core.call('reservations.fulfil', { id: a.id });
    expect(fulfilled).toMatchObject({ status: 'fulfilled', stock: { onHand: 3, committed: 1, available: 2 } });
    const released = await core.call('reservations.release', { id: b.id });
    expect(released).toMatchObject({ status: 'released', stock: { onHand: 3, committed: 0, available: 3 } });

    const again = await rejection(core.call('reservations.release', { id: b.id }));
    expect(again.code).toBe('conflict');
    expect(again.message).toContain('already released');

    const sales = await core.call('movements.list', { sku: 'RES-1' });
    expect(sales.movements[0]).toMatchObject({ kind: 'sale', quantity: -2, reference: 'ORDER-A', reservationId: a.id });
    const held = await core.call('reservations.list', { sku: 'RES-1' });
    expect(held.reservations.map((r) => r.status).sort()).toEqual(['fulfilled', 'released']);
    expect(await core.checkLedger()).toMatchObject({ ok: true });
  });

  it('expires reservations past their expiry', async () => {
    await core.call('products.create', productInput('EXP-1'));
    await core.call('stock.receive', { sku: 'EXP-1', quantity: 2 });
    const soon = new Date(Date.now() + 300).toISOString();
    const r = await core.call('reservations.create', { sku: 'EXP-1', quantity: 2, reference: 'CART-1', expiresAt: soon });
    expect(r.stock.available).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await core.stock.expireReservations()).toBe(1);
    expect((await core.call('stock.get', { sku: 'EXP-1' })).available).toBe(2);
    const [expired] = (await core.call('reservations.list', { sku: 'EXP-1' })).reservations;
    expect(expired?.status).toBe('expired');
  });

  it('allows reserving beyond stock only for products that allow backorders', async () => {
    await core.call('products.create', productInput('BACK-1', { allowBackorder: true }));
    const r = await core.call('reservations.create', { sku: 'BACK-1', quantity: 3, reference: 'PRE-1' });
    expect(r.stock).toMatchObject({ onHand: 0, committed: 3, available: -3 });
    const ship = await rejection(core.call('reservations.fulfil', { id: r.id }));
    expect(ship.code).toBe('insufficient_stock');
    await core.call('stock.receive', { sku: 'BACK-1', quantity: 3 });
    expect((await core.call('reservations.fulfil', { id: r.id })).stock).toMatchObject({ onHand: 0, committed: 0, available: 0 });
  });

  it('never oversells: of many simultaneous reservations for the last units, exactly that many succeed', async () => {
    await core.call('products.create', productInput('LAST-1'));
    await core.call('stock.receive', { sku: 'LAST-1', quantity: 7 });
    const attempts = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => core.call('reservations.create', { sku: 'LAST-1', quantity: 1, reference: `WEB-${i}` })),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(7);
    expect(lost).toHaveLength(53);
    for (const l of lost) expect((l.reason as AppError).code).toBe('insufficient_stock');
    expect(await core.call('stock.get', { sku: 'LAST-1' })).toMatchObject({ onHand: 7, committed: 7, available: 0 });
    expect(await core.checkLedger()).toMatchObject({ ok: true });
  });

  it('never oversells across two processes sharing the database', async () => {
    // A second core on the same database stands for a second process (CLI, another server).
    const other = await startCore(engine, {
      dataDir: core.dataDir,
      databaseUrl: core.config.kind === 'pg' ? core.config.url : undefined,
    });
    try {
      await core.call('products.create', productInput('LAST-2'));
      await core.call('stock.receive', { sku: 'LAST-2', quantity: 5 });
      const attempts = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : core).call('reservations.create', { sku: 'LAST-2', quantity: 1, reference: `MIX-${i}` }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(5);
      for (const a of attempts) {
        if (a.status === 'rejected') expect((a.reason as AppError).code).toBe('insufficient_stock');
      }
      expect(await core.call('stock.get', { sku: 'LAST-2' })).toMatchObject({ committed: 5, available: 0 });
    } finally {
      await other.close();
    }
  });

  it('reports one availability, from locations that sell online, with the buffer applied', async () => {
    await core.call('locations.create', { code: 'backroom', name: 'Back room (not online)', sellsOnline: false });
    await core.call('products.create', productInput('AVAIL-1', { bufferStock: 2 }));
    const none = await core.call('stock.get', { sku: 'AVAIL-1' });
    expect(none).toMatchObject({ availability: 'out_of_stock', availabilityDate: null });
    await core.call('stock.receive', { sku: 'AVAIL-1', location: 'backroom', quantity: 50 });
    expect((await core.call('stock.get', { sku: 'AVAIL-1' })).availability).toBe('out_of_stock');
    const two = await core.call('stock.receive', { sku: 'AVAIL-1', quantity: 2 });
    expect(two.stock.availability).toBe('out_of_stock');
    const three = await core.call('stock.receive', { sku: 'AVAIL-1', quantity: 1 });
    expect(three.stock.availability).toBe('in_stock');
    const reserved = await core.call('reservations.create', { sku: 'AVAIL-1', quantity: 1, reference: 'O-AV' });
    expect(reserved.stock.availability).toBe('out_of_stock');
    expect((await core.call('products.get', { idOrSku: 'AVAIL-1' })).stock.availability).toBe('out_of_stock');
    const updated = await core.call('products.update', { idOrSku: 'AVAIL-1', bufferStock: 0 });
    expect(updated.stock.availability).toBe('in_stock');
    const [listed] = (await core.call('products.list', { query: 'AVAIL-1' })).products;
    expect(listed?.stock).toMatchObject({ availability: 'in_stock', onHand: 53, committed: 1, available: 52 });
    const preorder = await core.call('products.update', { idOrSku: 'AVAIL-1', preorderDate: '2099-01-01' });
    expect(preorder.stock).toMatchObject({ availability: 'preorder', availabilityDate: '2099-01-01' });
    const archived = await core.call('products.update', { idOrSku: 'AVAIL-1', status: 'archived' });
    expect(archived.stock.availability).toBe('discontinued');
  });

  it('keeps the change log strictly increasing, one entry per committed write', async () => {
    const before = await core.call('changes.list', { since: 0, limit: 1000 });
    const start = before.next;
    await core.call('products.create', productInput('SEQ-1'));
    await Promise.all(Array.from({ length: 20 }, () => core.call('stock.receive', { sku: 'SEQ-1', quantity: 1 })));
    const page = await core.call('changes.list', { since: start, limit: 1000 });
    // The first receive also moves SEQ-1 from out of stock to in stock: one availability.changed.
    expect(page.changes.filter((c) => c.type === 'availability.changed')).toHaveLength(1);
    const writes = page.changes.filter((c) => c.type !== 'availability.changed');
    expect(writes).toHaveLength(21);
    expect(writes[0]).toMatchObject({ type: 'product.created', sku: 'SEQ-1' });
    const seqs = page.changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(page.next).toBe(seqs[seqs.length - 1]);
    const onHands = writes.slice(1).map((c) => (c.payload.stock as { onHand: number }).onHand);
    expect(onHands).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const filtered = await core.call('changes.list', { since: start, sku: 'seq-1', type: 'product.created' });
    expect(filtered.changes).toHaveLength(1);
    const empty = await core.call('changes.list', { since: page.next });
    expect(empty).toEqual({ changes: [], next: page.next });
  });
});
