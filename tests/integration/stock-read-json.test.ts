/**
 * Issue 17: on SQLite the stock engine reads a group-commit batch's products, stock rows, reorder
 * points and the change log's next number as one JSON text of arrays (db/json-read.ts
 * jsonArraysSql), not as node-sqlite3's row objects, which cost the main thread more than the
 * query. Every fact the batch plans from must come through as the driver gave it: text with
 * quotes and emoji, flags, dates, NULLs, figures, a product's several stock rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { productInput, startCore, type TestCore } from '../helpers/core';

describe('the stock engine’s batch read on SQLite', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
  });
  afterEach(async () => {
    await core.cleanup();
  });

  it('reads a batch as one JSON text and plans from the same facts', async () => {
    const title = `It's a "quoted" jar 😀 \\ ü`;
    await core.call('products.create', productInput('RJ-A', { title, allowBackorder: true, bufferStock: 2 }));
    await core.call('products.create', productInput('RJ-B', { preorderDate: '2099-01-01' }));
    await core.call('products.create', productInput('RJ-C'));
    await core.call('locations.create', { code: 'back', name: 'Back room' });
    await core.call('stock.count', { sku: 'RJ-A', quantity: 3 });
    await core.call('stock.count', { sku: 'RJ-C', quantity: 4 });
    await core.call('stock.count', { sku: 'RJ-C', location: 'back', quantity: 6 });
    await core.call('products.reorder.set', { idOrSku: 'RJ-C', location: 'main', reorderPoint: 3, reorderQuantity: 10 });
    const since = (await core.call('changes.list', { since: 0, limit: 1000 })).next;

    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    core.db.on('query', onQuery);
    const [a, b, c] = await Promise.all([
      core.call('stock.adjust', { sku: 'RJ-A', quantity: -2, reason: 'damaged' }),
      core.call('stock.receive', { sku: 'RJ-B', quantity: 1 }),
      core.call('stock.adjust', { sku: 'RJ-C', quantity: -2, reason: 'damaged' }),
    ]);
    core.db.off('query', onQuery);

    // One batch, one read: the JSON text of arrays.
    const reads = statements.filter((s) => /FROM products AS p LEFT JOIN stock_levels/.test(s));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/^SELECT json_group_array\(json_array\(/);
    expect(a.stock).toMatchObject({ sku: 'RJ-A', onHand: 1, committed: 0, available: 1 });
    // Backorder allowed (the flag came through) with 1 left under a buffer of 2.
    expect(a.stock.availability).toBe('backorder');
    expect(b.stock).toMatchObject({ sku: 'RJ-B', onHand: 1, availability: 'preorder', availabilityDate: '2099-01-01' });
    expect(c.stock).toMatchObject({ sku: 'RJ-C', onHand: 8 });
    expect(c.stock.byLocation).toEqual([
      { location: 'back', onHand: 6, committed: 0, incoming: 0, available: 6 },
      { location: 'main', onHand: 2, committed: 0, incoming: 0, available: 2 },
    ]);
    const changes = (await core.call('changes.list', { since, limit: 1000 })).changes;
    // The reorder point read with the batch: main reached it, back has none.
    expect(changes.filter((ch) => ch.type === 'reorder.needed').map((ch) => [ch.sku, (ch.payload as { location: string }).location])).toEqual([['RJ-C', 'main']]);
    // Numbered from the next number the read gave: gapless after the entries before.
    expect(changes.map((ch) => ch.seq)).toEqual(changes.map((_, i) => since + 1 + i));
    const products = (await core.db('products').select('sku', 'title', 'total_on_hand').orderBy('sku')) as Array<{ sku: string; title: string; total_on_hand: number }>;
    expect(products).toEqual([
      { sku: 'RJ-A', title, total_on_hand: 1 },
      { sku: 'RJ-B', title: 'Product RJ-B', total_on_hand: 1 },
      { sku: 'RJ-C', title: 'Product RJ-C', total_on_hand: 8 },
    ]);
  });
});
