import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('product list sorting, filters and bulk actions on %s', (engine) => {
  let core: TestCore;
  const skus = (page: { products: Array<{ sku: string }> }) => page.products.map((p) => p.sku);

  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('settings.update', { ...(await core.call('settings.get', {})), bufferStock: 2 });
    await core.call('locations.create', { code: 'shop', name: 'Shop' });
    await core.call('products.create', productInput('A-1', { title: 'Zebra mug', price: '5.00' }));
    await core.call('products.create', productInput('B-1', { title: 'Apple cup', price: '20.00', itemGroupId: 'CUP' }));
    await core.call('products.create', productInput('C-1', { title: 'Mango cup', price: '1.00', itemGroupId: 'CUP' }));
    await core.call('products.create', productInput('D-1', { title: 'Kiwi plate', price: '7.50' }));
    await core.call('stock.receive', { sku: 'A-1', quantity: 10 });
    await core.call('stock.receive', { sku: 'B-1', quantity: 2, location: 'shop' });
    await core.call('stock.receive', { sku: 'D-1', quantity: 4 });
    await core.call('reservations.create', { sku: 'D-1', quantity: 4, reference: 'R-1' });
    await core.call('products.update', { idOrSku: 'D-1', status: 'archived' });
  });
  afterAll(async () => core?.cleanup());

  it('keeps the cursor paging by SKU as before', async () => {
    const first = await core.call('products.list', { limit: 2 });
    expect(skus(first)).toEqual(['A-1', 'B-1']);
    expect(first.total).toBeUndefined();
    const second = await core.call('products.list', { limit: 2, cursor: first.next ?? '' });
    expect(skus(second)).toEqual(['C-1', 'D-1']);
    expect(second.next).toBeNull();
  });

  it('sorts by title, price, on hand and available, both ways, with offset paging and a total', async () => {
    expect(skus(await core.call('products.list', { sort: 'title', offset: 0 }))).toEqual(['B-1', 'D-1', 'C-1', 'A-1']);
    expect(skus(await core.call('products.list', { sort: 'price', direction: 'desc', offset: 0 }))).toEqual(['B-1', 'D-1', 'A-1', 'C-1']);
    expect(skus(await core.call('products.list', { sort: 'onHand', direction: 'desc', offset: 0 }))).toEqual(['A-1', 'D-1', 'B-1', 'C-1']);
    // D-1's four units are all reserved: nothing available, like C-1 (ties by SKU).
    expect(skus(await core.call('products.list', { sort: 'available', offset: 0 }))).toEqual(['C-1', 'D-1', 'B-1', 'A-1']);
    const page = await core.call('products.list', { sort: 'sku', direction: 'desc', offset: 1, limit: 2 });
    expect(skus(page)).toEqual(['C-1', 'B-1']);
    expect(page.total).toBe(4);
    expect(page.next).toBeNull();
  });

  it('filters by stock state, location, status and variant group', async () => {
    const by = async (input: Parameters<typeof core.call<'products.list'>>[1]) => skus(await core.call('products.list', { offset: 0, ...input }));
    expect(await by({ stock: 'in_stock' })).toEqual(['A-1']);
    expect(await by({ stock: 'low' })).toEqual(['B-1']);
    expect(await by({ stock: 'out_of_stock' })).toEqual(['C-1', 'D-1']);
    expect(await by({ stock: 'out_of_stock', status: 'active' })).toEqual(['C-1']);
    expect(await by({ location: 'shop' })).toEqual(['B-1']);
    expect(await by({ location: 'main', sort: 'onHand' })).toEqual(['D-1', 'A-1']);
    expect(await by({ itemGroupId: 'CUP' })).toEqual(['B-1', 'C-1']);
    expect(await by({ query: 'cup', stock: 'low' })).toEqual(['B-1']);
    const counted = await core.call('products.list', { offset: 0, query: 'cup', limit: 1 });
    expect(counted.total).toBe(2);
  });

  it('finds a title by a word that starts with a capital past ASCII, typed in either case', async () => {
    await core.call('products.create', productInput('U-1', { title: 'Überraschungstasse', price: '3.00' }));
    await core.call('products.create', productInput('O-1', { title: 'Crème brûlée Ø 24 cm', price: '3.00' }));
    await core.call('products.create', productInput('E-1', { title: 'Moule à ÉCLAIRS', price: '3.00' }));
    try {
      const found = async (query: string) => skus(await core.call('products.list', { offset: 0, query }));
      for (const query of ['Über', 'über', 'ÜBERRASCHUNG']) expect(await found(query), query).toEqual(['U-1']);
      for (const query of ['Ø 24', 'ø 24', 'CRÈME BRÛLÉE', 'crème']) expect(await found(query), query).toEqual(['O-1']);
      for (const query of ['éclairs', 'Éclairs', 'à écl']) expect(await found(query), query).toEqual(['E-1']);
      // The tabs' counts read the same search.
      expect((await core.call('products.counts', { query: 'über' })).total).toBe(1);
    } finally {
      for (const sku of ['U-1', 'O-1', 'E-1']) await core.call('products.delete', { idOrSku: sku });
    }
  });

  it('explains paging and filter mistakes', async () => {
    await expect(core.call('products.list', { sort: 'price' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'offset' }] },
    });
    await expect(core.call('products.list', { location: 'nowhere', offset: 0 })).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'There is no location with the code "nowhere"',
    });
    await expect(core.call('products.list', { sort: 'colour' as 'sku', offset: 0 })).rejects.toMatchObject({
      details: { issues: [{ path: 'sort', message: 'sort is one of sku, title, price, onHand, available' }] },
    });
  });

  it('archives and sets the buffer of several products at once, all or nothing', async () => {
    const before = (await core.call('changes.latest', {})).seq;
    await expect(core.call('products.bulk', { skus: ['A-1', 'NOPE-1'], action: 'archive' })).rejects.toMatchObject({ code: 'not_found' });
    expect((await core.call('changes.latest', {})).seq).toBe(before);
    await expect(core.call('products.bulk', { skus: ['A-1'], action: 'buffer' })).rejects.toMatchObject({
      details: { issues: [{ path: 'bufferStock' }] },
    });

    expect(await core.call('products.bulk', { skus: ['A-1', 'B-1'], action: 'buffer', bufferStock: 10 })).toEqual({ updated: 2, unchanged: 0 });
    expect((await core.call('products.get', { idOrSku: 'A-1' })).stock.availability).toBe('out_of_stock');
    expect(await core.call('products.bulk', { skus: ['C-1', 'D-1'], action: 'archive' })).toEqual({ updated: 1, unchanged: 1 });
    const { changes } = await core.call('changes.list', { since: before, limit: 100, type: 'product.updated' });
    expect(changes.map((c) => `${c.type} ${c.sku}`)).toEqual(['product.updated A-1', 'product.updated B-1', 'product.updated C-1']);
    expect(changes[2]?.payload).toMatchObject({ changed: ['status'], after: { status: 'archived' } });
  });
});
