/**
 * Issue 17 (import speed): a change's payload is parsed from the log's text only when something
 * reads it (change-log.ts), so the read cache's invalidation, which runs after every commit, must
 * read the payload of the one type it needs it for (product.updated, for a renamed SKU) and no other:
 * an import of 100,000 products commits 300,000 entries.
 */
import { describe, expect, it } from 'vitest';
import { availabilityKeys } from '../../electron/core/stock/availability-reader';
import { inlineAppendSqlite, unreadPayloadText, type NewChange } from '../../electron/core/changes/change-log';
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

  it('leaves unparsed a just-appended product.updated whose text names no SKU, and still finds a renamed one', () => {
    const entries: NewChange[] = [
      { type: 'product.updated', productId: 'p1', sku: 'D', payload: { changed: ['price'], before: { price: '1.00' }, after: { price: '2.00' } } },
      { type: 'product.updated', productId: 'p2', sku: 'NEW-E', payload: { changed: ['sku'], before: { sku: 'OLD-E' }, after: { sku: 'NEW-E' } } },
      // "sku" inside a value is written escaped (\"sku\"), so the text has no "sku" key: left unparsed, no SKU before.
      { type: 'product.updated', productId: 'p3', sku: 'F', payload: { changed: ['title'], before: { title: 'a "sku" mug' }, after: { title: 'mug' } } },
    ];
    const [price, renamed, titled] = inlineAppendSqlite(entries, 1, '2026-01-01T00:00:00.000Z', { kind: 'system' }).changes as [Change, Change, Change];
    expect(availabilityKeys([price, renamed, titled])).toEqual(['D', 'NEW-E', 'OLD-E', 'F']);
    // The price change's payload was never parsed; its text is still the one stored.
    expect(unreadPayloadText(price)).toBe(JSON.stringify(entries[0]?.payload));
    expect(unreadPayloadText(renamed)).toBeUndefined();
    expect(unreadPayloadText(titled)).toBe(JSON.stringify(entries[2]?.payload));
    expect(price.payload).toEqual(entries[0]?.payload);
    expect(unreadPayloadText(price)).toBeUndefined();
  });

  it('makes everything stale after a settings change', () => {
    expect(availabilityKeys([change('settings.updated', '', () => ({}))])).toBe('all');
  });
});
