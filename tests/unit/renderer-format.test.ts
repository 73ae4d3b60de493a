/**
 * Figures on screen follow the shop's locale (12,50 € in a German shop), change with the setting,
 * and fall back to the computer's language when the setting is empty.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDelta, formatMoney, formatNumber, formatQuantity } from '../../renderer/src/format';
import { setShopLocale } from '../../renderer/src/shop-locale';

const NBSP = '\u00A0';
const NNBSP = '\u202F';

afterEach(() => setShopLocale(''));

describe('in the shop locale', () => {
  it('writes money as a German shop does', () => {
    setShopLocale('de-DE');
    expect(formatMoney('12.50', 'EUR')).toBe(`12,50${NBSP}€`);
    expect(formatMoney('1234567.8', 'EUR')).toBe(`1.234.567,80${NBSP}€`);
    expect(formatMoney('1500', 'JPY')).toBe(`1.500${NBSP}¥`);
    expect(formatMoney('1.234', 'KWD')).toBe(`1,234${NBSP}KWD`);
  });

  it('writes quantities and changes with the locale’s grouping', () => {
    setShopLocale('de-DE');
    expect(formatQuantity(1234)).toBe('1.234');
    expect(formatDelta(-1200)).toBe('−1.200');
    expect(formatDelta(5)).toBe('+5');
    expect(formatNumber(1234.5)).toBe('1.234,5');
    setShopLocale('fr-FR');
    expect(formatQuantity(1234567)).toBe(`1${NNBSP}234${NNBSP}567`);
    setShopLocale('en-US');
    expect(formatQuantity(1234567)).toBe('1,234,567');
    expect(formatMoney('12.50', 'EUR')).toBe('€12.50');
  });

  it('counts with the singular for one and the plural otherwise, grouped by the locale', () => {
    setShopLocale('en-US');
    expect(formatCount(1, 'product', 'products')).toBe('1 product');
    expect(formatCount(0, 'product', 'products')).toBe('0 products');
    expect(formatCount(2970, 'product', 'products')).toBe('2,970 products');
    setShopLocale('de-DE');
    expect(formatCount(1234, 'row', 'rows')).toBe('1.234 rows');
  });

  it('keeps amounts past what a float holds exactly', () => {
    setShopLocale('en-US');
    expect(formatMoney('9999999999999.99', 'USD')).toBe('$9,999,999,999,999.99');
  });

  it('shows what it cannot format as it came, and nothing as a dash', () => {
    setShopLocale('de-DE');
    expect(formatMoney(null, 'EUR')).toBe('—');
    expect(formatMoney('12.50', 'EU')).toBe('12.50 EU');
    expect(formatMoney('abc', 'EUR')).toBe('abc EUR');
  });

  it('uses the computer’s language when the shop has no locale', () => {
    setShopLocale('');
    expect(formatQuantity(1234)).toBe(new Intl.NumberFormat().format(1234));
  });

  it('takes an explicit locale (the settings screen’s preview of another one)', () => {
    setShopLocale('en-US');
    expect(formatMoney('12.50', 'CHF', 'de-CH')).toBe(`CHF${NBSP}12.50`);
  });
});

describe('file sizes', () => {
  it('are written in the shop’s format with one set of units', () => {
    setShopLocale('de-DE');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(15_872)).toBe('15,5 kB');
    expect(formatBytes(569_344)).toBe('556,0 kB');
    expect(formatBytes(1_300_000)).toBe('1,2 MB');
    setShopLocale('en-US');
    expect(formatBytes(15_872)).toBe('15.5 kB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
  });
});
