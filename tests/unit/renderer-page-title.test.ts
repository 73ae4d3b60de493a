import { describe, expect, it } from 'vitest';
import { pageTitle, productPageName } from '../../renderer/src/page-title';

describe('page titles', () => {
  it('name the screen first, then the app', () => {
    expect(pageTitle('Products')).toBe('Products · Stockfeed');
    expect(pageTitle('  Import and export ')).toBe('Import and export · Stockfeed');
  });

  it('are just the app name for a screen without one', () => {
    expect(pageTitle(undefined)).toBe('Stockfeed');
    expect(pageTitle(null)).toBe('Stockfeed');
    expect(pageTitle('   ')).toBe('Stockfeed');
  });

  it('name a product by its SKU and title', () => {
    expect(pageTitle(productPageName({ sku: 'MUG-BLUE', title: 'Blue mug' }))).toBe('MUG-BLUE — Blue mug · Stockfeed');
  });
});
