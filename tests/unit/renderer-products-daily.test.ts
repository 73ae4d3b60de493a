/**
 * The Products screen's pieces that need no browser: shift-click ranges over a list loaded a page
 * at a time, the "1–50 of N" rows in view, a duplicate's draft, the opening stock as typed, a
 * percentage as typed, what a finished bulk job says, and the price arithmetic behind "change by %".
 */
import { describe, expect, it } from 'vitest';
import { productCreateInput } from '../../shared/schemas/product';
import { changeByPercent, percentOff } from '../../shared/domain/price-change';
import { RANGE_MAX, rowsInView, skusInRange, withSkus } from '../../renderer/src/product-selection';
import { createInput, duplicateDraft, openingStockInput } from '../../renderer/src/product-draft';
import { parsePercent } from '../../renderer/src/number-input';
import { jobSummary } from '../../renderer/src/bulk-wording';
import type { BulkJob } from '../../shared/schemas/product-bulk';
import { productFixture } from '../helpers/fixtures';

const row = (sku: string) => ({ sku });

describe('selection over a list loaded a page at a time', () => {
  it('takes the loaded rows of a range in either direction and names the pages still missing', () => {
    const rows = [row('A'), row('B'), undefined, undefined, row('E'), row('F')];
    expect(skusInRange(rows, 0, 1, 2)).toEqual({ skus: ['A', 'B'], missingPages: [] });
    expect(skusInRange(rows, 5, 1, 2)).toEqual({ skus: ['B', 'E', 'F'], missingPages: [1] });
    expect(skusInRange(rows, 4, 100, 2)).toEqual({ skus: ['E', 'F'], missingPages: [] });
    expect(RANGE_MAX).toBe(10_000);
  });

  it('adds and removes SKUs without touching the set it was given', () => {
    const before = new Set(['A', 'B']);
    expect([...withSkus(before, ['C'], true)]).toEqual(['A', 'B', 'C']);
    expect([...withSkus(before, ['A', 'Z'], false)]).toEqual(['B']);
    expect([...before]).toEqual(['A', 'B']);
  });

  it('counts the rows wholly in view below the sticky header', () => {
    // 44 px rows, a 36 px header, 480 px of scroller: ten whole rows.
    expect(rowsInView(0, 480, 36, 44, 100_000)).toEqual([0, 10]);
    // Scrolled a few pixels into the first row still reads "1–…"; past a quarter of it, the next.
    expect(rowsInView(5, 480, 36, 44, 100_000)).toEqual([0, 10]);
    expect(rowsInView(44 * 49_990, 480, 36, 44, 100_000)).toEqual([49_990, 50_000]);
    expect(rowsInView(44 * 99_995, 480, 36, 44, 100_000)).toEqual([99_995, 100_000]);
    expect(rowsInView(0, 480, 36, 44, 3)).toEqual([0, 3]);
    expect(rowsInView(0, 480, 36, 44, 0)).toEqual([0, 0]);
  });
});

describe('the new-product form', () => {
  it('duplicates a product without what identifies it, and an archived one as active', () => {
    const original = productFixture({ sku: 'MUG-1', title: 'Blue mug', gtin: '4006381333931', slug: 'blue-mug', status: 'archived', price: '12.50', mpn: 'M-1' });
    const draft = duplicateDraft(original, 'de-DE');
    expect(draft).toMatchObject({ sku: '', gtin: '', slug: '', title: 'Copy of Blue mug', status: 'active', price: '12,50', mpn: 'M-1' });
    const read = createInput({ ...draft, sku: 'MUG-2' }, { locale: 'de-DE', defaultCurrency: 'EUR' });
    expect(read.ok && productCreateInput.parse(read.input)).toMatchObject({ sku: 'MUG-2', title: 'Copy of Blue mug', gtin: null, price: '12.50' });
    expect(duplicateDraft(productFixture({ title: 'x'.repeat(500) }), 'en-US').title).toHaveLength(500);
  });

  it('reads the opening stock typed in the shop locale, or says what is wrong with it', () => {
    expect(openingStockInput({ quantity: '', location: 'shop' }, 'en-US')).toEqual({ ok: true, value: [] });
    expect(openingStockInput({ quantity: '1.200', location: '' }, 'de-DE')).toEqual({ ok: true, value: [{ quantity: 1200 }] });
    expect(openingStockInput({ quantity: '5', location: 'shop' }, 'en-US')).toEqual({ ok: true, value: [{ quantity: 5, location: 'shop' }] });
    expect(openingStockInput({ quantity: '-2', location: '' }, 'en-US')).toEqual({ ok: false, problem: 'Opening stock is 0 or more.' });
    expect(openingStockInput({ quantity: '2,5', location: '' }, 'de-DE')).toMatchObject({ ok: false });
  });
});

