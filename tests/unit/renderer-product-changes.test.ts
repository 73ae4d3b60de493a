import { describe, expect, it } from 'vitest';
import { applyChange } from '../../renderer/src/product-changes';
import type { Change } from '../../shared/schemas/changes';
import { productFixture } from '../helpers/fixtures';

const product = productFixture();

function change(type: Change['type'], payload: Record<string, unknown>): Change {
  return { seq: 9, type, sku: 'MUG-1', productId: product.id, payload, actor: null, createdAt: '2026-11-26T11:00:00.000Z' };
}

describe('a change applied to a product on screen', () => {
  it('takes the new stock figures of a stock change (without the per-location detail)', () => {
    const stock = { sku: 'MUG-1', onHand: 3, committed: 1, incoming: 0, available: 2, availability: 'in_stock', availabilityDate: null, byLocation: [] };
    expect(applyChange(product, change('stock.changed', { cause: 'sale', stock })).stock).toEqual({
      onHand: 3,
      committed: 1,
      incoming: 0,
      available: 2,
      availability: 'in_stock',
      availabilityDate: null,
    });
  });

  it('takes the changed fields of an update and keeps its own stock figures', () => {
    const next = applyChange(product, change('product.updated', { changed: ['title', 'price'], after: { title: 'Big mug', price: '12.00' } }));
    expect(next).toMatchObject({ title: 'Big mug', price: '12.00', stock: product.stock, sku: 'MUG-1' });
  });

  it('ignores changes it has nothing to take from', () => {
    expect(applyChange(product, change('stock.changed', { cause: 'receive' }))).toBe(product);
    expect(applyChange(product, change('settings.updated', {}))).toBe(product);
  });
});
