import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('products on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  it('creates a product with a UUID, a normalised SKU, money in minor units and a free slug', async () => {
    const p = await core.call('products.create', {
      sku: '  mug-blue.250 ',
      title: 'Café Mug — Blue',
      price: '12.5',
      salePrice: '9.99',
      currency: 'eur',
      gtin: '4006381333931',
      imageUrl: 'https://cdn.example.com/mug.jpg',
    });
    expect(p.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(p).toMatchObject({
      sku: 'MUG-BLUE.250',
      price: '12.50',
      salePrice: '9.99',
      currency: 'EUR',
      slug: 'cafe-mug-blue',
      status: 'active',
      condition: 'new',
      allowBackorder: false,
      stock: { onHand: 0, committed: 0, incoming: 0, available: 0 },
    });
    const twin = await core.call('products.create', productInput('MUG-RED', { title: 'Café Mug — Blue' }));
    expect(twin.slug).toBe('cafe-mug-blue-2');
    const yen = await core.call('products.create', productInput('YEN-1', { price: '1500', currency: 'JPY' }));
    expect(yen.price).toBe('1500');
  });

  it('rejects bad input with the field and the reason, and writes nothing', async () => {
    const before = (await core.call('changes.list', { since: 0, limit: 1000 })).next;
    await expect(core.call('products.create', productInput('BAD 1'))).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: 'sku', message: expect.stringContaining('letters, digits') }] },
    });
    await expect(core.call('products.create', productInput('BAD-2', { gtin: '4006381333932' }))).rejects.toMatchObject({
      details: { issues: [{ path: 'gtin', message: 'GTIN check digit is 2 but should be 1; check for a typing error' }] },
    });
    await expect(core.call('products.create', productInput('BAD-3', { price: '1.999', currency: 'EUR' }))).rejects.toMatchObject({
      details: { issues: [{ path: 'price', message: 'EUR has 2 decimals at most; "1.999" has 3' }] },
    });
    await expect(core.call('products.create', productInput('BAD-4', { price: '10.00', salePrice: '12.00' }))).rejects.toMatchObject({
      details: { issues: [{ path: 'salePrice', message: 'sale price must be lower than the price' }] },
    });
    await expect(core.call('products.create', { ...productInput('BAD-5'), price: 9.99 as unknown as string })).rejects.toMatchObject({
      details: { issues: [{ path: 'price' }] },
    });
    await expect(core.call('products.create', productInput('MUG-RED'))).rejects.toMatchObject({ code: 'conflict' });
    await expect(core.call('products.create', productInput('BAD-6', { slug: 'cafe-mug-blue' }))).rejects.toMatchObject({
      code: 'conflict',
      details: { field: 'slug' },
    });
    expect((await core.call('changes.list', { since: 0, limit: 1000 })).next).toBe(before);
  });

  it('updates some fields, records what changed, and finds products by id or SKU', async () => {
    const created = await core.call('products.create', productInput('EDIT-1', { title: 'Old title' }));
    const since = (await core.call('changes.list', { since: 0, limit: 1000 })).next;
    const updated = await core.call('products.update', { idOrSku: created.id, title: 'New title', price: '19.00', status: 'archived' });
    expect(updated).toMatchObject({ title: 'New title', price: '19.00', status: 'archived', slug: created.slug });
    expect(await core.call('products.get', { idOrSku: 'edit-1' })).toMatchObject({ id: created.id, title: 'New title' });
    const logged = (await core.call('changes.list', { since })).changes;
    // Archiving also moves its availability to discontinued.
    expect(logged.map((c) => c.type)).toEqual(['product.updated', 'availability.changed']);
    const [change] = logged;
    expect(change).toMatchObject({ type: 'product.updated', sku: 'EDIT-1' });
    expect((change?.payload.changed as string[]).sort()).toEqual(['price', 'status', 'title']);
    // Sending a product back unchanged (as a GET returned it) is accepted and records nothing.
    const { id: _id, ...echo } = updated;
    await core.call('products.update', { idOrSku: created.id, ...echo });
    expect((await core.call('changes.list', { since: (logged[1] as { seq: number }).seq })).changes).toHaveLength(0);
    await expect(core.call('products.get', { idOrSku: 'NOPE' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lists by SKU with a cursor and searches SKU prefix, title and GTIN', async () => {
    for (let i = 0; i < 12; i++) await core.call('products.create', productInput(`PAGE-${String(i).padStart(2, '0')}`, { title: `Page item ${i}` }));
    const first = await core.call('products.list', { query: 'page-', limit: 5 });
    expect(first.products.map((p) => p.sku)).toEqual(['PAGE-00', 'PAGE-01', 'PAGE-02', 'PAGE-03', 'PAGE-04']);
    const second = await core.call('products.list', { query: 'page-', limit: 5, cursor: first.next as string });
    expect(second.products[0]?.sku).toBe('PAGE-05');
    const third = await core.call('products.list', { query: 'page-', limit: 5, cursor: second.next as string });
    expect(third.products.map((p) => p.sku)).toEqual(['PAGE-10', 'PAGE-11']);
    expect(third.next).toBeNull();
    expect((await core.call('products.list', { query: 'MUG — blue' })).products.map((p) => p.sku)).toEqual(['MUG-BLUE.250', 'MUG-RED']);
    expect((await core.call('products.list', { query: '4006381333931' })).products.map((p) => p.sku)).toEqual(['MUG-BLUE.250']);
    expect((await core.call('products.list', { query: '100%' })).products).toEqual([]);
    await expect(core.call('products.list', { cursor: 'garbage' })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('keeps and redacts settings', async () => {
    const initial = await core.call('settings.get', {});
    expect(initial).toMatchObject({ currency: 'USD', defaultLocation: 'main', sftp: { hasPassword: false, password: null } });
    const saved = await core.call('settings.update', {
      ...initial,
      shopName: 'Corner Shop',
      currency: 'EUR',
      productUrlTemplate: 'https://shop.example.com/p/{slug}',
      sftp: { ...initial.sftp, password: 's3cret' },
    });
    expect(saved.sftp).toMatchObject({ password: null, hasPassword: true });
    expect(JSON.stringify(saved)).not.toContain('s3cret');
    const again = await core.call('settings.update', { ...saved, shopName: 'Corner Shop Ltd' });
    expect(again.sftp.hasPassword).toBe(true);
    const p = await core.call('products.create', { sku: 'EURO-1', title: 'Euro', price: '1.00' });
    expect(p.currency).toBe('EUR');
    await expect(core.call('settings.update', { ...again, productUrlTemplate: 'https://shop.example.com/p/' })).rejects.toMatchObject({
      details: { issues: [{ path: 'productUrlTemplate' }] },
    });
  });
});
