/**
 * The render stage for collections (issue 19): a product's member entry, a collection's data file
 * (`collections/<slug>.json`: its name, URL, the products it lists with their URLs, prices and
 * availability, counts, and its schema.org CollectionPage with an ItemList as JSON-LD), and the
 * collections sitemap. A collection's lastmod moves only when what its page shows changes: its
 * name, URL, or a listed product's entry (one entering or leaving, its price or availability).
 */
import { createHash, hash } from 'node:crypto';
import type { Availability } from '../../../shared/domain/availability';
import { fromMinorUnits } from '../../../shared/domain/money';
import type { CatalogRow } from '../db/publish-rows';
import { num } from '../util/db-helpers';
import type { Collection, Member, Membership } from './collection-index';
import { collectionUrl, productCollections, type CollectionKind, type CollectionRef } from './collections';
import { jsonLdStringify, xmlText } from './escape';
import type { StoredSettings } from './types';

/** The products an ItemList names: what a first page shows (`numberOfItems` gives them all). */
export const ITEM_LIST_MAX = 100;

/**
 * The products a data file lists at most (the first in SKU order; `counts.listed` and `truncated`
 * say when there are more). Every change of a listed product rewrites the files of its
 * collections, and a brand that holds two thirds of 100,000 products made a 16 MB file: rewriting
 * it per stock change cost ~0.5 s and ~400 MB of garbage. 5,000 entries are ~1.2 MB.
 */
export const COLLECTION_PRODUCTS_MAX = 5_000;

export const COLLECTIONS_SITEMAP = 'sitemap-collections.xml';
export const COLLECTIONS_DIR = 'collections';

/** What can be bought now: such a product is listed on its collections' pages. */
const LISTED: ReadonlySet<Availability> = new Set<Availability>(['in_stock', 'backorder', 'preorder']);

/** What the publisher keeps of a published collection (`published_collections`). */
export type CollectionRecord = {
  slug: string;
  kind: CollectionKind;
  url: string;
  /** The first 22 characters of the base64url SHA-256 of what its page shows. */
  contentHash: string;
  lastmod: string;
  seq: number;
  /** Nothing can be bought in it now. */
  empty: boolean;
  inSitemap: boolean;
  /** Its data file's size and SHA-256 (the manifest lists them). */
  bytes: number;
  sha256: string;
};

/** Whether collections of any kind are published under these settings. */
export function collectionsOn(settings: StoredSettings): boolean {
  return settings.artifacts.collections && Boolean(settings.collectionUrlTemplate || settings.brandUrlTemplate);
}

/**
 * A rendered product's place in the collections, or null when it is in none: it needs a page of
 * its own (`url`), must not be discontinued, and only kinds with a URL template count.
 */
export function membershipOf(
  row: CatalogRow,
  facts: { url: string | null; availability: Availability; brand: string; imageUrl: string | null },
  settings: StoredSettings,
): Membership | null {
  if (!facts.url || facts.availability === 'discontinued') return null;
  const refs = refsOf(row.product_type, facts.brand).filter((r) => collectionUrl(r, settings) !== null);
  if (refs.length === 0) return null;
  const salePrice = row.sale_price_minor === null ? null : fromMinorUnits(num(row.sale_price_minor), row.currency);
  const entry = jsonLdStringify({
    sku: row.sku,
    name: row.title,
    url: facts.url,
    image: facts.imageUrl,
    price: fromMinorUnits(num(row.price_minor), row.currency),
    salePrice,
    currency: row.currency,
    availability: facts.availability,
  });
  const member: Member = {
    id: row.id,
    sku: row.sku,
    listed: LISTED.has(facts.availability),
    availability: facts.availability,
    entry,
    entryHash: hash('sha256', entry, 'buffer').readUInt32BE(0),
  };
  return { member, refs };
}

/**
 * The collections of a category path and brand, remembered: a catalogue has few distinct pairs,
 * and making their slugs again for each of 100,000 products would cost a full publish ~0.1 s.
 */
const refsMemo = new Map<string, CollectionRef[]>();
const REFS_MEMO_MAX = 20_000;

function refsOf(productType: string | null, brand: string): CollectionRef[] {
  const key = `${productType ?? ''}\u0000${brand}`;
  let refs = refsMemo.get(key);
  if (!refs) {
    if (refsMemo.size >= REFS_MEMO_MAX) refsMemo.clear();
    refs = productCollections({ productType, brand });
    refsMemo.set(key, refs);
  }
  return refs;
}

