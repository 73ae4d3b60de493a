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
  /**
   * The schema.org Product node, or null when the product has no JSON-LD: a whole document (with
   * @context) for a product on its own, a node for its group's `hasVariant` for a variant.
   */
  ldProduct: Record<string, unknown> | null;
};

export const TSV_COLUMNS = [
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'availability', 'availability_date',
  'price', 'sale_price', 'brand', 'gtin', 'mpn', 'identifier_exists', 'condition', 'item_group_id',
  'excluded_destination', 'pause',
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
    if (paused) x += PAUSED_XML;
    xml = `${x}</item>\n`;
    let images = '';
    for (const u of additional) images += images === '' ? u.replace(/,/g, '%2C') : `,${u.replace(/,/g, '%2C')}`;
    tsv =
      `${tsvCell(row.sku)}\t${tsvCell(row.title)}\t${tsvCell(row.description)}\t${tsvCell(url as string)}\t${tsvCell(imageUrl as string)}\t${tsvCell(images)}\t` +
      `${availability}\t${tsvCell(availabilityDate)}\t${tsvCell(price)}\t${tsvCell(salePrice)}\t${tsvCell(brand)}\t${tsvCell(row.gtin ?? '')}\t${tsvCell(row.mpn ?? '')}\t` +
      `${identifierExists}\t${tsvCell(row.condition)}\t${tsvCell(row.item_group_id ?? '')}\t${paused ? PAUSED_TSV : '\t'}\n`;
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
    if (row.item_group_id) product.inProductGroupWithID = row.item_group_id;
    product.offers = offer;
    ldProduct = product;
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
