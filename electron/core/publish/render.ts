/**
 * The render stage: a product's new record and its fragments for each file, built by the one
 * builder that every output and the preview share. `renderProduct` builds the facts, the problems,
 * the feed item and TSV row and the JSON-LD node; `jsonLdTexts` assembles the JSON-LD documents
 * (a variant's is its group's); `seal` settles the content hash and lastmod against what was
 * published before and builds the sitemap entry and the manifest line. Fragments are text, held
 * only until they are written.
 */
import { hash } from 'node:crypto';
import { SCHEMA_ORG_AVAILABILITY } from '../../../shared/domain/availability';
import { fromMinorUnits } from '../../../shared/domain/money';
import type { PublishProblem } from '../../../shared/schemas/publish';
import type { PublishSummary } from '../stock/stock-summary';
import type { CatalogRow } from '../db/publish-queries';
import { num } from '../util/db-helpers';
import { jsonLdStringify, tsvCell, xmlText } from './escape';
import { collectionUrl, productCollections } from './collections';
import type { LdDigest } from './jsonld-writer';
import type { Membership } from './collection-index';
import { collectionsOn, membershipOf } from './collection-render';
import { openAiLine } from './openai-feed';
import { bySku, type PreviousRecord, type ProductRecord } from './product-record';
import type { StoredSettings } from './types';
import { canonicalHttpUrl, excludedFrom, productProblems, productUrl, URL_MAX } from './validate';

/** A product rendered: its new record (content hash and lastmod settled by `seal`) and its own fragments. */
export type Rendered = {
  record: ProductRecord;
  /** `<item>…</item>\n` for google-merchant.xml, or null when the product is not in the feed. */
  xml: string | null;
  /** One line of google-merchant.tsv, or null when not in the feed. */
  tsv: string | null;
  /** One line of openai-products.jsonl, or null when not in the feed or that file is off. */
  ai: string | null;
  /** The product's valid image URLs (main first), for its sitemap entry. */
  images: string[];
  /**
   * The schema.org Product node, or null when the product has no JSON-LD: a whole document (with
   * @context) for a product on its own, a node for its group's `hasVariant` for a variant.
   */
  ld: Record<string, unknown> | null;
  /** Its place in the collections (issue 19), or null when it is in none or they are off. */
  membership: Membership | null;
};

/**
 * A record's new text for each file, held only until it is written. It travels beside the record,
 * never in it: records live as long as the publisher and V8 soon allocates them straight into the
 * old generation, and a young string referenced from an old object (even one dropped a moment
 * later) survives every scavenge until the next full GC. Holding the fragments in the record
 * promoted ~110 MB of dead text per 100,000 products and made the peak ~60 MB higher (measured).
 */
export type Fragments = {
  xml: string | null;
  tsv: string | null;
  ai: string | null;
  /** `<url>…</url>` with the lastmod and images, or null when not in the sitemap. */
  sitemap: string | null;
  /** The manifest's line for the JSON-LD file, or null. */
  manifest: string | null;
};

export const TSV_COLUMNS = [
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'availability', 'availability_date',
  'price', 'sale_price', 'brand', 'gtin', 'mpn', 'identifier_exists', 'condition', 'item_group_id',
  'excluded_destination', 'pause', 'product_type', 'google_product_category',
] as const;

/** Destinations an item's ads are excluded from while they are paused (free listings stay). */
export const PAUSED_DESTINATIONS = ['Shopping_ads', 'Display_ads'];
const PAUSED_XML = `${PAUSED_DESTINATIONS.map((d) => `<g:excluded_destination>${d}</g:excluded_destination>`).join('')}<g:pause>ads</g:pause>`;
const PAUSED_TSV = `${PAUSED_DESTINATIONS.join(',')}\tads`;

const CONDITION_URL: Record<string, string> = {
  new: 'https://schema.org/NewCondition',
  used: 'https://schema.org/UsedCondition',
  refurbished: 'https://schema.org/RefurbishedCondition',
};

/** Merchant Center wants ISO 8601 with a time; a date alone means the start of that day, UTC. */
function merchantDate(date: string): string {
  return date.length === 10 ? `${date}T00:00:00Z` : date;
}

