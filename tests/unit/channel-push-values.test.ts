/**
 * The value rules of channel push (what each channel is told about a product) and the small pure
 * pieces around them: the address rule, Retry-After, Google's daily budget.
 */
import { describe, expect, it } from 'vitest';
import { LocationDirectory } from '../../electron/core/locations/locations';
import type { SummaryContext } from '../../electron/core/stock/stock-summary';
import { baseUrlProblem } from '../../electron/core/channel-push/channel-config';
import { retryAfterMs } from '../../electron/core/channel-push/channel-http';
import { nextUtcDay } from '../../electron/core/channel-push/google-channel';
import { rememberPushes } from '../../electron/core/channel-push/push-round';
import { describeValue, googleValue, micros, onlineQuantity, sameValue, shopifyValue, wooValue, type ProductRow } from '../../electron/core/channel-push/values';

/** East and west sell online, the back room does not; the directory is filled as load() fills it from the table. */
async function context(buffer = 0): Promise<SummaryContext> {
  const locations = new LocationDirectory();
  const rows = [
    { id: 'loc-east', code: 'east', name: 'East', sells_online: true, created_at: '' },
    { id: 'loc-west', code: 'west', name: 'West', sells_online: true, created_at: '' },
    { id: 'loc-back', code: 'back', name: 'Back room', sells_online: false, created_at: '' },
  ];
  await locations.load((() => ({ select: () => ({ orderBy: async () => rows }) })) as never);
  return { locations, shopBufferStock: () => buffer, backorderLeadDays: () => 14 };
}

const product = (overrides: Partial<ProductRow> = {}): ProductRow => ({
  id: 'p1',
  sku: 'MUG-1',
  status: 'active',
  allow_backorder: false,
  preorder_date: null,
  buffer_stock: null,
  price_minor: 1250,
  sale_price_minor: null,
  currency: 'EUR',
  ...overrides,
});

const level = (location: string, onHand: number, committed = 0) => ({ location_id: location, on_hand: onHand, committed, incoming: 0 });

describe('the online quantity', () => {
  it('is available at the locations that sell online, minus the buffer, never below zero', async () => {
    const ctx = await context(2);
    expect(onlineQuantity(product(), [level('loc-east', 10, 3), level('loc-back', 50)], ctx)).toBe(5);
    expect(onlineQuantity(product({ buffer_stock: 20 }), [level('loc-east', 10)], ctx)).toBe(0);
    expect(onlineQuantity(product({ status: 'discontinued' }), [level('loc-east', 10)], ctx)).toBe(0);
  });
});

describe('Shopify', () => {
  it('gives each mapped location its stock and takes the buffer from the largest first', async () => {
    const ctx = await context(0);
    const map = { east: 'gid://shopify/Location/1', west: 'gid://shopify/Location/2' };
    expect(shopifyValue(product({ buffer_stock: 3 }), [level('loc-east', 10), level('loc-west', 4)], ctx, map, null)).toEqual({ levels: { 'gid://shopify/Location/1': 7, 'gid://shopify/Location/2': 4 } });
    // A buffer larger than the largest location runs on into the next.
    expect(shopifyValue(product({ buffer_stock: 12 }), [level('loc-east', 10), level('loc-west', 4)], ctx, map, null)).toEqual({ levels: { 'gid://shopify/Location/1': 0, 'gid://shopify/Location/2': 2 } });
    // Nothing mapped: the shop's only location gets the whole online quantity; the back room never counts.
    expect(shopifyValue(product(), [level('loc-east', 1), level('loc-west', 2), level('loc-back', 9)], ctx, {}, 'gid://shopify/Location/9')).toEqual({ levels: { 'gid://shopify/Location/9': 3 } });
    expect(shopifyValue(product({ status: 'archived' }), [level('loc-east', 5)], ctx, map, null)).toEqual({ levels: { 'gid://shopify/Location/1': 0, 'gid://shopify/Location/2': 0 } });
    expect(describeValue({ levels: { 'gid://shopify/Location/1': 7, 'gid://shopify/Location/2': 4 } }, (gid) => (gid.endsWith('1') ? 'East' : 'West'))).toBe('11 (East: 7, West: 4)');
  });
});

