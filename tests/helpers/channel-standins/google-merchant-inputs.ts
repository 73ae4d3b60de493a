/**
 * The ProductInput of the Merchant API products sub-API, version v1 (developers.google.com/merchant/
 * api/reference/rest/products_v1/accounts.productInputs, read for 2026): what a valid one looks like,
 * how its name is spelled, and Google's error body for the ones that are not.
 *  - ProductInput: name, product, legacyLocal, offerId, contentLanguage, feedLabel, productAttributes,
 *    customAttributes, versionNumber (v1beta's `attributes` and `channel` are gone: sending them is
 *    "Unknown name" here as it is at Google);
 *  - productAttributes.availability is the enum google.shopping.merchant.products.v1.Availability:
 *    AVAILABILITY_UNSPECIFIED, IN_STOCK, OUT_OF_STOCK, PREORDER, LIMITED_AVAILABILITY, BACKORDER
 *    (v1beta took the feed spelling "in_stock"; v1 refuses it);
 *  - price and salePrice are {amountMicros: int64 as a string, currencyCode: ISO 4217};
 *    availabilityDate is an RFC 3339 timestamp;
 *  - the {productinput} segment is content_language~feed_label~offer_id (local~… for legacy local
 *    products), or that string base64url-encoded without padding, which is required when the offer
 *    id holds characters such as / ~ % . + (the "Product name encoding" note of the migration guide).
 * Error bodies follow google.rpc.Status as Google's JSON/HTTP transcoding sends it:
 * {error: {code, message, status, details: [{@type: …BadRequest, fieldViolations}]}}.
 */
import { json, type ApiAnswer } from './http-standin';

export const AVAILABILITY = ['AVAILABILITY_UNSPECIFIED', 'IN_STOCK', 'OUT_OF_STOCK', 'PREORDER', 'LIMITED_AVAILABILITY', 'BACKORDER'] as const;

export type Price = { amountMicros: string; currencyCode: string };
export type ProductAttributes = Record<string, unknown> & { availability?: (typeof AVAILABILITY)[number]; price?: Price; salePrice?: Price; availabilityDate?: string };
export type ProductInput = { offerId: string; contentLanguage: string; feedLabel: string; legacyLocal?: boolean; productAttributes?: ProductAttributes; customAttributes?: unknown[] };

const INPUT_FIELDS = new Set(['name', 'product', 'legacyLocal', 'offerId', 'contentLanguage', 'feedLabel', 'productAttributes', 'customAttributes', 'versionNumber']);
/** ProductAttributes fields of v1 (the product data specification in camelCase). */
const ATTRIBUTE_FIELDS = new Set([
  'identifierExists', 'isBundle', 'title', 'description', 'link', 'mobileLink', 'canonicalLink', 'imageLink', 'additionalImageLinks', 'expirationDate', 'disclosureDate', 'adult',
  'ageGroup', 'availability', 'availabilityDate', 'brand', 'color', 'condition', 'gender', 'googleProductCategory', 'gtins', 'itemGroupId', 'material', 'mpn', 'pattern', 'price',
  'maximumRetailPrice', 'installment', 'subscriptionCost', 'loyaltyPoints', 'loyaltyPrograms', 'productTypes', 'salePrice', 'salePriceEffectiveDate', 'sellOnGoogleQuantity',
  'productHeight', 'productLength', 'productWidth', 'productWeight', 'shipping', 'carrierShipping', 'freeShippingThreshold', 'shippingWeight', 'shippingLength', 'shippingWidth',
  'shippingHeight', 'maxHandlingTime', 'minHandlingTime', 'shippingLabel', 'returnPolicyLabel', 'transitTimeLabel', 'size', 'sizeSystem', 'sizeTypes', 'energyEfficiencyClass',
  'minEnergyEfficiencyClass', 'maxEnergyEfficiencyClass', 'unitPricingMeasure', 'unitPricingBaseMeasure', 'multipack', 'adsGrouping', 'adsLabels', 'adsRedirect', 'costOfGoodsSold',
  'productDetails', 'productHighlights', 'displayAdsId', 'displayAdsSimilarIds', 'displayAdsTitle', 'displayAdsLink', 'displayAdsValue', 'promotionIds', 'pickupMethod', 'pickupSla',
  'linkTemplate', 'mobileLinkTemplate', 'customLabel0', 'customLabel1', 'customLabel2', 'customLabel3', 'customLabel4', 'includedDestinations', 'excludedDestinations',
  'shoppingAdsExcludedCountries', 'externalSellerId', 'pause', 'lifestyleImageLinks', 'cloudExportAdditionalProperties', 'virtualModelLink', 'certifications', 'structuredTitle',
  'structuredDescription', 'autoPricingMinPrice', 'sustainabilityIncentives',
]);

/** Google's error body (google.rpc.Status over JSON/HTTP). */
export function googleError(code: number, status: string, message: string, details: unknown[] = []): ApiAnswer {
  return json(code, { error: { code, message, status, ...(details.length > 0 ? { details } : {}) } });
}

