/**
 * One product as the publishers see it: its facts, its problems, and its fragments for each
 * output, built once per change of the product (fragments are text, written as they are built).
 */
import type { Availability } from '../../../shared/domain/availability';
import { SCHEMA_ORG_AVAILABILITY } from '../../../shared/domain/availability';
import { fromMinorUnits } from '../../../shared/domain/money';
import type { PublishProblem } from '../../../shared/schemas/publish';
import type { StockSummary } from '../../../shared/schemas/stock';
import type { ProductRow } from '../products/product-repository';
import { num } from '../util/db-helpers';
import { tsvCell, xmlText } from './escape';
import type { StoredSettings } from './types';
import { canonicalHttpUrl, excludedFrom, productProblems, productUrl } from './validate';

export type BuiltItem = {
  id: string;
  sku: string;
  slug: string;
  groupId: string | null;
  url: string | null;
  availability: Availability;
  problems: PublishProblem[];
  /** `<item>…</item>\n` for google-merchant.xml, or null when the product is not in the feed. */
  xml: string | null;
  /** One line of google-merchant.tsv, or null when not in the feed. */
  tsv: string | null;
  /** Listed in the sitemap (its `<url>` entry is built with the lastmod later). */
  inSitemap: boolean;
  /** The schema.org Product node (without @context), or null when the product has no JSON-LD. */
  ldProduct: Record<string, unknown> | null;
};

export const TSV_COLUMNS = [
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'availability', 'availability_date',
  'price', 'sale_price', 'brand', 'gtin', 'mpn', 'identifier_exists', 'condition', 'item_group_id',
  'excluded_destination', 'pause',
] as const;

/** Destinations an item's ads are excluded from while they are paused (free listings stay). */
export const PAUSED_DESTINATIONS = ['Shopping_ads', 'Display_ads'];

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

function el(name: string, value: string): string {
  return `<g:${name}>${xmlText(value)}</g:${name}>`;
}

/**
 * Builds a product's fragments. `summary` comes from `summarise`, the same call the stock API
 * makes. The JSON-LD node is built when JSON-LD is published (`jsonLd`, the setting by default).
 */
export function buildItem(row: ProductRow, summary: StockSummary, settings: StoredSettings, jsonLd = settings.artifacts.jsonLd): BuiltItem {
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
  if (inFeed) {
    const parts = [
      '<item>',
      el('id', row.sku),
      el('title', row.title),
      el('description', row.description),
      el('link', url as string),
      el('image_link', imageUrl as string),
      ...additional.map((u) => el('additional_image_link', u)),
      el('availability', availability),
    ];
    if (availabilityDate) parts.push(el('availability_date', availabilityDate));
    parts.push(el('price', price));
    if (salePrice) parts.push(el('sale_price', salePrice));
    parts.push(el('brand', brand));
    if (row.gtin) parts.push(el('gtin', row.gtin));
    if (row.mpn) parts.push(el('mpn', row.mpn));
    if (identifierExists) parts.push(el('identifier_exists', identifierExists));
    parts.push(el('condition', row.condition));
    if (row.item_group_id) parts.push(el('item_group_id', row.item_group_id));
    if (paused) {
      for (const d of PAUSED_DESTINATIONS) parts.push(el('excluded_destination', d));
      parts.push(el('pause', 'ads'));
    }
    parts.push('</item>\n');
    xml = parts.join('');
    const cells = [
      row.sku, row.title, row.description, url as string, imageUrl as string,
      additional.map((u) => u.replace(/,/g, '%2C')).join(','), availability, availabilityDate, price, salePrice, brand,
      row.gtin ?? '', row.mpn ?? '', identifierExists, row.condition, row.item_group_id ?? '',
      paused ? PAUSED_DESTINATIONS.join(',') : '', paused ? 'ads' : '',
    ];
    tsv = `${cells.map(tsvCell).join('\t')}\n`;
  }

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
    ldProduct = {
      '@type': 'Product',
      name: row.title,
      ...(row.description ? { description: row.description } : {}),
      sku: row.sku,
      ...(row.gtin ? { [gtinProperty(row.gtin)]: row.gtin } : {}),
      ...(row.mpn ? { mpn: row.mpn } : {}),
      image: [imageUrl, ...additional],
      url,
      ...(brand ? { brand: { '@type': 'Brand', name: brand } } : {}),
      ...(row.item_group_id ? { inProductGroupWithID: row.item_group_id } : {}),
      offers: offer,
    };
  }
  return {
    id: row.id,
    sku: row.sku,
    slug: row.slug,
    groupId: row.item_group_id,
    url,
    availability,
    problems,
    xml,
    tsv,
    inSitemap,
    ldProduct,
  };
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
