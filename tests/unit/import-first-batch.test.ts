/**
 * A streamed import's first batch (import-stream.ts firstBatches): the first STREAM_ROWS rows go
 * to the writes as FIRST_ROWS rows and the rest, split where one SKU ends and the next begins, so
 * the rows of one SKU (its stock at several locations) stay in one batch.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_ROWS, firstBatches } from '../../electron/core/catalog/import-stream';
import type { ParsedRow } from '../../electron/core/catalog/import-rows';

const rows = (skus: string[]) => skus.map((sku, i) => ({ row: i + 2, sku }) as unknown as ParsedRow);
const sizes = (batches: ParsedRow[][]) => batches.map((b) => b.length);

describe('firstBatches', () => {
  it('splits at FIRST_ROWS when a SKU ends there', () => {
    const all = rows(Array.from({ length: 5000 }, (_, i) => `S-${i}`));
    const batches = firstBatches(all);
    expect(sizes(batches)).toEqual([FIRST_ROWS, 5000 - FIRST_ROWS]);
    expect(batches.flat()).toEqual(all);
  });

  it('keeps a SKU’s rows together: the split moves past them', () => {
    const skus = Array.from({ length: 5000 }, (_, i) => `S-${i}`);
    for (let i = FIRST_ROWS - 2; i < FIRST_ROWS + 3; i++) skus[i] = 'SAME';
    const batches = firstBatches(rows(skus));
    expect(sizes(batches)).toEqual([FIRST_ROWS + 3, 5000 - FIRST_ROWS - 3]);
    expect(batches[0]?.at(-1)?.sku).toBe('SAME');
    expect(batches[1]?.[0]?.sku).not.toBe('SAME');
  });

  it('leaves a batch with no SKU boundary past FIRST_ROWS whole', () => {
    const skus = Array.from({ length: 3000 }, (_, i) => (i < FIRST_ROWS - 1 ? `S-${i}` : 'LAST'));
    expect(sizes(firstBatches(rows(skus)))).toEqual([3000]);
    expect(sizes(firstBatches(rows(['A', 'B'])))).toEqual([2]);
  });
});