function badRequest(field: string, message: string): ApiAnswer {
  return googleError(400, 'INVALID_ARGUMENT', message, [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: message }] }]);
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function checkPrice(value: unknown, field: string): ApiAnswer | null {
  if (typeof value !== 'object' || value === null) return badRequest(field, `Invalid value at '${field}' (type.googleapis.com/google.shopping.type.Price), ${JSON.stringify(value)}`);
  for (const key of Object.keys(value)) if (key !== 'amountMicros' && key !== 'currencyCode') return badRequest(field, `Invalid JSON payload received. Unknown name "${key}" at '${field}': Cannot find field.`);
  const { amountMicros, currencyCode } = value as Record<string, unknown>;
  if (amountMicros !== undefined && !/^-?\d+$/.test(String(amountMicros))) return badRequest(`${field}.amount_micros`, `Invalid value at '${field}.amount_micros' (TYPE_INT64), ${JSON.stringify(amountMicros)}`);
  if (currencyCode !== undefined && !/^[A-Z]{3}$/.test(String(currencyCode))) return badRequest(field, `[${field.split('.').pop()}] Invalid currency code.`);
  return null;
}

/** The product input, or Google's 400 for the first thing wrong with it. */
export function parseProductInput(raw: string): { input: ProductInput } | { refused: ApiAnswer } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { refused: badRequest('', 'Invalid JSON payload received. Unexpected token.') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { refused: badRequest('', 'Invalid JSON payload received. Expected an object.') };
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!INPUT_FIELDS.has(key)) return { refused: badRequest('product_input', `Invalid JSON payload received. Unknown name "${key}" at 'product_input': Cannot find field.`) };
  }
  const attributes = (body.productAttributes ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(attributes)) {
    if (!ATTRIBUTE_FIELDS.has(key)) return { refused: badRequest('product_input.product_attributes', `Invalid JSON payload received. Unknown name "${key}" at 'product_input.product_attributes': Cannot find field.`) };
  }
  if (attributes.availability !== undefined) {
    const a = attributes.availability;
    const known = typeof a === 'string' ? (AVAILABILITY as readonly string[]).includes(a) : typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < AVAILABILITY.length;
    if (!known) return { refused: badRequest('product_input.product_attributes.availability', `Invalid value at 'product_input.product_attributes.availability' (type.googleapis.com/google.shopping.merchant.products.v1.Availability), ${JSON.stringify(a)}`) };
    if (typeof a === 'number') attributes.availability = AVAILABILITY[a];
  }
  for (const key of ['price', 'salePrice', 'costOfGoodsSold', 'autoPricingMinPrice']) {
    if (attributes[key] !== undefined) {
      const problem = checkPrice(attributes[key], `product_input.product_attributes.${snake(key)}`);
      if (problem) return { refused: problem };
    }
  }
  if (attributes.availabilityDate !== undefined && (typeof attributes.availabilityDate !== 'string' || Number.isNaN(Date.parse(attributes.availabilityDate)))) {
    return { refused: badRequest('product_input.product_attributes.availability_date', `Invalid value at 'product_input.product_attributes.availability_date' (type.googleapis.com/google.protobuf.Timestamp), ${JSON.stringify(attributes.availabilityDate)}`) };
  }
  for (const required of ['offerId', 'contentLanguage', 'feedLabel'] as const) {
    if (typeof body[required] !== 'string' || body[required] === '') return { refused: badRequest(snake(required), `[${snake(required)}] Required parameter: ${snake(required)}`) };
  }
  if (!/^[a-z]{2}$/.test(body.contentLanguage as string)) return { refused: badRequest('content_language', '[content_language] Invalid content language; use a two-letter ISO 639-1 code.') };
  if (!/^[A-Za-z0-9_-]{1,20}$/.test(body.feedLabel as string)) return { refused: badRequest('feed_label', '[feed_label] Invalid feed label; use up to 20 letters, digits, dashes and underscores.') };
  return { input: { offerId: body.offerId as string, contentLanguage: body.contentLanguage as string, feedLabel: body.feedLabel as string, legacyLocal: body.legacyLocal === true, productAttributes: attributes as ProductAttributes, customAttributes: (body.customAttributes as unknown[] | undefined) ?? [] } };
}

export type ProductKey = { contentLanguage: string; feedLabel: string; offerId: string; legacyLocal: boolean };

/** The name segment of a product input or product: plain `en~US~sku`, or encoded when it has to be. */
export function productSegment(key: ProductKey): string {
  const plain = `${key.legacyLocal ? 'local~' : ''}${key.contentLanguage}~${key.feedLabel}~${key.offerId}`;
  return /[%.+/:~,(*!)&?=@#$]/.test(key.offerId) ? Buffer.from(plain).toString('base64url') : plain;
}

/** Reads a name segment in either spelling (and v1beta's channel prefix `online~`). */
export function parseProductSegment(segment: string): ProductKey | null {
  let text = decodeURIComponent(segment);
  if (!text.includes('~')) {
    const decoded = Buffer.from(text, 'base64url').toString('utf8');
    if (!decoded.includes('~')) return null;
    text = decoded;
  }
  const parts = text.split('~');
  let legacyLocal = false;
  if (parts[0] === 'local' || parts[0] === 'online') legacyLocal = parts.shift() === 'local';
  const [contentLanguage, feedLabel, ...offer] = parts;
  if (!contentLanguage || !feedLabel || offer.length === 0) return null;
  return { contentLanguage, feedLabel, offerId: offer.join('~'), legacyLocal };
}

export const keyString = (k: ProductKey) => `${k.legacyLocal ? 'local' : 'online'}~${k.contentLanguage}~${k.feedLabel}~${k.offerId}`;
