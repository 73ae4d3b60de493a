/**
 * A product update can name the version it was made from (`expectedUpdatedAt`): a save made on top
 * of a version someone else has changed since is refused with 409 instead of overwriting that
 * change, and each change gives the product a later `updatedAt`, even two in the same
 * millisecond. Clients that send no version (and those echoing `updatedAt` from a GET) keep
 * updating as before; stock movements do not change the version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('product versions on %s', (engine) => {
  let core: TestCore;
  const head = async () => (await core.call('changes.latest', {})).seq;

  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  it('refuses a save made from a version changed since, keeps the other change and logs nothing', async () => {
    const mug = await core.call('products.create', productInput('MUG', { price: '12.00', currency: 'EUR' }));
    const anna = await core.call('products.update', { idOrSku: mug.id, price: '13.00', expectedUpdatedAt: mug.updatedAt });
    expect(anna.updatedAt > mug.updatedAt).toBe(true);

    const before = await head();
    await expect(core.call('products.update', { idOrSku: mug.id, price: '14.00', expectedUpdatedAt: mug.updatedAt })).rejects.toMatchObject({
      code: 'conflict',
      details: { field: 'updatedAt', updatedAt: anna.updatedAt },
    });
    expect((await core.call('products.get', { idOrSku: 'MUG' })).price).toBe('13.00');
    expect(await head()).toBe(before);

    // Redone on top of the current version; and without a version, or with a GET echoed back, as before.
    expect((await core.call('products.update', { idOrSku: mug.id, price: '14.00', expectedUpdatedAt: anna.updatedAt })).price).toBe('14.00');
    expect((await core.call('products.update', { idOrSku: mug.id, title: 'Blue mug' })).title).toBe('Blue mug');
    const got = await core.call('products.get', { idOrSku: 'MUG' });
    expect((await core.call('products.update', { ...got, idOrSku: got.id, updatedAt: mug.updatedAt, brand: 'Fjord' })).brand).toBe('Fjord');
  });

  it('lets only one of two saves made from the same version through, even in one batch', async () => {
    const cup = await core.call('products.create', productInput('CUP', { price: '8.00', currency: 'EUR' }));
    const results = await Promise.allSettled(['Red cup', 'Green cup'].map((title) => core.call('products.update', { idOrSku: cup.id, title, expectedUpdatedAt: cup.updatedAt })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['conflict']);
  });

  it('keeps the version through stock movements, so counting stock does not block an edit', async () => {
    const bowl = await core.call('products.create', productInput('BOWL', { price: '9.00', currency: 'EUR' }));
    await core.call('stock.receive', { sku: 'BOWL', quantity: 5 });
    expect((await core.call('products.update', { idOrSku: bowl.id, brand: 'Fjord', expectedUpdatedAt: bowl.updatedAt })).brand).toBe('Fjord');
  });
});
