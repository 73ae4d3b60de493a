/** The import screen's summary leaves out what is zero, and lists every optional column of the header. */
import { afterEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../shared/csv/import-fields';
import { countsLeftOutText, importChanges, issueText, OPTIONAL_COLUMNS, skippedText } from '../../renderer/src/import-summary';
import { setShopLocale } from '../../renderer/src/shop-locale';

afterEach(() => setShopLocale(''));

describe('importChanges', () => {
  it('names only what the import makes', () => {
    expect(importChanges({ created: 30, updated: 0, counts: 30 })).toBe('30 new products, 30 stock counts');
    expect(importChanges({ created: 0, updated: 1, counts: 0 })).toBe('1 changed');
    expect(importChanges({ created: 1, updated: 2, counts: 1 })).toBe('1 new product, 2 changed, 1 stock count');
    expect(importChanges({ created: 0, updated: 0, counts: 0 })).toBe('no changes');
  });

  it('writes figures in the shop’s format', () => {
    setShopLocale('de-DE');
    expect(importChanges({ created: 1200, updated: 0, counts: 0 })).toBe('1.200 new products');
  });
});

describe('OPTIONAL_COLUMNS', () => {
  it('lists every column but the three a file needs, purchasing and categories included', () => {
    expect(OPTIONAL_COLUMNS).toEqual(CSV_COLUMNS.filter((c) => c !== 'sku' && c !== 'title' && c !== 'price'));
    expect(OPTIONAL_COLUMNS).toContain('reorder_point');
    expect(OPTIONAL_COLUMNS).toContain('google_product_category');
  });
});

describe('issueText', () => {
  it('keeps a column name as the file writes it', () => {
    expect(issueText('on_hand must be a whole number of 0 or more (found "-3")')).toBe('on_hand must be a whole number of 0 or more (found "-3")');
    expect(issueText('reorder_point must be a whole number')).toBe('reorder_point must be a whole number.');
  });

  it('makes any other message a sentence', () => {
    expect(issueText('title is required')).toBe('Title is required.');
    expect(issueText('SKU may contain only letters')).toBe('SKU may contain only letters.');
  });
});

describe('skippedText', () => {
  it('agrees with the count', () => {
    expect(skippedText(1, true)).toBe('1 row was skipped');
    expect(skippedText(2, true)).toBe('2 rows were skipped');
    expect(skippedText(1, false)).toBe('1 row will be skipped');
    setShopLocale('de-DE');
    expect(skippedText(1500, false)).toBe('1.500 rows will be skipped');
  });
});

describe('countsLeftOutText', () => {
  it('says the products are imported, without their count, and agrees with the count', () => {
    expect(countsLeftOutText(1, true)).toBe('1 product was imported without its count — count it and record the stock');
    expect(countsLeftOutText(3, true)).toBe('3 products were imported without their count — count them and record the stock');
    expect(countsLeftOutText(1, false)).toBe('1 product will be imported without its count — count it and record the stock');
    setShopLocale('de-DE');
    expect(countsLeftOutText(1500, false)).toBe('1.500 products will be imported without their count — count them and record the stock');
  });
});