describe('WooCommerce', () => {
  it('takes backorders for a product that allows them or is on preorder', async () => {
    const ctx = await context();
    expect(wooValue(product(), [level('loc-east', 3)], ctx)).toEqual({ quantity: 3, backorders: 'no' });
    expect(wooValue(product({ allow_backorder: 1 }), [], ctx)).toEqual({ quantity: 0, backorders: 'notify' });
    expect(wooValue(product({ preorder_date: '2999-01-01' }), [], ctx)).toEqual({ quantity: 0, backorders: 'notify' });
    expect(wooValue(product({ status: 'discontinued', allow_backorder: true }), [level('loc-east', 3)], ctx)).toEqual({ quantity: 0, backorders: 'no' });
  });
});

describe('Google', () => {
  it('sends what its listing shows: availability with its date, and prices in micros', async () => {
    const ctx = await context();
    expect(googleValue(product({ sale_price_minor: 999 }), [level('loc-east', 1)], ctx)).toEqual({
      availability: 'IN_STOCK',
      availabilityDate: null,
      price: { amountMicros: '12500000', currencyCode: 'EUR' },
      salePrice: { amountMicros: '9990000', currencyCode: 'EUR' },
    });
    expect(googleValue(product({ preorder_date: '2999-01-01' }), [], ctx)).toMatchObject({ availability: 'PREORDER', availabilityDate: '2999-01-01T00:00:00Z' });
    expect(googleValue(product({ status: 'discontinued' }), [], ctx).availability).toBe('OUT_OF_STOCK');
    expect(micros(1500, 'JPY')).toEqual({ amountMicros: '1500000000', currencyCode: 'JPY' });
    expect(micros(1500, 'KWD')).toEqual({ amountMicros: '1500000', currencyCode: 'KWD' });
    expect(describeValue({ availability: 'BACKORDER', availabilityDate: '2026-12-20T00:00:00Z', price: { amountMicros: '12500000', currencyCode: 'EUR' }, salePrice: null })).toBe('backorder from 2026-12-20, 12.50 EUR');
  });

  it('waits for the next UTC day when the budget is spent', () => {
    expect(nextUtcDay(new Date('2026-12-04T23:59:59Z'))).toBe('2026-12-05T00:00:00.000Z');
  });
});

describe('around the values', () => {
  it('compares values whatever the order of their keys', () => {
    expect(sameValue({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(sameValue(null, null)).toBe(false);
    expect(sameValue({ quantity: 1 }, { quantity: 2 })).toBe(false);
  });

  it('remembers the last pushes for a quarter of an hour, at most 16', () => {
    const now = '2026-12-04T12:00:00.000Z';
    const old = { slot: 'a', value: 1, at: '2026-12-04T11:40:00.000Z' };
    const kept = rememberPushes([old, { slot: 'a', value: 2, at: '2026-12-04T11:50:00.000Z' }], [{ slot: 'a', value: 3 }], now);
    expect(kept.map((k) => k.value)).toEqual([2, 3]);
    expect(rememberPushes([], Array.from({ length: 20 }, (_, i) => ({ slot: 's', value: i })), now)).toHaveLength(16);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': new Date(Date.now() + 5000).toUTCString() }, Date.now())).toBeGreaterThan(3000);
    expect(retryAfterMs({})).toBeNull();
  });

  it('takes https anywhere public, and plain http only where the owner allowed a local address', () => {
    expect(baseUrlProblem('https://shop.example.com', false, 'local')).toBeNull();
    expect(baseUrlProblem('http://shop.example.com', true, 'local')).toMatch(/must be https/);
    expect(baseUrlProblem('http://127.0.0.1:9000', false, 'local')).toMatch(/allowPrivateNetwork/);
    expect(baseUrlProblem('http://127.0.0.1:9000', true, 'local')).toBeNull();
    expect(baseUrlProblem('http://10.0.0.5', true, 'local')).toBeNull();
    expect(baseUrlProblem('http://10.0.0.5', true, 'loopback')).toMatch(/over https only/);
    expect(baseUrlProblem('https://169.254.169.254', true, 'local')).toMatch(/link-local/);
    expect(baseUrlProblem('https://shop.example.com/?x=1', false, 'local')).toMatch(/query/);
  });
});
