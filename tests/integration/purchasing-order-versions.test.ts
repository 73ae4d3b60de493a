/**
 * A draft's update can name the version it was made from (`expectedUpdatedAt`): a save made on top
 * of a version someone else has changed since is refused with 409 instead of overwriting that
 * change, and each update gives the PO a later `updatedAt`, even two in the same millisecond.
 * Clients that send no version keep updating as before.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { laterThan } from '../../electron/core/util/later-than';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe('laterThan', () => {
  it('takes now when it is later, else one millisecond after the previous stamp', () => {
    expect(laterThan('2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00.005Z')).toBe('2026-12-06T10:00:00.005Z');
    expect(laterThan('2026-12-06T10:00:00.005Z', '2026-12-06T10:00:00.005Z')).toBe('2026-12-06T10:00:00.006Z');
    // A clock set back.
    expect(laterThan('2026-12-06T10:00:00.999Z', '2026-12-06T09:59:00.000Z')).toBe('2026-12-06T10:00:01.000Z');
  });
});

describe.each(engines())('purchase order versions on %s', (engine) => {
  let core: TestCore;
  let supplierId: string;
  const head = async () => (await core.call('changes.latest', {})).seq;

  beforeAll(async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    for (const sku of ['MUG', 'CUP']) await core.call('products.create', productInput(sku, { price: '12.00', currency: 'EUR' }));
    supplierId = (await core.call('suppliers.create', { name: 'Potter & Co', currency: 'EUR', leadTimeDays: 10 })).id;
  });
  afterAll(async () => core?.cleanup());

  it('refuses a save made from a version changed since, keeps the other change and logs nothing', async () => {
    const draft = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'MUG', quantity: 12, unitCost: '4.00' }] });
    const line = draft.lines[0]?.id as string;
    // Anna saves on top of the version she loaded: accepted.
    const anna = await core.call('purchaseOrders.update', {
      id: draft.id,
      expectedUpdatedAt: draft.updatedAt,
      lines: [{ id: line, sku: 'MUG', quantity: 24, unitCost: '4.00' }],
    });
    expect(anna.lines[0]).toMatchObject({ id: line, quantity: 24 });
    expect(anna.updatedAt > draft.updatedAt).toBe(true);

    // Ben still has the first version on screen: his save would undo Anna's 24.
    const before = await head();
    await expect(
      core.call('purchaseOrders.update', { id: draft.id, expectedUpdatedAt: draft.updatedAt, lines: [{ id: line, sku: 'MUG', quantity: 12, unitCost: '5.00' }, { sku: 'CUP', quantity: 1, unitCost: '2.00' }] }),
    ).rejects.toMatchObject({ code: 'conflict', details: { field: 'updatedAt', updatedAt: anna.updatedAt, status: 'draft' } });
    expect((await core.call('purchaseOrders.get', { id: draft.id })).lines).toEqual([expect.objectContaining({ id: line, quantity: 24, unitCost: '4.00' })]);
    expect(await head()).toBe(before);

    // Loaded again, his save goes through; a client that names no version is not checked.
    const ben = await core.call('purchaseOrders.update', { id: draft.id, expectedUpdatedAt: anna.updatedAt, lines: [{ id: line, sku: 'MUG', quantity: 24, unitCost: '5.00' }] });
    expect(ben.lines[0]).toMatchObject({ quantity: 24, unitCost: '5.00' });
    const script = await core.call('purchaseOrders.update', { id: draft.id, notes: 'from a script' });
    expect(script.notes).toBe('from a script');
    await core.call('purchaseOrders.cancel', { id: draft.id });
  });

  it('lets exactly one of two saves made from the same version through, and stamps every update later', async () => {
    const draft = await core.call('purchaseOrders.create', { supplierId, lines: [{ sku: 'MUG', quantity: 1, unitCost: '4.00' }] });
    const outcomes = await Promise.allSettled(
      [2, 3].map((quantity) => core.call('purchaseOrders.update', { id: draft.id, expectedUpdatedAt: draft.updatedAt, lines: [{ sku: 'MUG', quantity, unitCost: '4.00' }] })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)).toEqual([expect.objectContaining({ code: 'conflict' })]);

    // Updates within one millisecond (the clock held still, as for updates in one batch): each gets a stamp of its own.
    const stamps: string[] = [];
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    try {
      for (let i = 0; i < 5; i++) stamps.push((await core.call('purchaseOrders.update', { id: draft.id, notes: `note ${i}` })).updatedAt);
    } finally {
      vi.useRealTimers();
    }
    for (let i = 1; i < stamps.length; i++) expect(stamps[i] as string > (stamps[i - 1] as string)).toBe(true);
    await core.call('purchaseOrders.cancel', { id: draft.id });
  });
});