/** Whether this machine stores a Uint32Array's numbers little-end first (then they are swapped to big-endian). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export type RenderedCollection = { record: CollectionRecord; text: string };

/**
 * Renders a collection's data file, keeping the previous lastmod when its page shows the same.
 * `keepEmpty`: the emptyCollections setting (`keep`: an empty collection stays in the sitemap).
 */
export function renderCollection(
  c: Collection,
  url: string,
  previous: CollectionRecord | undefined,
  options: { now: string; seq: number; keepEmpty: boolean },
): RenderedCollection {
  const listed: Member[] = [];
  const members = c.members;
  const counts = { products: members.length, listed: 0, inStock: 0, backorder: 0, preorder: 0, outOfStock: 0 };
  // What the page shows, without hashing every entry's text again: the listed entries' own hashes
  // in order, big-endian (hashing a 67,000-product collection's text again took ~60 ms a change),
  // the name and the URL. Gathered in the same pass, in a typed array: Buffer#writeUInt32BE per
  // member took ~5 ms a change at 100,000 products.
  const hashes = new Uint32Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const m = members[i] as Member;
    const a = m.availability;
    if (a === 'in_stock') counts.inStock++;
    else if (a === 'backorder') counts.backorder++;
    else if (a === 'preorder') counts.preorder++;
    else if (a === 'out_of_stock') counts.outOfStock++;
    if (m.listed) {
      const h = m.entryHash;
      hashes[listed.length] = LITTLE_ENDIAN ? ((h & 0xff) << 24) | ((h & 0xff00) << 8) | ((h >>> 8) & 0xff00) | (h >>> 24) : h;
      listed.push(m);
    }
  }
  counts.listed = listed.length;
  const digest = createHash('sha256')
    .update(`${c.kind}\n${c.name}\n${url}\n`)
    .update(new Uint8Array(hashes.buffer, 0, listed.length * 4))
    .digest('base64url')
    .slice(0, 22);
  const same = previous !== undefined && previous.contentHash === digest && previous.url === url;
  const lastmod = same ? (previous as CollectionRecord).lastmod : options.now;
  const empty = listed.length === 0;
  const inSitemap = !empty || options.keepEmpty;
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'CollectionPage',
    name: c.name,
    url,
    ...(c.kind === 'category' && c.path.length > 1 ? { breadcrumb: c.path.join(' > ') } : {}),
    mainEntity: {
      '@type': 'ItemList',
      numberOfItems: listed.length,
      itemListElement: listed.slice(0, ITEM_LIST_MAX).map((m, i) => {
        const { url: itemUrl, name } = JSON.parse(m.entry) as { url: string; name: string };
        return { '@type': 'ListItem', position: i + 1, url: itemUrl, name };
      }),
    },
  };
  const truncated = listed.length > COLLECTION_PRODUCTS_MAX;
  const shown = truncated ? listed.slice(0, COLLECTION_PRODUCTS_MAX) : listed;
  const head = jsonLdStringify({ slug: c.slug, kind: c.kind, name: c.name, path: c.path, parent: c.parent, url, lastmod, empty, inSitemap, counts, truncated, jsonLd }, 2);
  const products = shown.length === 0 ? '[]' : `[\n    ${shown.map((m) => m.entry).join(',\n    ')}\n  ]`;
  const text = `${head.slice(0, -2)},\n  "products": ${products}\n}\n`;
  const bytes = Buffer.byteLength(text);
  return {
    record: {
      slug: c.slug,
      kind: c.kind,
      url,
      contentHash: digest,
      lastmod,
      seq: same ? (previous as CollectionRecord).seq : options.seq,
      empty,
      inSitemap,
      bytes,
      sha256: hash('sha256', text, 'hex'),
    },
    text,
  };
}

/** The collections sitemap: every collection in it, by slug; null when none is (no file then). */
export function collectionsSitemapText(records: Iterable<CollectionRecord>): { text: string; newest: string } | null {
  const listed = [...records].filter((r) => r.inSitemap).sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  if (listed.length === 0) return null;
  let newest = '';
  let body = '';
  for (const r of listed) {
    if (r.lastmod > newest) newest = r.lastmod;
    body += `<url><loc>${xmlText(r.url)}</loc><lastmod>${r.lastmod}</lastmod></url>\n`;
  }
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}</urlset>\n`, newest };
}
