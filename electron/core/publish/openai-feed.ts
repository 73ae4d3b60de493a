/**
 * OpenAI's product feed for ChatGPT shopping, as JSON Lines (`openai-products.jsonl`): one JSON
 * object per product, in the field names of OpenAI's current file-upload reference
 * (developers.openai.com/commerce/specs/file-upload/products). It lists exactly the Merchant
 * feed's items, with the same availability: one rule, one problem list, for both feeds.
 *
 * A line is the product's part between two shop-wide parts (the eligibility flags before it; the
 * seller, policies and countries after it), built once per settings: with 100,000 products the
 * shop's URLs would otherwise be escaped 100,000 times a publish.
 */
import type { Availability } from '../../../shared/domain/availability';
import type { StoredSettings } from './types';
import { shopBase } from './validate';

/** OpenAI's availability values; discontinued products are not in the feed at all. */
export const OPENAI_AVAILABILITY: Record<Exclude<Availability, 'discontinued'>, string> = {
  in_stock: 'in_stock',
  out_of_stock: 'out_of_stock',
  backorder: 'backorder',
  preorder: 'pre_order',
};

/** The spec's limits that go beyond the Merchant feed's (checked in validate.ts for both). */
export const OPENAI_ITEM_ID_MAX = 100;

/** What a product contributes to its line (strings as published, URLs canonical). */
export type OpenAiItem = {
  sku: string;
  title: string;
  description: string;
  url: string;
  brand: string;
  imageUrl: string;
  additionalImageUrls: string[];
  /** `12.50 EUR`. */
  price: string;
  /** Only below the price; '' when none. */
  salePrice: string;
  availability: Exclude<Availability, 'discontinued'>;
  /** YYYY-MM-DD for pre_order and backorder; '' otherwise. */
  availabilityDate: string;
  inventoryQuantity: number;
  condition: string;
  gtin: string | null;
  mpn: string | null;
  /** `Apparel & Accessories > Shoes`, or null when the product has no category. */
  category: string | null;
  groupId: string | null;
};

type ShopParts = { head: string; tail: string };
const partsBySettings = new WeakMap<StoredSettings, ShopParts>();

/**
 * JSON text of a string, with U+2028 and U+2029 escaped: JSON allows them raw, but some line
 * readers (Python's splitlines, JavaScript before ES2019) take them for line ends, which would
 * split a JSON Lines record in two.
 */
export function jsonString(text: string): string {
  const json = JSON.stringify(text);
  return json.includes('\u2028') || json.includes('\u2029') ? json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029') : json;
}

function shopParts(settings: StoredSettings): ShopParts {
  const known = partsBySettings.get(settings);
  if (known) return known;
  const f = settings.openAiFeed;
  const checkout = f.eligibleSearch && f.eligibleCheckout;
  const head = `{"is_eligible_search":${f.eligibleSearch},"is_eligible_checkout":${checkout},`;
  const storeCountry = f.storeCountry;
  const targets = f.targetCountries.length > 0 ? f.targetCountries : storeCountry ? [storeCountry] : [];
  let tail = `,"seller_name":${jsonString(f.sellerName || settings.shopName)},"seller_url":${jsonString(f.sellerUrl || shopBase(settings))}`;
  if (f.privacyPolicyUrl) tail += `,"seller_privacy_policy":${jsonString(f.privacyPolicyUrl)}`;
  if (f.termsUrl) tail += `,"seller_tos":${jsonString(f.termsUrl)}`;
  tail += `,"return_policy":${jsonString(f.returnPolicyUrl)},"target_countries":${JSON.stringify(targets)},"store_country":${jsonString(storeCountry)}}\n`;
  const parts = { head, tail };
  partsBySettings.set(settings, parts);
  return parts;
}

/** The product's line of openai-products.jsonl, newline included. */
export function openAiLine(item: OpenAiItem, settings: StoredSettings): string {
  const { head, tail } = shopParts(settings);
  let line = `${head}"item_id":${jsonString(item.sku)},"title":${jsonString(item.title)},"description":${jsonString(item.description)},"url":${jsonString(item.url)},"brand":${jsonString(item.brand)}`;
  if (item.gtin) line += `,"gtin":${jsonString(item.gtin)}`;
  if (item.mpn) line += `,"mpn":${jsonString(item.mpn)}`;
  line += `,"condition":${jsonString(item.condition)}`;
  if (item.category) line += `,"product_category":${jsonString(item.category)}`;
  line += `,"image_url":${jsonString(item.imageUrl)}`;
  if (item.additionalImageUrls.length > 0) line += `,"additional_image_urls":[${item.additionalImageUrls.map(jsonString).join(',')}]`;
  line += `,"price":${jsonString(item.price)}`;
  if (item.salePrice) line += `,"sale_price":${jsonString(item.salePrice)}`;
  line += `,"availability":"${OPENAI_AVAILABILITY[item.availability]}"`;
  if (item.availabilityDate) line += `,"availability_date":${jsonString(item.availabilityDate)}`;
  line += `,"inventory_quantity":${item.inventoryQuantity}`;
  // Variants: the group they share, and the flag that says the listing has them.
  if (item.groupId) line += `,"group_id":${jsonString(item.groupId)},"listing_has_variations":true`;
  else line += ',"listing_has_variations":false';
  return line + tail;
}
