/**
 * A local stand-in for the WooCommerce REST API v3 (/wp-json/wc/v3), started by the tests on
 * 127.0.0.1: products and variations (list, read, update), the batch endpoints, Basic or query-string
 * consumer key/secret authentication, WordPress's error shape and paging headers, and the signed
 * product.updated webhooks WooCommerce sends after every change.
 *
 * Shapes from the WooCommerce REST API documentation (woocommerce.github.io/woocommerce-rest-api-docs,
 * "Products", "Product variations", "Batch update", "Pagination", "Errors") and from WooCommerce's
 * source: class-wc-rest-controller.php (check_batch_limit: more than 100 create+update+delete items →
 * 413 woocommerce_rest_request_entity_too_large "Unable to accept more than 100 items for this
 * request."; per-item errors `{ id, error: { code, message, data } }`), class-wc-rest-crud-controller.php
 * ("Invalid ID." → 404 on read, 400 on update, code woocommerce_rest_{post_type}_invalid_id),
 * class-wc-rest-authentication.php (unknown key → no user, so the route's permission check answers
 * 401 woocommerce_rest_cannot_view / _cannot_edit / _cannot_batch; wrong secret or a read-only key
 * writing → 401 woocommerce_rest_authentication_error) and class-wc-webhook.php (headers, topic hooks:
 * product.updated fires for products and variations, body = the /products/{id} representation
 * encoded by wp_json_encode, signature base64 HMAC-SHA256 with the webhook secret).
 * Deliberate difference: real WooCommerce accepts Basic authentication only over HTTPS (plain HTTP
 * needs OAuth 1.0a); the stand-in accepts it over plain HTTP on 127.0.0.1. WooCommerce itself has no
 * rate limit on this API (hosts do): 429/5xx come from the faults.
 */
import crypto from 'node:crypto';
import { createEchoSender, hmacBase64, type EchoSender } from './echo-webhooks';
import { startHttpStandIn, type ApiAnswer, type Faults, type HttpStandIn, type RecordedRequest } from './http-standin';
import { createStoreState, type StoreState, type WooItem } from './woocommerce-state';

export type WooKey = { consumerKey: string; consumerSecret: string; permissions: 'read' | 'write' | 'read_write' };

export type WooCommerceStandInOptions = {
  keys?: WooKey[];
  webhookSecret?: string;
  webhookId?: number;
  /** Items per batch call (the woocommerce_rest_batch_items_limit filter; default 100). */
  batchLimit?: number;
};

export type WooCommerceStandIn = {
  /** The site's base URL; the API is under {url}/wp-json/wc/v3. */
  url: string;
  apiUrl: string;
  consumerKey: string;
  consumerSecret: string;
  store: StoreState;
  webhookSecret: string;
  /** Echo webhooks: set `webhooks.url` to receive product.updated after every change. */
  webhooks: EchoSender;
  /** A shop manager's edit in wp-admin (fires product.updated like any save). */
  adminUpdate(sku: string, changes: Record<string, unknown>): void;
  /** The REST representation of a product or variation, as GET /products/{id} answers. */
  representation(item: WooItem): Record<string, unknown>;
  faults: Faults;
  requests: RecordedRequest[];
  http: HttpStandIn;
  close(): Promise<void>;
};