function gtinProperty(gtin: string): string {
  return gtin.length === 8 ? 'gtin8' : gtin.length === 12 ? 'gtin12' : gtin.length === 13 ? 'gtin13' : 'gtin14';
}

/** No problems: one shared empty list instead of 100,000 empty arrays. */
const NO_PROBLEMS: PublishProblem[] = [];

/**
 * Renders a product. `summary` comes from `summarise`, the same call the stock API makes. The
 * JSON-LD node is built when JSON-LD is published (`jsonLd`, the setting by default).
 */
export function renderProduct(row: CatalogRow, summary: PublishSummary, settings: StoredSettings, jsonLd = settings.artifacts.jsonLd): Rendered {
  const brand = row.brand || settings.defaultBrand;
  const additional = (JSON.parse(row.additional_image_urls) as string[]).map((u) => canonicalHttpUrl(u) ?? u);
  const imageUrl = row.image_url ? (canonicalHttpUrl(row.image_url) ?? row.image_url) : null;
  const url = productUrl(settings, row.slug, row.sku);
  const priceMinor = num(row.price_minor);
  const availability = summary.availability;
  const listed = availability !== 'discontinued';
  const problems = productProblems({
    title: row.title,
    description: row.description,
    brand,
    gtin: row.gtin,
    mpn: row.mpn,
    priceMinor,
    currency: row.currency,
    imageUrl: row.image_url,
    additionalImageUrls: additional,
    url,
    urlConfigured: Boolean(settings.productUrlTemplate || settings.shopUrl),
    itemGroupId: row.item_group_id,
    availability,
    availabilityDate: summary.availabilityDate,
  });
  const noUrl = url === null;
  const inFeed = listed && !noUrl && !excludedFrom(problems, 'feed');
  const inSitemap = listed && !noUrl && !excludedFrom(problems, 'sitemap') && (availability !== 'out_of_stock' || settings.keepOutOfStockInSitemap);
  const hasLd = !noUrl && !excludedFrom(problems, 'jsonLd');

  const price = `${fromMinorUnits(priceMinor, row.currency)} ${row.currency}`;
  const salePriceMinor = row.sale_price_minor === null ? null : num(row.sale_price_minor);
  const salePrice = salePriceMinor === null ? '' : `${fromMinorUnits(salePriceMinor, row.currency)} ${row.currency}`;
  const availabilityDate = summary.availabilityDate ? merchantDate(summary.availabilityDate) : '';
  const paused = availability === 'out_of_stock';
  const identifierExists = row.gtin || row.mpn ? '' : 'no';

  let xml: string | null = null;
  let tsv: string | null = null;
  let ai: string | null = null;
  if (inFeed) {
    // One concatenation each, no arrays of parts: this runs 100,000 times a full publish, and the
    // garbage of the arrays and the per-element strings cost more in GC than the building.
    const sku = xmlText(row.sku);
    let x = `<item><g:id>${sku}</g:id><g:title>${xmlText(row.title)}</g:title><g:description>${xmlText(row.description)}</g:description><g:link>${xmlText(url as string)}</g:link><g:image_link>${xmlText(imageUrl as string)}</g:image_link>`;
    for (const u of additional) x += `<g:additional_image_link>${xmlText(u)}</g:additional_image_link>`;
    x += `<g:availability>${availability}</g:availability>`;
    if (availabilityDate) x += `<g:availability_date>${xmlText(availabilityDate)}</g:availability_date>`;
    x += `<g:price>${xmlText(price)}</g:price>`;
    if (salePrice) x += `<g:sale_price>${xmlText(salePrice)}</g:sale_price>`;
    x += `<g:brand>${xmlText(brand)}</g:brand>`;
    if (row.gtin) x += `<g:gtin>${xmlText(row.gtin)}</g:gtin>`;
    if (row.mpn) x += `<g:mpn>${xmlText(row.mpn)}</g:mpn>`;
    if (identifierExists) x += `<g:identifier_exists>${identifierExists}</g:identifier_exists>`;
    x += `<g:condition>${xmlText(row.condition)}</g:condition>`;
    if (row.item_group_id) x += `<g:item_group_id>${xmlText(row.item_group_id)}</g:item_group_id>`;
    if (row.product_type) x += `<g:product_type>${xmlText(row.product_type)}</g:product_type>`;
    if (row.google_product_category) x += `<g:google_product_category>${xmlText(row.google_product_category)}</g:google_product_category>`;
    if (paused) x += PAUSED_XML;
    xml = `${x}</item>\n`;
    let images = '';
    for (const u of additional) images += images === '' ? u.replace(/,/g, '%2C') : `,${u.replace(/,/g, '%2C')}`;
    tsv =
      `${tsvCell(row.sku)}\t${tsvCell(row.title)}\t${tsvCell(row.description)}\t${tsvCell(url as string)}\t${tsvCell(imageUrl as string)}\t${tsvCell(images)}\t` +
      `${availability}\t${tsvCell(availabilityDate)}\t${tsvCell(price)}\t${tsvCell(salePrice)}\t${tsvCell(brand)}\t${tsvCell(row.gtin ?? '')}\t${tsvCell(row.mpn ?? '')}\t` +
      `${identifierExists}\t${tsvCell(row.condition)}\t${tsvCell(row.item_group_id ?? '')}\t${paused ? PAUSED_TSV : '\t'}\t` +
      `${tsvCell(row.product_type ?? '')}\t${tsvCell(row.google_product_category ?? '')}\n`;
    if (settings.artifacts.openAiFeed) {
      const buffer = row.buffer_stock === null ? settings.bufferStock : num(row.buffer_stock);
      ai = openAiLine(
        {
          sku: row.sku,
          title: row.title,
          description: row.description,
          url: url as string,
          brand,
          imageUrl: imageUrl as string,
          additionalImageUrls: additional,
          price,
          // OpenAI takes a sale price only below the price.
          salePrice: salePriceMinor !== null && salePriceMinor < priceMinor ? salePrice : '',
          availability: availability as Exclude<typeof availability, 'discontinued'>,
          availabilityDate: summary.availabilityDate ?? '',
          // In stock means more is available online than the buffer keeps back; what is above it can
          // be sold (the channels' figure: stock at locations that do not sell online is not offered).
          inventoryQuantity: availability === 'in_stock' ? Math.max(1, summary.onlineAvailable - buffer) : 0,
          condition: row.condition,
          gtin: row.gtin,
          mpn: row.mpn,
          category: openAiCategory(row),
          groupId: row.item_group_id,
        },
        settings,
      );
    }
  }
  const images = inSitemap ? sitemapImages(imageUrl, additional) : NO_IMAGES;

  let ldProduct: Record<string, unknown> | null = null;
  if (hasLd && jsonLd) {
    const effective = salePriceMinor ?? priceMinor;
    const offer: Record<string, unknown> = {
      '@type': 'Offer',
      url,
      price: fromMinorUnits(effective, row.currency),
      priceCurrency: row.currency,
      availability: SCHEMA_ORG_AVAILABILITY[availability],
      itemCondition: CONDITION_URL[row.condition] ?? CONDITION_URL.new,
      sku: row.sku,
    };
    if (summary.availabilityDate && (availability === 'preorder' || availability === 'backorder')) offer.availabilityStarts = summary.availabilityDate;
    if (salePriceMinor !== null) {
      offer.priceSpecification = {
        '@type': 'UnitPriceSpecification',
        priceType: 'https://schema.org/StrikethroughPrice',
        price: fromMinorUnits(priceMinor, row.currency),
        priceCurrency: row.currency,
      };
    }
    if (settings.shopName) offer.seller = { '@type': 'Organization', name: settings.shopName };
    // Properties are added in the order they are written; no spread of conditional objects (each
    // allocated a throwaway object, 100,000 times a publish).
    const product: Record<string, unknown> = row.item_group_id ? { '@type': 'Product', name: row.title } : { '@context': 'https://schema.org', '@type': 'Product', name: row.title };
    if (row.description) product.description = row.description;
    product.sku = row.sku;
    if (row.gtin) product[gtinProperty(row.gtin)] = row.gtin;
    if (row.mpn) product.mpn = row.mpn;
    product.image = [imageUrl, ...additional];
    product.url = url;
    if (brand) product.brand = { '@type': 'Brand', name: brand };
    // The shop's own category path; else Google's, when it is a path (a bare taxonomy id means nothing to a reader).
    const category = row.product_type ?? (row.google_product_category && !/^\d+$/.test(row.google_product_category) ? row.google_product_category : null);
    if (category) product.category = category;
    if (row.item_group_id) product.inProductGroupWithID = row.item_group_id;
    product.offers = offer;
    ldProduct = product;
  }
  // Every field set here, in one order: the records of a catalogue share one shape. The content
  // hash, lastmod, sequence and JSON-LD size are settled by `seal`, the places by the writers.
  const record: ProductRecord = {
    id: row.id,
    sku: row.sku,
    slug: row.slug,
    groupId: row.item_group_id,
    url,
    availability,
    problems: problems.length > 0 ? problems : NO_PROBLEMS,
    contentHash: '',
    lastmod: '',
    seq: 0,
    inFeed: xml !== null,
    inSitemap,
    collectionUrl: !listed && settings.discontinuedRedirect === 'collection' ? discontinuedCollectionUrl(row, brand, settings) : null,
    hasJsonLd: false,
    ldBytes: 0,
    xmlOff: -1,
    xmlLen: 0,
    tsvOff: -1,
    tsvLen: 0,
    aiHash: '',
    aiPart: -1,
    aiOff: -1,
    aiLen: 0,
    smPart: -1,
    smOff: -1,
    smLen: 0,
    mfOff: -1,
    mfLen: 0,
  };
  const membership = collectionsOn(settings) ? membershipOf(row, { url, availability, brand, imageUrl }, settings) : null;
  return { record, xml, tsv, ai, images, ld: ldProduct, membership };
}

