/**
 * A local stand-in for Google Merchant Center: the OAuth token endpoint (google-token.ts) and the
 * Merchant API (products v1, datasources v1) on one server on 127.0.0.1. Stockfeed's products reach
 * Merchant Center through its feed file (a primary file data source); availability and prices go
 * through a supplemental API data source with productInputs.insert, and the processed products —
 * the primary input overlaid by the supplemental ones — are what reconcile reads back.
 *
 * From the Merchant API reference and guides (developers.google.com/merchant/api, read for v1 in 2026):
 * accounts.productInputs.insert (POST /products/v1/{parent=accounts/*}/productInputs:insert,
 * required query parameter dataSource=accounts/{a}/dataSources/{id}, "Only API data sources are
 * supported", an input with the same contentLanguage, offerId and dataSource is replaced),
 * productInputs.patch and .delete (dataSource required), accounts.products.get and .list (pageSize
 * default 25, at most 1000; processed products can take minutes to reflect an insert), scope
 * https://www.googleapis.com/auth/content. There is no batch method for product inputs (the Content
 * API's custombatch is gone; HTTP batching exists but every inner request counts against quota), so
 * the pusher sends one call per product. "Quotas and limits": products may be updated at most twice
 * a day each; per-minute quota errors are 429 RESOURCE_EXHAUSTED (quota/request_rate_too_high).
 * The 404 for a missing data source ("[dataSource] Data source with id … was not found.") is quoted
 * from a public bug report; the 403 wordings for a caller without access are not confirmed.
 */
import { createTokenEndpoint, CONTENT_SCOPE, type ServiceAccountKey, type TokenEndpoint } from './google-token';
import { googleError, keyString, parseProductInput, parseProductSegment, productSegment, type ProductAttributes, type ProductInput, type ProductKey } from './google-merchant-inputs';
import { json, startHttpStandIn, type ApiAnswer, type Faults, type HttpStandIn, type RecordedRequest } from './http-standin';

export type DataSource = { id: string; displayName: string; kind: 'primary' | 'supplemental'; input: 'API' | 'FILE' };

export type GoogleStandInOptions = {
  accountId?: string;
  dataSources?: DataSource[];
  /** How long an input takes to show in the processed product (Google: up to several minutes). */
  processingDelayMs?: number;
};

type Version = { visibleAt: number; input: ProductInput | null };

export type InputCall = { method: 'insert' | 'patch' | 'delete'; dataSource: string; key: ProductKey; attributes: ProductAttributes | null; at: number };

export type GoogleStandIn = {
  url: string;
  /** Where the key file's token_uri points (google-auth-library ignores it; see google-token.ts). */
  tokenUrl: string;
  accountId: string;
  dataSources: DataSource[];
  /** accounts/{a}/dataSources/{id} of the first supplemental API data source. */
  supplementalDataSource: string;
  /** A service account with access to the Merchant Center account. */
  serviceAccountKey: ServiceAccountKey;
  tokens: TokenEndpoint;
  /** Another service account; `access: false` leaves it out of the Merchant Center account's users. */
  createServiceAccount(name: string, options?: { access?: boolean }): ServiceAccountKey;
  /** A product as Stockfeed's feed file put it in the primary data source. */
  seedProduct(offerId: string, productAttributes: ProductAttributes, key?: Partial<Omit<ProductKey, 'offerId'>>): void;
  /** The processed product as products.get would answer it now (null when there is none). */
  product(offerId: string, key?: Partial<Omit<ProductKey, 'offerId'>>): Record<string, unknown> | null;
  /** Every insert/patch/delete that was accepted, in order. */
  inputCalls: InputCall[];
  /** Per-minute quota errors for the next `count` calls, as Google words them. */
  quotaExceeded(count: number): void;
  faults: Faults;
  requests: RecordedRequest[];
  http: HttpStandIn;
  close(): Promise<void>;
};

const DEFAULT_SOURCES: DataSource[] = [
  { id: '10001', displayName: 'Stockfeed feed (file)', kind: 'primary', input: 'FILE' },
  { id: '10002', displayName: 'Stockfeed availability (API)', kind: 'supplemental', input: 'API' },
];

