/**
 * One product per barcode: a GTIN already used by one product cannot be saved on another (created,
 * changed, archived or not), compared as GTIN-14 so a UPC-A and the EAN-13 printed on the same box
 * are one barcode; and a scanned code finds every product it could mean, never a guess.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const EAN = '4006381333931';
const UPC = '012345678905';
const UPC_AS_EAN13 = '0012345678905';
const UPC_AS_GTIN14 = '00012345678905';

describe.each(engines())('one product per GTIN on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
    await core.call('products.create', productInput('MUG-BLUE', { title: 'Blue mug', gtin: EAN }));
    await core.call('products.create', productInput('CUP-UPC', { title: 'Cup', gtin: UPC }));
  });
  afterAll(async () => core?.cleanup());

  const changeCount = async () => (await core.call('changes.latest', {})).seq;

  it('refuses a new product with a GTIN another product has: 409 conflict naming that product', async () => {
    const before = await changeCount();
    const blue = await core.call('products.get', { idOrSku: 'MUG-BLUE' });
    await expect(core.call('products.create', productInput('MUG-COPY', { gtin: EAN }))).rejects.toMatchObject({
      code: 'conflict',
      message: `GTIN ${EAN} is already used by "Blue mug" (MUG-BLUE)`,
      details: { field: 'gtin', productId: blue.id, sku: 'MUG-BLUE' },
    });
    await expect(core.call('products.get', { idOrSku: 'MUG-COPY' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await changeCount()).toBe(before);
  });

  it('compares GTIN-14s: the EAN-13 or GTIN-14 spelling of a stored UPC-A is the same barcode', async () => {
    await expect(core.call('products.create', productInput('CUP-EAN', { gtin: UPC_AS_EAN13 }))).rejects.toMatchObject({
      code: 'conflict',
      message: `GTIN ${UPC_AS_EAN13} is already used by "Cup" (CUP-UPC), as ${UPC}`,
      details: { field: 'gtin', sku: 'CUP-UPC' },
    });
    await expect(core.call('products.create', productInput('CUP-14', { gtin: UPC_AS_GTIN14 }))).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a change that gives a product another product’s GTIN, and keeps the product as it was', async () => {
    await core.call('products.create', productInput('MUG-RED', { title: 'Red mug' }));
    await expect(core.call('products.update', { idOrSku: 'MUG-RED', gtin: ` ${EAN.slice(0, 4)}-${EAN.slice(4)} `, title: 'Renamed' })).rejects.toMatchObject({
      code: 'conflict',
      message: `GTIN ${EAN} is already used by "Blue mug" (MUG-BLUE)`,
      details: { field: 'gtin', sku: 'MUG-BLUE' },
    });
    expect(await core.call('products.get', { idOrSku: 'MUG-RED' })).toMatchObject({ title: 'Red mug', gtin: null });
  });

  it('lets a product keep its own GTIN, or write it with other digits, on every save', async () => {
    expect((await core.call('products.update', { idOrSku: 'CUP-UPC', gtin: UPC, title: 'Cup, white' })).title).toBe('Cup, white');
    expect((await core.call('products.update', { idOrSku: 'CUP-UPC', gtin: UPC_AS_EAN13 })).gtin).toBe(UPC_AS_EAN13);
    expect((await core.call('products.update', { idOrSku: 'CUP-UPC', gtin: UPC })).gtin).toBe(UPC);
  });

  it('keeps the barcode with an archived product: the goods still carry it', async () => {
    await core.call('products.create', productInput('OLD-1', { title: 'Old teapot', gtin: '96385074' }));
    await core.call('products.bulk', { skus: ['OLD-1'], action: 'archive' });
    await expect(core.call('products.create', productInput('NEW-1', { gtin: '00000096385074' }))).rejects.toMatchObject({
      code: 'conflict',
      message: 'GTIN 00000096385074 is already used by "Old teapot" (OLD-1), as 96385074',
    });
    // Freed on the archived product, it may go to another one.
    await core.call('products.update', { idOrSku: 'OLD-1', gtin: '' });
    expect((await core.call('products.create', productInput('NEW-1', { gtin: '00000096385074' }))).gtin).toBe('00000096385074');
  });

  it('stores no GTIN as NULL, which many products may share', async () => {
    for (const sku of ['PLAIN-1', 'PLAIN-2', 'PLAIN-3']) {
      expect((await core.call('products.create', productInput(sku, { gtin: '  ' }))).gtin).toBeNull();
    }
    const rows = (await core.db('products').select('gtin').whereIn('sku', ['PLAIN-1', 'PLAIN-2', 'PLAIN-3'])) as Array<{ gtin: unknown }>;
    expect(rows.map((r) => r.gtin)).toEqual([null, null, null]);
  });

  it('is enforced by the database too: a unique index on the GTIN-14 refuses a duplicate written around the service', async () => {
    const blue = (await core.db('products').where({ sku: 'MUG-BLUE' }).first()) as Record<string, unknown>;
    await expect(
      core.db('products').insert({ ...blue, id: '00000000-0000-4000-8000-0000000000aa', sku: 'RAW-1', slug: 'raw-1', gtin: `0${EAN}` }),
    ).rejects.toThrow(/unique/i);
  });

  describe('products.lookup', () => {
    it('finds a product by its exact SKU or by its barcode in any spelling', async () => {
      const sku = await core.call('products.lookup', { code: ' mug-blue ' });
      expect(sku.products.map((p) => p.sku)).toEqual(['MUG-BLUE']);
      for (const code of [UPC, UPC_AS_EAN13, UPC_AS_GTIN14, '0 12345 67890 5']) {
        expect((await core.call('products.lookup', { code })).products.map((p) => p.sku), code).toEqual(['CUP-UPC']);
      }
      // A prefix or part of a title is a search, not a code: the lookup finds nothing.
      expect((await core.call('products.lookup', { code: 'MUG' })).products).toEqual([]);
      expect((await core.call('products.lookup', { code: '400638133393' })).products).toEqual([]);
    });

    it('returns every product a code could mean, the SKU match first, each with its status', async () => {
      // A SKU that is another product's barcode: two products, and the screen must ask which.
      await core.call('products.create', productInput(EAN, { title: 'Numbered mug' }));
      const both = await core.call('products.lookup', { code: EAN });
      expect(both.products.map((p) => [p.sku, p.title])).toEqual([
        [EAN, 'Numbered mug'],
        ['MUG-BLUE', 'Blue mug'],
      ]);
      expect((await core.call('products.lookup', { code: '96385074' })).products.map((p) => [p.sku, p.status])).toEqual([['NEW-1', 'active']]);
      await core.call('products.update', { idOrSku: 'NEW-1', status: 'archived' });
      expect((await core.call('products.lookup', { code: '96385074' })).products.map((p) => [p.sku, p.status])).toEqual([['NEW-1', 'archived']]);
    });
  });

  it('products.list finds a barcode by its GTIN-14 too', async () => {
    expect((await core.call('products.list', { query: UPC_AS_GTIN14 })).products.map((p) => p.sku)).toEqual(['CUP-UPC']);
    expect((await core.call('products.list', { query: UPC })).products.map((p) => p.sku)).toEqual(['CUP-UPC']);
  });
});
