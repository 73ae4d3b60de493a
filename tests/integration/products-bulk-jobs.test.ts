/**
 * Changing many products: products.bulk's new actions (all or nothing), and bulk jobs that take
 * the Products list's filter or SKUs, run in batches of one transaction each with progress, can be
 * cancelled, apply to the products that can take the change and report the others with reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkJob } from '../../shared/schemas/product-bulk';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

/** Waits until the job is no longer running (a job answers at once; it runs in the core). */
async function settled(core: TestCore, id: string): Promise<BulkJob> {
  for (let i = 0; i < 500; i++) {
    const job = await core.call('products.bulkJobs.get', { id });
    if (job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`bulk job ${id} still running`);
}

function deferred(): { promise: Promise<void>; release(): void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe.each(engines())('bulk edits and bulk jobs on %s', (engine) => {
  let core: TestCore;
  const price = async (sku: string) => {
    const p = await core.call('products.get', { idOrSku: sku });
    return [p.price, p.salePrice];
  };

  beforeAll(async () => {
    core = await startCore(engine, { bulkBatchSize: 4 });
    for (let i = 1; i <= 20; i++) {
      const sku = `MUG-${String(i).padStart(2, '0')}`;
      await core.call('products.create', productInput(sku, { title: i % 2 ? `Blue mug ${i}` : `Red mug ${i}`, price: '10.00' }));
    }
    await core.call('products.create', productInput('YEN-1', { title: 'Blue bowl', price: '999', currency: 'JPY' }));
    await core.call('products.create', productInput('SALE-1', { title: 'Blue plate', price: '20.00', salePrice: '15.00' }));
  });
  afterAll(async () => core?.cleanup());

  it('products.bulk sets prices, sale prices and statuses, all or nothing', async () => {
    expect(await core.call('products.bulk', { skus: ['MUG-01', 'MUG-02'], action: 'price', percent: 10 })).toEqual({ updated: 2, unchanged: 0 });
    expect(await price('MUG-01')).toEqual(['11.00', null]);
    // 9.99 + 10 % is 10.989: rounded half up to the cent.
    await core.call('products.bulk', { skus: ['MUG-01'], action: 'price', price: '9.99' });
    await core.call('products.bulk', { skus: ['MUG-01'], action: 'price', percent: 10 });
    expect(await price('MUG-01')).toEqual(['10.99', null]);
    await core.call('products.bulk', { skus: ['MUG-01', 'MUG-02'], action: 'price', price: '10.00' });

    // A price cut to or below a sale price is refused with the product and why; nothing changes.
    const before = (await core.call('changes.latest', {})).seq;
    await expect(core.call('products.bulk', { skus: ['MUG-01', 'SALE-1'], action: 'price', price: '15.00' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'skus', message: expect.stringContaining('SALE-1: its sale price 15.00 USD would not be below the new price 15.00 USD') }] },
    });
    // JPY has no minor unit: an amount with cents is refused for that product.
    await expect(core.call('products.bulk', { skus: ['YEN-1'], action: 'price', price: '12.50' })).rejects.toMatchObject({
      details: { issues: [{ path: 'skus', message: expect.stringContaining('YEN-1: JPY has no minor unit') }] },
    });
    expect((await core.call('changes.latest', {})).seq).toBe(before);
    expect(await price('MUG-01')).toEqual(['10.00', null]);

    // Sale prices: a percentage off the price, a set amount, removed.
    expect(await core.call('products.bulk', { skus: ['MUG-03', 'YEN-1'], action: 'salePrice', percentOff: 25 })).toEqual({ updated: 2, unchanged: 0 });
    expect(await price('MUG-03')).toEqual(['10.00', '7.50']);
    // 999 JPY less 25 % is 749.25: the yen has no minor unit, so 749.
    expect(await price('YEN-1')).toEqual(['999', '749']);
    await expect(core.call('products.bulk', { skus: ['MUG-03'], action: 'salePrice', salePrice: '10.00' })).rejects.toMatchObject({
      details: { issues: [{ message: expect.stringContaining('MUG-03: the sale price 10.00 USD would not be below its price 10.00 USD') }] },
    });
    await core.call('products.bulk', { skus: ['MUG-03', 'YEN-1'], action: 'salePrice', salePrice: null });
    expect(await price('MUG-03')).toEqual(['10.00', null]);

    // Statuses: archive, unarchive, discontinue.
    expect(await core.call('products.bulk', { skus: ['MUG-04', 'MUG-05'], action: 'status', status: 'discontinued' })).toEqual({ updated: 2, unchanged: 0 });
    expect(await core.call('products.bulk', { skus: ['MUG-04', 'MUG-06'], action: 'archive' })).toEqual({ updated: 2, unchanged: 0 });
    expect(await core.call('products.bulk', { skus: ['MUG-04', 'MUG-06', 'MUG-07'], action: 'unarchive' })).toEqual({ updated: 2, unchanged: 1 });
    await core.call('products.bulk', { skus: ['MUG-05'], action: 'status', status: 'active' });
    expect((await core.call('products.get', { idOrSku: 'MUG-04' })).status).toBe('active');
  });

  it('names every field an action needs or does not take', async () => {
    await expect(core.call('products.bulk', { skus: ['MUG-01'], action: 'price' })).rejects.toMatchObject({
      details: { issues: [{ path: 'price', message: 'give either price or percent for the action price' }] },
    });
    await expect(core.call('products.bulk', { skus: ['MUG-01'], action: 'price', price: '1.00', percent: 5 })).rejects.toMatchObject({
      details: { issues: [{ path: 'price' }] },
    });
    await expect(core.call('products.bulk', { skus: ['MUG-01'], action: 'status' })).rejects.toMatchObject({
      details: { issues: [{ path: 'status', message: 'status is required for the action status' }] },
    });
    await expect(core.call('products.bulk', { skus: ['MUG-01'], action: 'archive', bufferStock: 3 })).rejects.toMatchObject({
      details: { issues: [{ path: 'bufferStock', message: 'bufferStock does not go with the action archive' }] },
    });
    await expect(core.call('products.bulk', { skus: ['MUG-01'], action: 'price', percent: 12.345 })).rejects.toMatchObject({
      details: { issues: [{ path: 'percent', message: 'percent has two decimals at most' }] },
    });
    await expect(core.call('products.bulk', { skus: ['MUG-01'], action: 'salePrice', percentOff: 100 })).rejects.toMatchObject({
      details: { issues: [{ path: 'percentOff', message: 'percentOff is at most 99.99' }] },
    });
    await expect(core.call('products.bulkJobs.start', { action: 'archive' })).rejects.toMatchObject({
      details: { issues: [{ path: 'filter', message: 'name the products either by skus or by filter' }] },
    });
  });

  it('runs a job over the list filter in batches, one change-log entry per product, and reports its progress', async () => {
    const before = (await core.call('changes.latest', {})).seq;
    // Each committed transaction reaches the bus as one batch of changes.
    const batches: number[] = [];
    const unsubscribe = core.bus.subscribe((committed) => batches.push(committed.filter((c) => c.type === 'product.updated').length));
    const matching = await core.call('products.list', { query: 'blue mug', offset: 0 });
    expect(matching.total).toBe(10);
    const started = await core.call('products.bulkJobs.start', { filter: { query: 'blue mug', status: 'active' }, action: 'price', percent: -20 });
    expect(started).toMatchObject({ state: 'running', action: 'price', total: 10, processed: 0 });
    const done = await settled(core, started.id);
    expect(done).toMatchObject({ state: 'finished', total: 10, processed: 10, updated: 10, unchanged: 0, refused: 0, refusals: [], error: null });
    expect(done.finishedAt).not.toBeNull();
    for (const p of (await core.call('products.list', { query: 'blue mug', offset: 0 })).products) expect(p.price).toBe('8.00');
    expect((await core.call('products.get', { idOrSku: 'MUG-02' })).price).toBe('10.00');
    const { changes } = await core.call('changes.list', { since: before, limit: 100 });
    expect(changes.filter((c) => c.type === 'product.updated').map((c) => c.sku)).toEqual(matching.products.map((p) => p.sku));
    expect(changes[0]?.payload).toMatchObject({ changed: ['price'], before: { price: '10.00' }, after: { price: '8.00' } });
    // Ten products in batches of four: three transactions.
    unsubscribe();
    expect(batches.filter((n) => n > 0)).toEqual([4, 4, 2]);
    expect((await core.call('products.bulkJobs.list', {})).jobs[0]).toMatchObject({ id: started.id, state: 'finished' });
  });

  it('applies a job to the products that can take it and lists the others with the reason', async () => {
    await core.call('products.bulk', { skus: ['MUG-02'], action: 'salePrice', salePrice: '9.50' });
    const started = await core.call('products.bulkJobs.start', { skus: ['MUG-02', 'MUG-04', 'NOPE-1', 'YEN-1'], action: 'price', price: '9.50' });
    const done = await settled(core, started.id);
    expect(done).toMatchObject({ state: 'finished', total: 4, processed: 4, updated: 1, unchanged: 0, refused: 3 });
    expect(done.refusals).toEqual([
      { sku: 'MUG-02', message: 'its sale price 9.50 USD would not be below the new price 9.50 USD; change or remove the sale price first' },
      { sku: 'NOPE-1', message: 'no product has this SKU' },
      { sku: 'YEN-1', message: 'JPY has no minor unit; write 9 without decimals' },
    ]);
    expect(await price('MUG-04')).toEqual(['9.50', null]);
    expect(await price('MUG-02')).toEqual(['10.00', '9.50']);
  });

  it('shows progress between batches and stops after the batch in progress when cancelled', async () => {
    // Hold the write path after the job's first batch, to look at the job between batches.
    const gate = deferred();
    const started = await core.call('products.bulkJobs.start', { filter: { query: 'mug' }, action: 'buffer', bufferStock: 7 });
    const held = core.queue.exclusive(() => gate.promise);
    let job = started;
    for (let i = 0; i < 200 && job.processed === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      job = await core.call('products.bulkJobs.get', { id: started.id });
    }
    expect(job).toMatchObject({ state: 'running', total: 20, processed: 4, updated: 4 });
    const cancelling = core.call('products.bulkJobs.cancel', { id: started.id });
    gate.release();
    await held;
    const cancelled = await cancelling;
    expect(cancelled).toMatchObject({ state: 'cancelled', total: 20, processed: 4, updated: 4 });
    const buffered = (await core.call('products.list', { query: 'mug', offset: 0 })).products.filter((p) => p.bufferStock === 7);
    expect(buffered).toHaveLength(4);
    // Cancelling a job that has ended changes nothing.
    expect(await core.call('products.bulkJobs.cancel', { id: started.id })).toMatchObject({ state: 'cancelled', processed: 4 });
    await expect(core.call('products.bulkJobs.get', { id: '0190d0a0-0000-7000-8000-000000000000' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('starts a job once per Idempotency-Key and queues a webhook delivery for every product it changes', async () => {
    await core.call('webhooks.create', { url: 'https://hooks.example.com/stockfeed', eventTypes: ['product.updated'] });
    const deliveries = async () => Number(((await core.db('webhook_deliveries').count({ n: '*' }).first()) as { n: number | string }).n);
    const before = await deliveries();
    const input = { filter: { status: 'active' as const, query: 'red mug' }, action: 'archive' as const, idempotencyKey: 'archive-red-1' };
    const first = await core.call('products.bulkJobs.start', input);
    const again = await core.call('products.bulkJobs.start', input);
    expect(again.id).toBe(first.id);
    const done = await settled(core, first.id);
    expect(done).toMatchObject({ state: 'finished', total: 10, updated: 10 });
    expect(await deliveries()).toBe(before + 10);
    expect(await core.call('products.counts', { query: 'red mug' })).toEqual({ byStatus: { active: 0, archived: 10, discontinued: 0 }, total: 10 });
    await expect(core.call('products.bulkJobs.start', { ...input, action: 'unarchive' })).rejects.toMatchObject({ code: 'idempotency_conflict' });
  });
});