const NO_IMAGES: string[] = [];

/**
 * OpenAI's `product_category`: a path with ">" between levels. Google's category when it is given
 * as a path (an id of Google's taxonomy means nothing to another reader), else the shop's own.
 */
function openAiCategory(row: CatalogRow): string | null {
  const google = row.google_product_category;
  if (google && !/^\d+$/.test(google)) return google;
  return row.product_type || null;
}

/**
 * Where a discontinued product's old page may send people: the page of the deepest level of its
 * category that has one, else its brand's; null when neither kind of collection is published.
 */
export function discontinuedCollectionUrl(row: CatalogRow, brand: string, settings: StoredSettings): string | null {
  const refs = productCollections({ productType: row.product_type, brand });
  const brandRef = refs.find((r) => r.kind === 'brand');
  for (const ref of [...refs.filter((r) => r.kind === 'category').reverse(), ...(brandRef ? [brandRef] : [])]) {
    const url = collectionUrl(ref, settings);
    if (url) return canonicalHttpUrl(url);
  }
  return null;
}

/** The image URLs a sitemap entry may name: absolute http(s), canonical, within the URL limit. */
function sitemapImages(main: string | null, additional: string[]): string[] {
  // No spread of the list, and no array for a product without images: this runs per product.
  let out: string[] | null = null;
  const take = (u: string) => {
    if (/^https?:\/\//.test(u) && u.length <= URL_MAX && canonicalHttpUrl(u) === u) (out ??= []).push(u);
  };
  if (main) take(main);
  for (const u of additional) take(u);
  return out ?? NO_IMAGES;
}

/** The JSON-LD document of a variant group: a ProductGroup whose hasVariant lists every variant. */
export function groupDocument(groupId: string, variants: Array<Record<string, unknown>>): Record<string, unknown> {
  const names = variants.map((v) => String(v.name));
  return {
    '@context': 'https://schema.org',
    '@type': 'ProductGroup',
    name: commonName(names),
    productGroupID: groupId,
    ...(variants[0]?.brand ? { brand: variants[0].brand } : {}),
    hasVariant: variants,
  };
}

/** The words all variant names start with ("T-shirt Blue M", "T-shirt Red L" → "T-shirt"). */
function commonName(names: string[]): string {
  const first = names[0] ?? '';
  const words = first.split(/\s+/);
  let n = words.length;
  for (const name of names.slice(1)) {
    const other = name.split(/\s+/);
    let k = 0;
    while (k < n && k < other.length && other[k] === words[k]) k++;
    n = k;
  }
  const common = words.slice(0, n).join(' ').replace(/[\s,;:/|–—-]+$/, '');
  return common.length >= 3 ? common : first;
}

/**
 * The JSON-LD text of each rendered product: its own Product, or its group's ProductGroup for
 * variants (`products` must hold every member of each group it touches).
 */
export function jsonLdTexts(products: Rendered[]): Map<string, string> {
  const out = new Map<string, string>();
  const groups = new Map<string, Rendered[]>();
  for (const p of products) {
    if (!p.ld) continue;
    const groupId = p.record.groupId;
    if (groupId) {
      const members = groups.get(groupId) ?? [];
      members.push(p);
      groups.set(groupId, members);
    } else {
      out.set(p.record.id, jsonLdStringify(p.ld));
    }
  }
  for (const [groupId, members] of groups) {
    members.sort((a, b) => bySku(a.record, b.record));
    const text = jsonLdStringify(groupDocument(groupId, members.map((m) => m.ld as Record<string, unknown>)));
    for (const m of members) out.set(m.record.id, text);
  }
  return out;
}

/** W3C Datetime with the time zone spelled out, so several changes a day stay visible. */
export function lastmodNow(now = new Date()): string {
  return now.toISOString().replace('Z', '+00:00');
}

/** The manifest's line for a file. */
export function manifestLine(name: string, bytes: number, sha256: string): string {
  return `{"name":${JSON.stringify(name)},"bytes":${bytes},"sha256":"${sha256}"}`;
}

/** The content hash is the first 22 characters (132 bits) of the base64url SHA-256. */
const HASH_CHARS = 22;
const copyBuffer = Buffer.allocUnsafeSlow(64);

/**
 * The first `n` (≤ 64) characters of ASCII `text` as a string of their own: `slice` would return
 * a view that keeps all of `text` alive (43 characters for a 22-character hash, in every record).
 */
function ownCopy(text: string, n: number): string {
  copyBuffer.write(text, 0, n, 'latin1');
  return copyBuffer.toString('latin1', 0, n);
}

/**
 * Seals a rendered product's record, keeping the previous lastmod when its published content is
 * unchanged. The content hash covers what is published of the product: its feed item, whether
 * and where it is in the sitemap, and its JSON-LD file (`ld`, its digest) when it has one.
 * Returns the record's fragments: they are written, not kept.
 */
export function seal(rendered: Rendered, ld: LdDigest | null | undefined, previous: PreviousRecord | undefined, now: string, seq: number): Fragments {
  const record = rendered.record;
  const jsonSha = ld ? ld.sha256 : '';
  // The feed item names the images; a sitemap entry without one adds them (the digest of every
  // product in the feed stays what it was before sitemap entries carried images).
  const extraImages = record.inSitemap && rendered.xml === null && rendered.images.length > 0 ? `\n${rendered.images.join(' ')}` : '';
  const digest = hash('sha256', `${rendered.xml ?? ''}\n${jsonSha}\n${record.inSitemap ? 1 : 0}\n${record.url ?? ''}${extraImages}`, 'base64url');
  const same = previous !== undefined && previous.contentHash.length === HASH_CHARS && digest.startsWith(previous.contentHash);
  // Unchanged: the previous string is kept, so 100,000 records share nothing new.
  record.contentHash = same ? (previous as PreviousRecord).contentHash : ownCopy(digest, HASH_CHARS);
  record.lastmod = same ? (previous as PreviousRecord).lastmod : now;
  record.seq = same ? (previous as PreviousRecord).seq : seq;
  record.hasJsonLd = Boolean(ld);
  record.ldBytes = ld ? ld.bytes : 0;
  // The AI feed's line has its own hash: its stock count changes more often than anything a search
  // engine sees, and must not move the page's lastmod.
  record.aiHash = rendered.ai === null ? '' : ownCopy(hash('sha256', rendered.ai, 'base64url'), HASH_CHARS);
  let images = '';
  for (const u of rendered.images) images += `<image:image><image:loc>${xmlText(u)}</image:loc></image:image>`;
  return {
    xml: rendered.xml,
    tsv: rendered.tsv,
    ai: rendered.ai,
    sitemap: record.inSitemap ? `<url><loc>${xmlText(record.url as string)}</loc><lastmod>${record.lastmod}</lastmod>${images}</url>\n` : null,
    manifest: ld ? manifestLine(`jsonld/${record.slug}.json`, record.ldBytes, jsonSha) : null,
  };
}