const errorInfo = (reason: string, method: string) => ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'merchantapi.googleapis.com', method } });

export async function startGoogleStandIn(options: GoogleStandInOptions = {}): Promise<GoogleStandIn> {
  const accountId = options.accountId ?? '123456789';
  const dataSources = options.dataSources ?? DEFAULT_SOURCES;
  const delay = options.processingDelayMs ?? 0;
  const allowed = new Set<string>();
  const inputs = new Map<string, Map<string, { key: ProductKey; versions: Version[] }>>(dataSources.map((d) => [d.id, new Map()]));
  const inputCalls: InputCall[] = [];
  let baseUrl = '';
  const tokens = createTokenEndpoint(() => `${baseUrl}/token`);
  const sourceName = (d: DataSource) => `accounts/${accountId}/dataSources/${d.id}`;

  const record = (source: DataSource, key: ProductKey, input: ProductInput | null, visibleAt = Date.now() + delay) => {
    const byKey = inputs.get(source.id)!;
    const entry = byKey.get(keyString(key)) ?? { key, versions: [] };
    entry.versions.push({ visibleAt, input });
    byKey.set(keyString(key), entry);
  };
  const visible = (sourceId: string, key: ProductKey, latest = false): ProductInput | null => {
    const versions = inputs.get(sourceId)?.get(keyString(key))?.versions ?? [];
    const now = Date.now();
    const found = latest ? versions.at(-1) : [...versions].reverse().find((v) => v.visibleAt <= now);
    return found?.input ?? null;
  };
  const processed = (key: ProductKey): Record<string, unknown> | null => {
    const primary = dataSources.filter((d) => d.kind === 'primary').map((d) => ({ d, input: visible(d.id, key) })).find((p) => p.input);
    if (!primary?.input) return null;
    let attributes: ProductAttributes = { ...primary.input.productAttributes };
    for (const d of dataSources.filter((s) => s.kind === 'supplemental')) attributes = { ...attributes, ...visible(d.id, key)?.productAttributes };
    return {
      name: `accounts/${accountId}/products/${productSegment(key)}`,
      ...(key.legacyLocal ? { legacyLocal: true } : {}),
      offerId: key.offerId,
      contentLanguage: key.contentLanguage,
      feedLabel: key.feedLabel,
      dataSource: sourceName(primary.d),
      productAttributes: attributes,
      productStatus: { destinationStatuses: [], itemLevelIssues: [] },
    };
  };

  /** The caller's identity, or Google's 401/403. */
  function authorize(request: RecordedRequest, account: string, method: string): ApiAnswer | null {
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const challenge = { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' };
    if (!bearer) {
      const answer = googleError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.', [errorInfo('CREDENTIALS_MISSING', method)]);
      return { ...answer, headers: { ...answer.headers, ...challenge } };
    }
    const token = tokens.lookup(bearer);
    if (!token) {
      const known = tokens.issued.some((t) => t.token === bearer);
      const answer = googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.', [errorInfo(known ? 'ACCESS_TOKEN_EXPIRED' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED', method)]);
      return { ...answer, headers: { ...answer.headers, ...challenge } };
    }
    if (!token.scopes.includes(CONTENT_SCOPE)) return googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', method)]);
    if (account !== accountId || !allowed.has(token.email)) return googleError(403, 'PERMISSION_DENIED', `The caller does not have access to the accounts: [${account}]`);
    return null;
  }

  /** The API data source a write names, or Google's refusal. */
  function writableSource(request: RecordedRequest, account: string): DataSource | ApiAnswer {
    const name = request.query.get('dataSource');
    if (!name) return googleError(400, 'INVALID_ARGUMENT', '[dataSource] Required parameter: dataSource');
    const match = /^accounts\/([^/]+)\/dataSources\/([^/]+)$/.exec(name);
    const source = match && match[1] === account ? dataSources.find((d) => d.id === match[2]) : undefined;
    if (!source) return googleError(404, 'NOT_FOUND', `[dataSource] Data source with id ${match?.[2] ?? name} was not found.`);
    if (source.input !== 'API') return googleError(400, 'INVALID_ARGUMENT', '[dataSource] Only API data sources are supported.');
    return source;
  }

  function handle(request: RecordedRequest): ApiAnswer {
    if (request.path === '/token') return tokens.handle(request);
    const path = request.path;
    const insert = /^\/products\/v1\/accounts\/([^/]+)\/productInputs:insert$/.exec(path);
    const one = /^\/products\/v1\/accounts\/([^/]+)\/productInputs\/([^/]+)$/.exec(path);
    const product = /^\/products\/v1\/accounts\/([^/]+)\/products\/([^/]+)$/.exec(path);
    const products = /^\/products\/v1\/accounts\/([^/]+)\/products$/.exec(path);
    const source = /^\/datasources\/v1\/accounts\/([^/]+)\/dataSources\/([^/]+)$/.exec(path);
    const rpc = 'google.shopping.merchant.products.v1.';
    if (insert && request.method === 'POST') {
      const denied = authorize(request, insert[1]!, `${rpc}ProductInputsService.InsertProductInput`);
      if (denied) return denied;
      const target = writableSource(request, insert[1]!);
      if ('status' in target) return target;
      const parsed = parseProductInput(request.body);
      if ('refused' in parsed) return parsed.refused;
      const key: ProductKey = { ...parsed.input, legacyLocal: parsed.input.legacyLocal ?? false };
      record(target, key, parsed.input);
      inputCalls.push({ method: 'insert', dataSource: sourceName(target), key, attributes: parsed.input.productAttributes ?? {}, at: Date.now() });
      return json(200, {
        name: `accounts/${accountId}/productInputs/${productSegment(key)}`,
        product: `accounts/${accountId}/products/${productSegment(key)}`,
        ...(key.legacyLocal ? { legacyLocal: true } : {}),
        offerId: key.offerId,
        contentLanguage: key.contentLanguage,
        feedLabel: key.feedLabel,
        productAttributes: parsed.input.productAttributes,
      });
    }
    if (one && (request.method === 'DELETE' || request.method === 'PATCH')) {
      const denied = authorize(request, one[1]!, `${rpc}ProductInputsService.${request.method === 'DELETE' ? 'Delete' : 'Update'}ProductInput`);
      if (denied) return denied;
      const target = writableSource(request, one[1]!);
      if ('status' in target) return target;
      const key = parseProductSegment(one[2]!);
      const existing = key ? visible(target.id, key, true) : null;
      if (!key || !existing) return googleError(404, 'NOT_FOUND', `[name] ProductInput ${one[2]} not found.`);
      if (request.method === 'DELETE') {
        record(target, key, null);
        inputCalls.push({ method: 'delete', dataSource: sourceName(target), key, attributes: null, at: Date.now() });
        return json(200, {});
      }
      const parsed = parseProductInput(JSON.stringify({ offerId: key.offerId, contentLanguage: key.contentLanguage, feedLabel: key.feedLabel, ...JSON.parse(request.body || '{}') }));
      if ('refused' in parsed) return parsed.refused;
      const mask = request.query.get('updateMask')?.split(',').map((f) => f.trim().replace(/^(productAttributes|product_attributes)\./, ''));
      const attributes: ProductAttributes = { ...existing.productAttributes };
      const sent = parsed.input.productAttributes ?? {};
      for (const field of mask ?? Object.keys(sent)) {
        if (sent[field] === undefined) delete attributes[field];
        else attributes[field] = sent[field];
      }
      record(target, key, { ...existing, productAttributes: attributes });
      inputCalls.push({ method: 'patch', dataSource: sourceName(target), key, attributes, at: Date.now() });
      return json(200, { name: `accounts/${accountId}/productInputs/${productSegment(key)}`, product: `accounts/${accountId}/products/${productSegment(key)}`, offerId: key.offerId, contentLanguage: key.contentLanguage, feedLabel: key.feedLabel, productAttributes: attributes });
    }
    if (product && request.method === 'GET') {
      const denied = authorize(request, product[1]!, `${rpc}ProductsService.GetProduct`);
      if (denied) return denied;
      const key = parseProductSegment(product[2]!);
      const found = key ? processed(key) : null;
      return found ? json(200, found) : googleError(404, 'NOT_FOUND', `[name] Product ${product[2]} not found.`);
    }
    if (products && request.method === 'GET') {
      const denied = authorize(request, products[1]!, `${rpc}ProductsService.ListProducts`);
      if (denied) return denied;
      const pageSize = Math.min(1000, Number(request.query.get('pageSize') ?? '25') || 25);
      const offset = Number(Buffer.from(request.query.get('pageToken') ?? '', 'base64url').toString('utf8') || '0');
      const keys = new Map<string, ProductKey>();
      for (const byKey of inputs.values()) for (const { key } of byKey.values()) keys.set(keyString(key), key);
      const all = [...keys.values()].map(processed).filter((p): p is Record<string, unknown> => p !== null);
      const page = all.slice(offset, offset + pageSize);
      return json(200, { products: page, ...(offset + pageSize < all.length ? { nextPageToken: Buffer.from(String(offset + pageSize)).toString('base64url') } : {}) });
    }
    if (source && request.method === 'GET') {
      const denied = authorize(request, source[1]!, 'google.shopping.merchant.datasources.v1.DataSourcesService.GetDataSource');
      if (denied) return denied;
      const found = dataSources.find((d) => d.id === source[2]);
      if (!found) return googleError(404, 'NOT_FOUND', `[name] Data source with id ${source[2]} was not found.`);
      const kind = found.kind === 'primary' ? { primaryProductDataSource: { contentLanguage: 'en', feedLabel: 'US', countries: ['US'] } } : { supplementalProductDataSource: { contentLanguage: 'en', feedLabel: 'US' } };
      return json(200, { name: sourceName(found), dataSourceId: found.id, displayName: found.displayName, input: found.input, ...kind });
    }
    return googleError(404, 'NOT_FOUND', 'Method not found.');
  }

  const http = await startHttpStandIn(handle);
  baseUrl = http.url;
  const createServiceAccount = (name: string, access = true) => {
    const key = tokens.createServiceAccount(name);
    if (access) allowed.add(key.client_email);
    return key;
  };
  const supplemental = dataSources.find((d) => d.kind === 'supplemental' && d.input === 'API') ?? dataSources[0]!;
  const fullKey = (offerId: string, key: Partial<Omit<ProductKey, 'offerId'>> = {}): ProductKey => ({ contentLanguage: key.contentLanguage ?? 'en', feedLabel: key.feedLabel ?? 'US', legacyLocal: key.legacyLocal ?? false, offerId });

  return {
    url: http.url,
    tokenUrl: `${http.url}/token`,
    accountId,
    dataSources,
    supplementalDataSource: sourceName(supplemental),
    serviceAccountKey: createServiceAccount('stockfeed'),
    tokens,
    createServiceAccount: (name, o = {}) => createServiceAccount(name, o.access ?? true),
    seedProduct(offerId, productAttributes, key) {
      const primary = dataSources.find((d) => d.kind === 'primary');
      if (!primary) throw new Error('google stand-in: no primary data source');
      const full = fullKey(offerId, key);
      record(primary, full, { ...full, productAttributes }, 0);
    },
    product: (offerId, key) => processed(fullKey(offerId, key)),
    inputCalls,
    quotaExceeded(count) {
      const { body, headers } = googleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Product inputs write requests' and limit 'Product inputs write requests per minute per account' of service 'merchantapi.googleapis.com'.", [errorInfo('RATE_LIMIT_EXCEEDED', 'google.shopping.merchant.products.v1.ProductInputsService.InsertProductInput')]);
      http.faults.failNext(count, { status: 429, headers, body });
    },
    faults: http.faults,
    requests: http.requests,
    http,
    close: () => http.close(),
  };
}
