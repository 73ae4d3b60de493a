import { describe, expect, it } from 'vitest';
import {
  brandSlug,
  categorySlug,
  collectionFileName,
  collectionUrl,
  productCollections,
  productCollectionSlugs,
} from '../../electron/core/publish/collections';
import { COLLECTION_PRODUCTS_MAX, ITEM_LIST_MAX, renderCollection } from '../../electron/core/publish/collection-render';
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

describe('a collection data file', () => {
  const member = (i: number, listed = true) => {
    const sku = `SKU-${String(i).padStart(5, '0')}`;
    const entry = JSON.stringify({ sku, name: `Mug ${i}`, url: `https://shop.example.com/products/${sku}` });
    return { id: `id-${i}`, sku, listed, availability: listed ? ('in_stock' as const) : ('out_of_stock' as const), entry, entryHash: i * 2654435761 >>> 0 };
  };
  const collection = (n: number) => ({ slug: 'brand-acme', kind: 'brand' as const, name: 'Acme', path: ['Acme'], parent: null, members: Array.from({ length: n }, (_, i) => member(i, i % 10 !== 9)) });
  const options = { now: '2026-12-05T02:00:00.000+00:00', seq: 7, keepEmpty: true };

  it(`lists at most ${COLLECTION_PRODUCTS_MAX} products, says how many there are, and names the first ${ITEM_LIST_MAX} in its ItemList`, () => {
    const { text, record } = renderCollection(collection(6_000), 'https://shop.example.com/brands/brand-acme', undefined, options);
    const file = JSON.parse(text) as { truncated: boolean; counts: { listed: number; outOfStock: number }; products: unknown[]; jsonLd: { mainEntity: { numberOfItems: number; itemListElement: Array<{ url: string }> } } };
    expect(file.truncated).toBe(true);
    expect(file.counts).toMatchObject({ listed: 5_400, outOfStock: 600 });
    expect(file.products).toHaveLength(COLLECTION_PRODUCTS_MAX);
    expect(file.jsonLd.mainEntity.numberOfItems).toBe(5_400);
    expect(file.jsonLd.mainEntity.itemListElement).toHaveLength(ITEM_LIST_MAX);
    expect(file.jsonLd.mainEntity.itemListElement[0]?.url).toBe('https://shop.example.com/products/SKU-00000');
    expect(record).toMatchObject({ bytes: Buffer.byteLength(text), lastmod: options.now, seq: 7, empty: false, inSitemap: true });
  });

  it('keeps its lastmod while the listed products are the same, and moves it when one past the file\'s end leaves', () => {
    const c = collection(6_000);
    const first = renderCollection(c, 'https://shop.example.com/brands/brand-acme', undefined, options).record;
    const later = { ...options, now: '2026-12-05T03:00:00.000+00:00', seq: 9 };
    // An out-of-stock member changes (its entry), nothing listed does.
    c.members[9] = member(9, false);
    (c.members[9] as { entry: string }).entry = '{"changed":true}';
    expect(renderCollection(c, 'https://shop.example.com/brands/brand-acme', first, later).record.lastmod).toBe(options.now);
    c.members.splice(5_990, 1);
    expect(renderCollection(c, 'https://shop.example.com/brands/brand-acme', first, later).record).toMatchObject({ lastmod: later.now, seq: 9 });
  });
});