/** wp_json_encode: PHP's json_encode escapes "/" and every non-ASCII character. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const wpJson = (status: number, value: unknown, headers: Record<string, string> = {}): ApiAnswer => ({ status, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, body: phpJson(value) });
const wpError = (status: number, code: string, message: string, data: Record<string, unknown> = {}) => wpJson(status, { code, message, data: { status, ...data } });

function invalidParam(param: string, message: string): ApiAnswer {
  return wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${param}`, { params: { [param]: message }, details: { [param]: { code: 'rest_invalid_type', message, data: null } } });
}

/** The JSON body, or WordPress's answer to a body that is not JSON. */
function parseBody(request: RecordedRequest): { body: Record<string, unknown> } | { refused: ApiAnswer } {
  try {
    const parsed: unknown = JSON.parse(request.body || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { body: parsed as Record<string, unknown> };
  } catch {
    // fall through
  }
  return { refused: wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.') };
}

/** The WP REST schema check of PUT /products/{id} (batch items skip it, as in WooCommerce). */
function schemaProblem(body: Record<string, unknown>): ApiAnswer | null {
  if (body.stock_quantity !== undefined && body.stock_quantity !== null && !Number.isInteger(body.stock_quantity)) return invalidParam('stock_quantity', 'stock_quantity is not of type integer,null.');
  if (body.manage_stock !== undefined && typeof body.manage_stock !== 'boolean') return invalidParam('manage_stock', 'manage_stock is not of type boolean.');
  if (body.backorders !== undefined && !['no', 'notify', 'yes'].includes(String(body.backorders))) return invalidParam('backorders', 'backorders is not one of no, notify, and yes.');
  if (body.stock_status !== undefined && !['instock', 'outofstock', 'onbackorder'].includes(String(body.stock_status))) return invalidParam('stock_status', 'stock_status is not one of instock, outofstock, and onbackorder.');
  return null;
}

export async function startWooCommerceStandIn(options: WooCommerceStandInOptions = {}): Promise<WooCommerceStandIn> {
  const store = createStoreState();
  const keys = options.keys ?? [{ consumerKey: `ck_${crypto.randomBytes(20).toString('hex')}`, consumerSecret: `cs_${crypto.randomBytes(20).toString('hex')}`, permissions: 'read_write' as const }];
  const webhooks = createEchoSender();
  const webhookSecret = options.webhookSecret ?? crypto.randomBytes(16).toString('hex');
  const webhookId = options.webhookId ?? 7;
  const batchLimit = options.batchLimit ?? 100;
  let siteUrl = '';

  const representation = (item: WooItem, asVariation = false): Record<string, unknown> => {
    const parent = store.items.get(item.parentId);
    const inherits = item.type === 'variation' && !item.manageStock && parent?.manageStock;
    const manageStock = inherits ? 'parent' : item.manageStock;
    const quantity = inherits ? parent!.stockQuantity : item.stockQuantity;
    const onSale = item.salePrice !== '';
    const backordersAllowed = item.backorders !== 'no';
    const base = {
      id: item.id,
      date_created: item.dateCreated,
      date_created_gmt: item.dateCreated,
      date_modified: item.dateModified,
      date_modified_gmt: item.dateModified,
      permalink: `${siteUrl}?p=${item.id}`,
      sku: item.sku,
      price: onSale ? item.salePrice : item.regularPrice,
      regular_price: item.regularPrice,
      sale_price: item.salePrice,
      on_sale: onSale,
      status: 'publish',
      purchasable: item.regularPrice !== '',
      virtual: false,
      downloadable: false,
      tax_status: 'taxable',
      tax_class: '',
      manage_stock: manageStock,
      stock_quantity: quantity,
      stock_status: item.stockStatus,
      backorders: item.backorders,
      backorders_allowed: backordersAllowed,
      backordered: item.stockStatus === 'onbackorder' || (item.manageStock && backordersAllowed && (item.stockQuantity ?? 0) < 0),
      low_stock_amount: null,
      meta_data: [],
    };
    if (asVariation) return { ...base, description: '', image: null, attributes: item.attributes, menu_order: 0, _links: { self: [{ href: `${siteUrl}wp-json/wc/v3/products/${item.parentId}/variations/${item.id}` }], up: [{ href: `${siteUrl}wp-json/wc/v3/products/${item.parentId}` }] } };
    return {
      ...base,
      name: item.name,
      slug: item.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      type: item.type,
      featured: false,
      catalog_visibility: 'visible',
      description: '',
      short_description: '',
      parent_id: item.parentId,
      categories: [],
      tags: [],
      images: [],
      attributes: item.type === 'variation' ? item.attributes : [],
      variations: item.children,
      has_options: item.type === 'variable',
      _links: { self: [{ href: `${siteUrl}wp-json/wc/v3/products/${item.id}` }], collection: [{ href: `${siteUrl}wp-json/wc/v3/products` }] },
    };
  };

  store.listeners.push((item) => {
    const body = phpJson(representation(item));
    webhooks.send('product.updated', {
      'Content-Type': 'application/json',
      'User-Agent': 'WooCommerce/10.3.0 Hookshot (WordPress/6.9)',
      'X-WC-Webhook-Source': siteUrl,
      'X-WC-Webhook-Topic': 'product.updated',
      'X-WC-Webhook-Resource': 'product',
      'X-WC-Webhook-Event': 'updated',
      'X-WC-Webhook-Signature': hmacBase64(webhookSecret, body),
      'X-WC-Webhook-ID': String(webhookId),
      'X-WC-Webhook-Delivery-ID': crypto.createHash('md5').update(`${webhookId}${Date.now()}${Math.random()}`).digest('hex'),
    }, body);
  });

  /** The key that authenticated the request: null (none, or unknown key), or an error answer. */
  function authenticate(request: RecordedRequest): WooKey | ApiAnswer | null {
    let key = request.query.get('consumer_key');
    let secret = request.query.get('consumer_secret');
    const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (!key && basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      [key, secret] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (!key || !secret) return null;
    const found = keys.find((k) => k.consumerKey === key);
    if (!found) return null;
    if (!crypto.timingSafeEqual(crypto.createHash('sha256').update(found.consumerSecret).digest(), crypto.createHash('sha256').update(secret).digest())) {
      return wpError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
    }
    const writes = request.method !== 'GET' && request.method !== 'HEAD';
    if (writes && found.permissions === 'read') return wpError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.');
    if (!writes && found.permissions === 'write') return wpError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have read permissions.');
    return found;
  }

  function list(request: RecordedRequest, items: WooItem[], path: string, asVariation: boolean): ApiAnswer {
    const q = request.query;
    const perPage = Number(q.get('per_page') ?? '10');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return wpError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page', { params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' }, details: { per_page: { code: 'rest_out_of_bounds', message: 'per_page must be between 1 (inclusive) and 100 (inclusive)', data: null } } });
    const page = Number(q.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1) return invalidParam('page', 'page must be greater than or equal to 1');
    const skus = q.get('sku')?.split(',').map((s) => s.trim()).filter(Boolean);
    const include = q.get('include')?.split(',').map(Number);
    const search = q.get('search')?.toLowerCase();
    let matched = items
      .filter((i) => !skus || skus.includes(i.sku))
      .filter((i) => !q.get('type') || i.type === q.get('type'))
      .filter((i) => !include || include.includes(i.id))
      .filter((i) => !search || i.name.toLowerCase().includes(search) || i.sku.toLowerCase().includes(search));
    // Default order: date, descending (newest first); ids break ties the same way.
    matched = matched.sort((a, b) => (q.get('orderby') === 'id' ? a.id - b.id : b.id - a.id));
    if (q.get('order') === 'asc' && q.get('orderby') !== 'id') matched.reverse();
    if (q.get('order') === 'desc' && q.get('orderby') === 'id') matched.reverse();
    const total = matched.length;
    const pages = Math.ceil(total / perPage);
    const slice = matched.slice((page - 1) * perPage, page * perPage);
    const base = `${siteUrl}wp-json/wc/v3/${path}`;
    const links = [page > 1 ? `<${base}?page=${page - 1}>; rel="prev"` : null, page < pages ? `<${base}?page=${page + 1}>; rel="next"` : null].filter(Boolean).join(', ');
    return wpJson(200, slice.map((i) => representation(i, asVariation)), { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(pages), ...(links ? { Link: links } : {}) });
  }

  /** One update, as WooCommerce's update_item does it; a WP_Error becomes `{ id, error }` in a batch. */
  function updateOne(item: WooItem | undefined, id: unknown, body: Record<string, unknown>, postType: string): { ok: Record<string, unknown> } | { error: { code: string; message: string; data: { status: number } } } {
    if (!item) return { error: { code: `woocommerce_rest_${postType}_invalid_id`, message: 'Invalid ID.', data: { status: 400 } } };
    const refused = store.update(item, body, 'api');
    if (refused) return { error: { ...refused, data: { status: 400 } } };
    return { ok: representation(item, postType === 'product_variation') };
  }

  function batch(request: RecordedRequest, resolve: (id: number) => WooItem | undefined, postType: string, parentId: number): ApiAnswer {
    let body: { create?: unknown[]; update?: Array<Record<string, unknown>>; delete?: unknown[] };
    try {
      body = JSON.parse(request.body || '{}') as typeof body;
    } catch {
      return wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    }
    const total = (body.create?.length ?? 0) + (body.update?.length ?? 0) + (body.delete?.length ?? 0);
    if (total > batchLimit) return wpError(413, 'woocommerce_rest_request_entity_too_large', `Unable to accept more than ${batchLimit} items for this request.`);
    const response: Record<string, unknown[]> = {};
    if (body.create?.length) {
      response.create = body.create.map((seed) => {
        const s = seed as Record<string, unknown>;
        if (s.sku && store.bySku(String(s.sku))) return { id: 0, error: { code: 'product_invalid_sku', message: 'Invalid or duplicated SKU.', data: { status: 400 } } };
        if (parentId) return { id: 0, error: { code: 'woocommerce_rest_cannot_create', message: 'The stand-in does not create variations.', data: { status: 501 } } };
        const item = store.addSimple({ sku: String(s.sku ?? ''), name: String(s.name ?? '') });
        store.update(item, s, 'api');
        return representation(item);
      });
    }
    if (body.update?.length) {
      response.update = body.update.map((changes) => {
        const id = Number(changes.id);
        const item = resolve(id);
        const outcome = updateOne(item && (!parentId || item.parentId === parentId) ? item : undefined, changes.id, changes, postType);
        return 'ok' in outcome ? outcome.ok : { id: changes.id, error: outcome.error };
      });
    }
    if (body.delete?.length) {
      response.delete = body.delete.map((raw) => {
        const item = resolve(Number(raw));
        if (!item || (parentId && item.parentId !== parentId)) return { id: Number(raw), error: { code: `woocommerce_rest_${postType}_invalid_id`, message: 'Invalid ID.', data: { status: 404 } } };
        const before = representation(item, postType === 'product_variation');
        store.remove(item);
        return before;
      });
    }
    return wpJson(200, response);
  }

  function route(request: RecordedRequest): ApiAnswer {
    const match = /^\/wp-json\/wc\/v3\/products(?:\/(\d+|batch))?(?:\/variations(?:\/(\d+|batch))?)?\/?$/.exec(request.path);
    if (!match) return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    const auth = authenticate(request);
    if (auth && 'status' in auth) return auth;
    const [, first, second] = match;
    const isVariations = request.path.includes('/variations');
    const write = ['POST', 'PUT', 'PATCH'].includes(request.method);
    const isBatch = first === 'batch' || second === 'batch';
    if (!auth) {
      if (isBatch) return wpError(401, 'woocommerce_rest_cannot_batch', 'Sorry, you are not allowed to batch manipulate this resource.');
      if (write) return wpError(401, 'woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.');
      return wpError(401, 'woocommerce_rest_cannot_view', first && (!isVariations || second) ? 'Sorry, you cannot view this resource.' : 'Sorry, you cannot list resources.');
    }
    const all = [...store.items.values()];
    if (!isVariations) {
      if (first === 'batch') return write ? batch(request, (id) => store.items.get(id), 'product', 0) : wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
      if (!first) return request.method === 'GET' ? list(request, all.filter((i) => i.type !== 'variation'), 'products', false) : wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
      const item = store.items.get(Number(first));
      if (request.method === 'GET') return item ? wpJson(200, representation(item)) : wpError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
      if (!write) return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
      const parsed = parseBody(request);
      if ('refused' in parsed) return parsed.refused;
      const { body } = parsed;
      const problem = schemaProblem(body);
      if (problem) return problem;
      const outcome = updateOne(item, first, body, 'product');
      return 'ok' in outcome ? wpJson(200, outcome.ok) : wpError(outcome.error.data.status, outcome.error.code, outcome.error.message);
    }
    const parent = store.items.get(Number(first));
    if (!parent || parent.type !== 'variable') return wpError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
    const children = parent.children.map((id) => store.items.get(id)!).filter(Boolean);
    if (second === 'batch') return write ? batch(request, (id) => store.items.get(id), 'product_variation', parent.id) : wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    if (!second) return request.method === 'GET' ? list(request, children, `products/${parent.id}/variations`, true) : wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    const variation = children.find((v) => v.id === Number(second));
    if (request.method === 'GET') return variation ? wpJson(200, representation(variation, true)) : wpError(404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.');
    const parsed = parseBody(request);
    if ('refused' in parsed) return parsed.refused;
    const { body } = parsed;
    const problem = schemaProblem(body);
    if (problem) return problem;
    const outcome = updateOne(variation, second, body, 'product_variation');
    return 'ok' in outcome ? wpJson(200, outcome.ok) : wpError(outcome.error.data.status, outcome.error.code, outcome.error.message);
  }

  const http = await startHttpStandIn(route);
  siteUrl = `${http.url}/`;
  const [firstKey] = keys;
  if (!firstKey) throw new Error('woocommerce stand-in: at least one key');

  return {
    url: http.url,
    apiUrl: `${http.url}/wp-json/wc/v3`,
    consumerKey: firstKey.consumerKey,
    consumerSecret: firstKey.consumerSecret,
    store,
    webhookSecret,
    webhooks,
    adminUpdate(sku, changes) {
      const item = store.bySku(sku);
      if (!item) throw new Error(`woocommerce stand-in: no product or variation with SKU ${sku}`);
      const refused = store.update(item, changes, 'admin');
      if (refused) throw new Error(refused.message);
    },
    representation: (item) => representation(item),
    faults: http.faults,
    requests: http.requests,
    http,
    async close() {
      await webhooks.settled();
      await http.close();
    },
  };
}
