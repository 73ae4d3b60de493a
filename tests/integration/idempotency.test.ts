import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('idempotent writes on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('IDEM-1'));
  });
  afterAll(async () => core?.cleanup());

  it('a repeated key returns the first result and changes nothing', async () => {
    const first = await core.call('stock.receive', { sku: 'IDEM-1', quantity: 4, idempotencyKey: 'webhook-123' });
    const changesAfterFirst = (await core.call('changes.list', { since: 0, limit: 1000 })).next;
    const replay = await core.call('stock.receive', { sku: 'idem-1 ', quantity: 4, idempotencyKey: 'webhook-123' });
    expect(replay).toEqual(first);
    expect((await core.call('stock.get', { sku: 'IDEM-1' })).onHand).toBe(4);
    expect((await core.call('changes.list', { since: 0, limit: 1000 })).next).toBe(changesAfterFirst);
    expect((await core.call('movements.list', { sku: 'IDEM-1' })).movements).toHaveLength(1);
  });

  it('the same key with a different body is a conflict and changes nothing', async () => {
    await expect(core.call('stock.receive', { sku: 'IDEM-1', quantity: 5, idempotencyKey: 'webhook-123' })).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
    await expect(core.call('stock.adjust', { sku: 'IDEM-1', quantity: 4, reason: 'x', idempotencyKey: 'webhook-123' })).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
    expect((await core.call('stock.get', { sku: 'IDEM-1' })).onHand).toBe(4);
  });

  it('concurrent retries of one request count once, even inside one group commit', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => core.call('stock.receive', { sku: 'IDEM-1', quantity: 1, idempotencyKey: 'retry-storm' })),
    );
    expect(new Set(results.map((r) => r.seq)).size).toBe(1);
    expect((await core.call('stock.get', { sku: 'IDEM-1' })).onHand).toBe(5);
  });

  it('reservations and product writes are idempotent too', async () => {
    const r1 = await core.call('reservations.create', { sku: 'IDEM-1', quantity: 1, reference: 'O-1', idempotencyKey: 'res-1' });
    const r2 = await core.call('reservations.create', { sku: 'IDEM-1', quantity: 1, reference: 'O-1', idempotencyKey: 'res-1' });
    expect(r2.id).toBe(r1.id);
    expect((await core.call('stock.get', { sku: 'IDEM-1' })).committed).toBe(1);
    const f1 = await core.call('reservations.fulfil', { id: r1.id, idempotencyKey: 'ship-1' });
    const f2 = await core.call('reservations.fulfil', { id: r1.id, idempotencyKey: 'ship-1' });
    expect(f2).toEqual(f1);

    const p1 = await core.call('products.create', { ...productInput('IDEM-2'), idempotencyKey: 'create-2' });
    const p2 = await core.call('products.create', { ...productInput('IDEM-2'), idempotencyKey: 'create-2' });
    expect(p2.id).toBe(p1.id);
    const u1 = await core.call('products.update', { idOrSku: 'IDEM-2', price: '5.00', idempotencyKey: 'price-2' });
    const u2 = await core.call('products.update', { idOrSku: 'IDEM-2', price: '5.00', idempotencyKey: 'price-2' });
    expect(u2.updatedAt).toBe(u1.updatedAt);
    expect(await core.checkLedger()).toMatchObject({ ok: true });
  });
});
