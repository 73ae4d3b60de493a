import { describe, expect, it } from 'vitest';
import { decideAvailability, type AvailabilityFacts } from '../../shared/domain/availability';

const base: AvailabilityFacts = {
  status: 'active',
  allowBackorder: false,
  preorderDate: null,
  bufferStock: null,
  onlineAvailable: 10,
  shopBufferStock: 2,
  today: '2026-11-26',
};

describe('decideAvailability', () => {
  it('is in stock above the buffer, out of stock (ads paused) at or below it', () => {
    expect(decideAvailability(base)).toMatchObject({ availability: 'in_stock', adsPaused: false, listed: true, buffer: 2 });
    expect(decideAvailability({ ...base, onlineAvailable: 3 }).availability).toBe('in_stock');
    expect(decideAvailability({ ...base, onlineAvailable: 2 })).toMatchObject({ availability: 'out_of_stock', adsPaused: true, listed: true });
    expect(decideAvailability({ ...base, onlineAvailable: 0, shopBufferStock: 0 }).availability).toBe('out_of_stock');
    expect(decideAvailability({ ...base, onlineAvailable: -4 }).availability).toBe('out_of_stock');
  });

  it('lets a product buffer override the shop buffer, including a buffer of 0', () => {
    expect(decideAvailability({ ...base, onlineAvailable: 1, bufferStock: 0 }).availability).toBe('in_stock');
    expect(decideAvailability({ ...base, onlineAvailable: 5, bufferStock: 5 })).toMatchObject({ availability: 'out_of_stock', buffer: 5 });
  });

  it('offers backorders instead of out of stock when allowed, dated by incoming stock', () => {
    expect(decideAvailability({ ...base, onlineAvailable: 0, allowBackorder: true, earliestIncoming: '2026-12-03' })).toMatchObject({
      availability: 'backorder',
      availabilityDate: '2026-12-03',
      adsPaused: false,
    });
  });

  it('dates a backorder by the shop lead time when no incoming stock is dated (Merchant needs a date)', () => {
    expect(decideAvailability({ ...base, onlineAvailable: 0, allowBackorder: true })).toMatchObject({
      availability: 'backorder',
      availabilityDate: '2026-12-10',
    });
    expect(decideAvailability({ ...base, onlineAvailable: 0, allowBackorder: true, backorderLeadDays: 40 }).availabilityDate).toBe('2027-01-05');
  });

  it('is preorder while the release date is in the future, whatever the stock', () => {
    expect(decideAvailability({ ...base, preorderDate: '2026-12-24' })).toMatchObject({ availability: 'preorder', availabilityDate: '2026-12-24' });
    expect(decideAvailability({ ...base, preorderDate: '2026-11-26' }).availability).toBe('in_stock');
  });

  it('takes archived and discontinued products off the feed and sitemap', () => {
    for (const status of ['archived', 'discontinued'] as const) {
      expect(decideAvailability({ ...base, status })).toMatchObject({ availability: 'discontinued', listed: false });
    }
  });
});
