/**
 * The checks a product must pass before it is published. A failing product is left out of the
 * outputs its problem affects, and the problem is listed (`publish.issues`), never dropped silently.
 */
import { gtinProblem } from '../../../shared/domain/gtin';
import { isCurrencyCode } from '../../../shared/domain/money';
import type { PublishOutput, PublishProblem } from '../../../shared/schemas/publish';
import type { StoredSettings } from './types';

export const FEED_TITLE_MAX = 150;
export const FEED_DESCRIPTION_MAX = 5_000;
export const URL_MAX = 2_000;
/** Both feeds' limits for the brand and the manufacturer part number. */
export const BRAND_MAX = 70;
export const MPN_MAX = 70;

const FEED_ONLY: PublishOutput[] = ['feed'];
const FEED_AND_JSONLD: PublishOutput[] = ['feed', 'jsonLd'];
const EVERYWHERE: PublishOutput[] = ['feed', 'jsonLd', 'sitemap'];

/** Already canonical: lower-case ASCII host and only characters URL serialisation leaves alone. */
const PLAIN_URL = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/** An absolute http(s) URL in its canonical (percent-encoded, punycode) form, or null. */
export function canonicalHttpUrl(raw: string): string | null {
  // Fast path for the common case: new URL() costs microseconds, times several per product.
  if (PLAIN_URL.test(raw) && !raw.includes('/./') && !raw.includes('/../') && !/%(?![0-9A-Fa-f]{2})/.test(raw)) return raw;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

/** Problems with the shop settings, which keep every product out. */
export function shopProblems(settings: StoredSettings): PublishProblem[] {
  const problems: PublishProblem[] = [];
  if (!settings.productUrlTemplate && !settings.shopUrl) {
    problems.push({
      field: 'productUrlTemplate',
      problem: 'neither the product page URL template nor the shop URL is set, so no product has a link',
      fix: 'Set "Product page URL" in Settings, e.g. https://shop.example.com/products/{slug} (or at least the shop URL)',
      excludedFrom: EVERYWHERE,
    });
  }
  return problems;
}

/** The shop's base URL: the shop URL, or the origin of the product URL template. */
export function shopBase(settings: StoredSettings): string {
  if (settings.shopUrl) return settings.shopUrl.replace(/\/+$/, '');
  try {
    return new URL(settings.productUrlTemplate.replace(/\{(slug|sku)\}/g, 'x')).origin;
  } catch {
    return '';
  }
}

/** The product page URL from the template (or `<shopUrl>/products/{slug}`), or null when neither is set. */
export function productUrl(settings: StoredSettings, slug: string, sku: string): string | null {
  const template = settings.productUrlTemplate || (settings.shopUrl ? `${settings.shopUrl.replace(/\/+$/, '')}/products/{slug}` : '');
  if (!template) return null;
  const filled = template.replace(/\{slug\}/g, encodeURIComponent(slug)).replace(/\{sku\}/g, encodeURIComponent(sku));
  return canonicalHttpUrl(filled);
}

export type ValidationFacts = {
  title: string;
  description: string;
  brand: string;
  gtin: string | null;
  mpn: string | null;
  priceMinor: number;
  currency: string;
  imageUrl: string | null;
  additionalImageUrls: string[];
  /** The page URL, or null when it could not be built. */
  url: string | null;
  urlConfigured: boolean;
  itemGroupId: string | null;
  availability: string;
  availabilityDate: string | null;
};

/** Every problem of one product; an empty list means it is published everywhere it belongs. */
export function productProblems(f: ValidationFacts): PublishProblem[] {
  const problems: PublishProblem[] = [];
  const add = (field: string, problem: string, fix: string, excludedFrom: PublishOutput[]) =>
    problems.push({ field, problem, fix, excludedFrom });

  if (f.urlConfigured && !f.url) {
    add('slug', 'the product page URL built from the template is not a valid absolute http(s) URL', 'Check the product URL template in Settings and the product’s slug', EVERYWHERE);
  } else if (f.url && f.url.length > URL_MAX) {
    add('slug', `the product page URL is ${f.url.length} characters; at most ${URL_MAX} are allowed`, 'Shorten the slug or the URL template', EVERYWHERE);
  }
  if (f.title.trim() === '') add('title', 'the title is empty', 'Give the product a title', FEED_AND_JSONLD);
  else if (characters(f.title, FEED_TITLE_MAX) > FEED_TITLE_MAX) {
    add('title', `the title has ${characters(f.title, FEED_TITLE_MAX)} characters; Merchant Center allows ${FEED_TITLE_MAX}`, `Shorten the title to ${FEED_TITLE_MAX} characters or fewer`, FEED_ONLY);
  }
  if (f.description.trim() === '') add('description', 'the description is empty; Merchant Center requires one', 'Write a description of the product', FEED_ONLY);
  else if (characters(f.description, FEED_DESCRIPTION_MAX) > FEED_DESCRIPTION_MAX) {
    add('description', `the description has ${characters(f.description, FEED_DESCRIPTION_MAX)} characters; Merchant Center allows ${FEED_DESCRIPTION_MAX.toLocaleString('en')}`, 'Shorten the description', FEED_ONLY);
  }
  const image = f.imageUrl ? canonicalHttpUrl(f.imageUrl) : null;
  if (!f.imageUrl) add('imageUrl', 'the product has no image; the feed and Google’s merchant listings require one', 'Add an image URL (an absolute https:// link to the product photo)', FEED_AND_JSONLD);
  else if (!image) add('imageUrl', 'the image URL is not an absolute http(s) URL', 'Use a full link such as https://cdn.example.com/mug.jpg', FEED_AND_JSONLD);
  else if (image.length > URL_MAX) add('imageUrl', `the image URL is longer than ${URL_MAX} characters`, 'Use a shorter image link', FEED_AND_JSONLD);
  f.additionalImageUrls.forEach((u, i) => {
    if (!/^https?:\/\//.test(u)) add(`additionalImageUrls.${i}`, 'an additional image URL is not an absolute http(s) URL', 'Fix or remove that image link', FEED_AND_JSONLD);
  });
  if (!isCurrencyCode(f.currency)) add('currency', `"${f.currency}" is not an ISO 4217 currency`, 'Set a currency such as EUR, USD or GBP', FEED_AND_JSONLD);
  if (!(f.priceMinor > 0)) add('price', 'the price is 0; a listed product needs a price above 0', 'Set the selling price', FEED_AND_JSONLD);
  if (f.gtin) {
    const problem = gtinProblem(f.gtin);
    if (problem) add('gtin', problem, 'Correct the GTIN from the barcode, or clear it and give the MPN', FEED_AND_JSONLD);
  }
  if (f.brand.trim() === '') add('brand', 'the product has no brand and the shop has no default brand', 'Set the brand, or a default brand in Settings', FEED_ONLY);
  else if (characters(f.brand, BRAND_MAX) > BRAND_MAX) add('brand', `the brand has ${characters(f.brand, BRAND_MAX)} characters; Merchant Center and OpenAI allow ${BRAND_MAX}`, `Shorten the brand to ${BRAND_MAX} characters or fewer`, FEED_ONLY);
  if (f.mpn && characters(f.mpn, MPN_MAX) > MPN_MAX) add('mpn', `the MPN has ${characters(f.mpn, MPN_MAX)} characters; Merchant Center and OpenAI allow ${MPN_MAX}`, 'Correct the manufacturer part number', FEED_ONLY);
  if (f.itemGroupId !== null && (f.itemGroupId.length < 1 || f.itemGroupId.length > 50)) {
    add('itemGroupId', 'the item group id must have 1 to 50 characters', 'Shorten the item group id', FEED_ONLY);
  }
  if ((f.availability === 'backorder' || f.availability === 'preorder') && !f.availabilityDate) {
    add(
      'availability',
      `Merchant Center requires an availability date for ${f.availability} items and none is known`,
      'Receive stock, or turn off "allow backorder" so the item shows as out of stock until it is back',
      FEED_ONLY,
    );
  }
  return problems;
}

/** Characters as Merchant Center counts them (code points); a string's length is never fewer. */
function characters(text: string, max: number): number {
  return text.length <= max ? text.length : [...text].length;
}

export function excludedFrom(problems: PublishProblem[], output: PublishOutput): boolean {
  return problems.some((p) => p.excludedFrom.includes(output));
}
