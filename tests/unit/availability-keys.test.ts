/**
 * Issue 17 (import speed): a change's payload is parsed from the log's text only when something
 * reads it (change-log.ts), so the read cache's invalidation, which runs after every commit, must
 * read the payload of the one type it needs it for (product.updated, for a renamed SKU) and no other:
 * an import of 100,000 products commits 300,000 entries.
 */
import { describe, expect, it } from 'vitest';
import { availabilityKeys } from '../../electron/core/stock/availability-reader';
import type { Change } from '../../shared/schemas/changes';

function change(type: Change['type'], sku: string, payload: () => Record<string, unknown>): Change {
  return {
    seq: 1,
    type,
    sku,
    productId: 'p',
    get payload() {
      return payload();
    },
    actor: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('availabilityKeys', () => {
  it('names the SKUs, and a renamed product its old SKU, reading only product.updated payloads', () => {
    const unread = () => {
      throw new Error('payload read');
    };
    const keys = availabilityKeys([
      change('stock.changed', 'A', unread),
      change('availability.changed', 'A', unread),
      change('product.created', 'B', unread),
      change('product.updated', 'C', () => ({ before: { sku: 'OLD-C' } })),
    ]);
    expect(keys).toEqual(['A', 'B', 'C', 'OLD-C']);
  });

  it('makes everything stale after a settings change', () => {
    expect(availabilityKeys([change('settings.updated', '', () => ({}))])).toBe('all');
  });
});
