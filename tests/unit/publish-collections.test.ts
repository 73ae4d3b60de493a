import { describe, expect, it } from 'vitest';
import {
  brandSlug,
  categorySlug,
  collectionFileName,
  collectionUrl,
  productCollections,
  productCollectionSlugs,
} from '../../electron/core/publish/collections';
import { normaliseCategoryPath, normaliseGoogleCategory } from '../../shared/domain/category';
import { productCreateInput } from '../../shared/schemas/product';

const templates = { collectionUrlTemplate: 'https://shop.example.com/c/{slug}', brandUrlTemplate: 'https://shop.example.com/brands/{slug}' };

describe('collections of a product', () => {
  it('makes every level of the category path and the brand a collection, top first', () => {
    const refs = productCollections({ productType: 'Home > Kitchen > Mugs', brand: 'Acme' });
    expect(refs.map((r) => [r.kind, r.slug, r.name, r.parent])).toEqual([
      ['category', 'home', 'Home', null],
      ['category', 'home-kitchen', 'Kitchen', 'home'],
      ['category', 'home-kitchen-mugs', 'Mugs', 'home-kitchen'],
      ['brand', 'brand-acme', 'Acme', null],
    ]);
    expect(refs[2]?.path).toEqual(['Home', 'Kitchen', 'Mugs']);
  });

  it('has no collection for a product without category or brand', () => {
    expect(productCollections({ productType: null, brand: '' })).toEqual([]);
    expect(productCollectionSlugs({ productType: '  ', brand: '  ' })).toEqual([]);
  });

  it('keeps category and brand slugs apart, even for a category named like a brand slug', () => {
    expect(brandSlug('Acme')).toBe('brand-acme');
    expect(categorySlug(['Acme'])).toBe('acme');
    expect(categorySlug(['Brand', 'Acme'])).toBe('category-brand-acme');
    expect(categorySlug(['Brand Acme'])).toBe('category-brand-acme');
    expect(categorySlug(['Category', 'Brand', 'Acme'])).toBe('category-category-brand-acme');
    expect(categorySlug(['Brand'])).toBe('brand');
  });

  it('gives names without Latin letters a stable hashed slug, and caps long ones at 200 characters', () => {
    const a = categorySlug(['マグ']);
    expect(a).toMatch(/^x[0-9a-f]{8}$/);
    expect(categorySlug(['マグ'])).toBe(a);
    expect(categorySlug(['カップ'])).not.toBe(a);
    const long = categorySlug(['a'.repeat(150), 'b'.repeat(150)]);
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(categorySlug(['a'.repeat(150), 'c'.repeat(150)])).not.toBe(long);
  });

  it('fills the templates, and publishes no URL for a kind without one', () => {
    const [home] = productCollections({ productType: 'Home', brand: '' });
    expect(collectionUrl(home as never, templates)).toBe('https://shop.example.com/c/home');
    expect(collectionUrl({ kind: 'brand', slug: 'brand-acme' }, templates)).toBe('https://shop.example.com/brands/brand-acme');
    expect(collectionUrl({ kind: 'brand', slug: 'brand-acme' }, { ...templates, brandUrlTemplate: '' })).toBeNull();
    expect(collectionFileName('home-kitchen')).toBe('collections/home-kitchen.json');
  });
});

describe('category fields', () => {
  it('stores a category path in one spelling and Google ids as digits', () => {
    expect(normaliseCategoryPath(' Home>Kitchen  >  Coffee   mugs ')).toBe('Home > Kitchen > Coffee mugs');
    expect(normaliseGoogleCategory(' 02169 ')).toBe('2169');
    expect(normaliseGoogleCategory('Home & Garden>Kitchen & Dining')).toBe('Home & Garden > Kitchen & Dining');
  });

  it('takes both as optional product fields and refuses an empty level', () => {
    const base = { sku: 'MUG-1', title: 'Mug', price: '12.50' };
    const parsed = productCreateInput.parse({ ...base, productType: 'Home>Kitchen', googleProductCategory: '2169' });
    expect(parsed.productType).toBe('Home > Kitchen');
    expect(parsed.googleProductCategory).toBe('2169');
    expect(productCreateInput.parse(base).productType).toBeNull();
    expect(productCreateInput.parse({ ...base, productType: '' }).productType).toBeNull();
    const bad = productCreateInput.safeParse({ ...base, productType: 'Home > > Mugs' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('empty level');
  });
});
