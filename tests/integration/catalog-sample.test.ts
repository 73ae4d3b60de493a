/** The sample catalogue, loaded through the contract's operations, on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtinProblem } from '../../shared/domain/gtin';
import { SAMPLE_ITEMS, sampleGtin } from '../../electron/core/catalog/sample';
import { engines, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('sample catalogue (%s)', (engine) => {
  let core: TestCore;

  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => {
    await core?.cleanup();
  });

  it('has valid barcodes, https images and variant groups', () => {
    expect(SAMPLE_ITEMS.length).toBeGreaterThanOrEqual(24);
    SAMPLE_ITEMS.forEach((_, i) => expect(gtinProblem(sampleGtin(i))).toBeNull());
    expect(new Set(SAMPLE_ITEMS.map((_, i) => sampleGtin(i))).size).toBe(SAMPLE_ITEMS.length);
    expect(new Set(SAMPLE_ITEMS.map((item) => item.group).filter(Boolean)).size).toBeGreaterThanOrEqual(4);
  });

  it('loads through the normal operations: products, two locations, ledger and change log', async () => {
    const result = await core.call('catalog.loadSample', {});
    expect(result.products).toBe(SAMPLE_ITEMS.length);
    expect(result.locations).toEqual(['main', 'shop']);
    const { products } = await core.call('products.list', { limit: 100 });
    expect(products).toHaveLength(SAMPLE_ITEMS.length);
    for (const p of products) {
      expect(p.imageUrl).toMatch(/^https:\/\//);
      expect(gtinProblem(p.gtin ?? '')).toBeNull();
      // Every sample product has a category, so collection pages show as soon as they are set up.
      expect(p.productType).toMatch(/^[A-Z][a-z]+ > /);
    }
    expect(products.find((p) => p.sku === 'MUG-ENAMEL-GREEN')?.productType).toBe('Home > Kitchen > Coffee & Tea');
    const mug = await core.call('stock.get', { sku: 'MUG-ENAMEL-GREEN' });
    expect(mug.byLocation.filter((l) => l.onHand > 0).map((l) => l.location).sort()).toEqual(['main', 'shop']);
    expect(products.some((p) => p.stock.available === 0)).toBe(true);
    const movements = await core.call('movements.list', { limit: 500 });
    expect(movements.movements).toHaveLength(result.movements);
    expect(new Set(movements.movements.map((m) => m.location))).toEqual(new Set(['main', 'shop']));
    const changes = await core.call('changes.list', { since: 0, limit: 1000, type: 'product.created' });
    expect(changes.changes).toHaveLength(SAMPLE_ITEMS.length);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('refuses to load twice and changes nothing', async () => {
    await expect(core.call('catalog.loadSample', {})).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already loaded') });
    const { products } = await core.call('products.list', { limit: 100 });
    expect(products).toHaveLength(SAMPLE_ITEMS.length);
  });
});