describe('bulk changes', () => {
  it('reads a percentage as typed, with its sign, two decimals at most', () => {
    expect(parsePercent('10', 'en-US')).toEqual({ ok: true, value: 10 });
    expect(parsePercent('−7,5 %', 'de-DE')).toEqual({ ok: true, value: -7.5 });
    expect(parsePercent('12.25', 'en-US')).toEqual({ ok: true, value: 12.25 });
    expect(parsePercent('1.234', 'en-US')).toMatchObject({ ok: false, problem: expect.stringContaining('more than two decimals') });
    expect(parsePercent('ten', 'en-US')).toMatchObject({ ok: false });
    expect(parsePercent('', 'en-US')).toMatchObject({ ok: false, problem: 'Enter a percentage' });
  });

  it('changes prices by a percentage, rounded half up to the minor unit', () => {
    expect(changeByPercent(999, 10)).toBe(1099); // 10.989 → 10.99
    expect(changeByPercent(1000, -20)).toBe(800);
    expect(changeByPercent(1, 50)).toBe(2); // 1.5 → 2
    expect(changeByPercent(999, 0.5)).toBe(1004); // 1003.995 → 1004
    expect(percentOff(999, 25)).toBe(749); // 749.25 yen → 749
    expect(percentOff(10, 99.99)).toBe(0);
    // Past 2^53 on the way (a price near the limit times 11): exact in BigInt, refused by the caller.
    expect(changeByPercent(999_999_999_999_999, 1000)).toBeGreaterThan(999_999_999_999_999);
  });

  it('sums up a job in one sentence: finished, cancelled, with refusals', () => {
    const job: BulkJob = {
      id: '0190d0a0-0000-7000-8000-000000000001',
      state: 'finished',
      action: 'archive',
      total: 2,
      processed: 2,
      updated: 2,
      unchanged: 0,
      refused: 0,
      refusals: [],
      error: null,
      startedAt: '2026-12-04T00:00:00.000Z',
      finishedAt: '2026-12-04T00:00:01.000Z',
    };
    expect(jobSummary(job, { action: 'archive' })).toBe('2 of 2 products archived.');
    expect(jobSummary({ ...job, action: 'buffer', total: 1, updated: 1 }, { action: 'buffer', bufferStock: 5 })).toBe('1 of 1 products given the new buffer.');
    expect(jobSummary({ ...job, action: 'price', total: 5, updated: 3, unchanged: 1, refused: 1 }, null)).toBe('3 of 5 products given the new price (1 already was). 1 could not be changed.');
    expect(jobSummary({ ...job, state: 'cancelled', total: 100_000, processed: 1500, updated: 1500 }, { action: 'archive' })).toBe(
      'Cancelled after 1,500 of 100,000 products: 1,500 archived. The others were not changed.',
    );
    expect(jobSummary({ ...job, action: 'salePrice', updated: 2 }, { action: 'salePrice', salePrice: null })).toBe('2 of 2 products taken off sale.');
  });
});
