/**
 * Collections (issue 19): every level of a product's category path and its brand is a collection
 * with a page of its own. This module is pure (no database, no files): which collections a product
 * belongs to, their slugs, and their page URLs from the settings' templates. The publisher, the
 * AI feed and anything else that links to a collection page use it, so a slug is made in one place.
 *
 * Slugs are stable (they depend on the collection's name alone, never on which other collections
 * exist), URL-safe (`[a-z0-9-]`, at most 200 characters) and unique across categories and brands:
 * - a category level: the slugs of its path's levels joined by `-`, so `Home > Kitchen > Mugs` is
 *   `home-kitchen-mugs`, its parents `home-kitchen` and `home`;
 * - a brand: `brand-` and the brand's slug, so `Acme` is `brand-acme`;
 * - a category whose slug would begin with `brand-` (or with `category-`, to keep this rule
 *   reversible) gets `category-` in front: `Brand > Acme` is `category-brand-acme`;
 * - a name with no Latin letters or digits (`マグ`) takes `x` and a hash of the name (`x3f9a0c21`);
 * - past 200 characters, the slug is cut at 191 and ends with `-` and a hash of the whole.
 *
 * A collection IS its slug: names that read the same in a URL (`Mugs` and `mugs`, `Cafe` and
 * `Café`, and also `Home Kitchen` and `Home > Kitchen`) are one collection, which takes the
 * spelling of its member with the lowest SKU as its name.
 */
import { categoryLevels } from '../../../shared/domain/category';
import { SLUG_MAX_LENGTH, slugify } from '../../../shared/domain/slug';

export type CollectionKind = 'category' | 'brand';

/** One collection a product belongs to, as that product spells it. */
export type CollectionRef = {
  kind: CollectionKind;
  slug: string;
  /** The level's own name (`Mugs`) or the brand (`Acme`). */
  name: string;
  /** A category's levels from the top (`['Home', 'Kitchen', 'Mugs']`); a brand's `[name]`. */
  path: string[];
  /** The slug of the level above (`home-kitchen`), null at the top and for a brand. */
  parent: string | null;
};

/** The settings that turn slugs into page addresses (shared/schemas/settings.ts). */
export type CollectionTemplates = { collectionUrlTemplate: string; brandUrlTemplate: string };

export const BRAND_PREFIX = 'brand-';
const CATEGORY_ESCAPE = 'category-';
const HASHED_CUT = SLUG_MAX_LENGTH - 9;

/** FNV-1a, 32 bits, as 8 hex digits: short, stable across runs and engines, and no import. */
function hash8(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** One level's or one brand's slug; a name slugify cannot spell in Latin letters gets a hash. */
function nameSlug(name: string): string {
  return slugify(name) || `x${hash8(name.normalize('NFC').toLowerCase())}`;
}

function capped(slug: string): string {
  if (slug.length <= SLUG_MAX_LENGTH) return slug;
  return `${slug.slice(0, HASHED_CUT).replace(/-+$/, '')}-${hash8(slug)}`;
}

/** The slug of a category level, from its path's levels (top first). */
export function categorySlug(levels: readonly string[]): string {
  const plain = levels.map(nameSlug).join('-');
  const escaped = plain.startsWith(BRAND_PREFIX) || plain.startsWith(CATEGORY_ESCAPE) ? `${CATEGORY_ESCAPE}${plain}` : plain;
  return capped(escaped);
}

/** The slug of a brand's collection: `brand-acme`. */
export function brandSlug(brand: string): string {
  return capped(`${BRAND_PREFIX}${nameSlug(brand.trim())}`);
}

/**
 * The collections a product belongs to: every level of its category path (a level includes the
 * products of the levels below it), top first, then its brand. `brand` is the brand as published
 * (the product's, or the shop's default brand); an empty one is no collection.
 */
export function productCollections(product: { productType: string | null; brand: string }): CollectionRef[] {
  const levels = categoryLevels(product.productType).filter((level) => level !== '');
  const refs: CollectionRef[] = [];
  let parent: string | null = null;
  for (let depth = 1; depth <= levels.length; depth++) {
    const path = levels.slice(0, depth);
    const slug = categorySlug(path);
    refs.push({ kind: 'category', slug, name: path[depth - 1] as string, path, parent });
    parent = slug;
  }
  const brand = product.brand.trim();
  if (brand !== '') refs.push({ kind: 'brand', slug: brandSlug(brand), name: brand, path: [brand], parent: null });
  return refs;
}

/** The product's collection slugs (what changes when its category or brand does). */
export function productCollectionSlugs(product: { productType: string | null; brand: string }): string[] {
  return productCollections(product).map((c) => c.slug);
}

/** The template for a kind of collection; empty means that kind is not published. */
export function collectionTemplate(kind: CollectionKind, templates: CollectionTemplates): string {
  return kind === 'brand' ? templates.brandUrlTemplate : templates.collectionUrlTemplate;
}

/** The collection page's URL, or null when its kind has no template (it is then not published). */
export function collectionUrl(collection: { kind: CollectionKind; slug: string }, templates: CollectionTemplates): string | null {
  const template = collectionTemplate(collection.kind, templates).trim();
  return template === '' ? null : template.replaceAll('{slug}', collection.slug);
}

/** The data file a collection is written to, relative to the publish folder. */
export function collectionFileName(slug: string): string {
  return `collections/${slug}.json`;
}
