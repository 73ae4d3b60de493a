/**
 * Google Merchant Center (Merchant API products v1). The feed file stays the primary source of
 * every product; availability, its date, price and sale price are written into a supplemental data
 * source of type API with `productInputs:insert`, one call per product (the Merchant API has no
 * batch method), a few at a time, so Google knows within seconds instead of at the next fetch.
 *
 * Google lets a product be updated at most twice a day. Only what Google shows is compared (a
 * quantity change that keeps availability the same sends nothing), each product has a daily
 * budget (`channels.google.maxUpdatesPerDay`, 2), and a change that makes a product unsellable is
 * sent at once whatever the budget — ads must stop for an empty shelf. Other changes past the
 * budget wait for the next UTC day, and the value sent then is the latest one.
 *
 * Sign-in uses Google's own library (a service account JWT); google-auth-library posts to
 * https://oauth2.googleapis.com/token whatever the key file says, so the configured token URL is
 * put in by an interceptor on its transport, and the transport uses Outbound's guarded agents.
 */
import { JWT } from 'google-auth-library';
import { describeRequestError, type Outbound } from '../net/outbound';
import type { ChannelAdapter, ChannelItem, FoundItem, SendItem, SendOutcome, SendResult } from './channel-adapter';
import { GOOGLE_TOKEN_URL, type GoogleConfig } from './channel-config';
import { callJson, ChannelError, ChannelUnreachableError, excerpt, hostOf, statusError, type JsonAnswer } from './channel-http';
import { googleValue, unsellable, type GooglePrice, type GoogleValue } from './values';

export const CONTENT_SCOPE = 'https://www.googleapis.com/auth/content';

export type GoogleDeps = { outbound: Outbound; allowPrivateNetwork: boolean; timeoutMs: number; concurrency: number };

type ProcessedProduct = { offerId?: string; contentLanguage?: string; feedLabel?: string; productAttributes?: Record<string, unknown> & { title?: string } };

/** Products sent per batch (each its own call, `concurrency` at a time). */
const BATCH = 500;
/**
 * The Merchant API has no search by offer id, so a lookup reads the whole account. That read is
 * kept this long: a product reaches Google when it next fetches the feed, and a product that was
 * not there is looked up again later (ABSENT_RECHECK_MS), which must see a fresh catalogue.
 */
export const GOOGLE_CATALOGUE_TTL_MS = 5 * 60_000;

function priceOf(value: unknown): GooglePrice | null {
  const p = value as { amountMicros?: unknown; currencyCode?: unknown } | null | undefined;
  return p && p.amountMicros !== undefined && typeof p.currencyCode === 'string' ? { amountMicros: String(p.amountMicros), currencyCode: p.currencyCode } : null;
}

/** What Google shows for a processed product, in the shape of GoogleValue. */
export function shownByGoogle(product: ProcessedProduct): GoogleValue {
  const a = product.productAttributes ?? {};
  return {
    availability: (typeof a.availability === 'string' ? a.availability : 'AVAILABILITY_UNSPECIFIED') as GoogleValue['availability'],
    availabilityDate: typeof a.availabilityDate === 'string' ? a.availabilityDate : null,
    price: priceOf(a.price) ?? { amountMicros: '0', currencyCode: '' },
    salePrice: priceOf(a.salePrice),
  };
}

/** The start of the next UTC day. */
export function nextUtcDay(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return d.toISOString();
}

export function createGoogleChannel(config: GoogleConfig, deps: GoogleDeps): ChannelAdapter {
  const agents = deps.outbound.agents(deps.allowPrivateNetwork);
  const jwt = new JWT({
    email: config.clientEmail,
    key: config.privateKey,
    scopes: [CONTENT_SCOPE],
    transporterOptions: { agent: (url: URL) => (url.protocol === 'https:' ? agents.https : agents.http), timeout: deps.timeoutMs },
  });
  if (config.tokenUrl !== GOOGLE_TOKEN_URL) {
    jwt.transporter.interceptors.request.add({
      resolved: async (request) => {
        if (request.url?.toString() === GOOGLE_TOKEN_URL) request.url = new URL(config.tokenUrl);
        return request;
      },
    });
  }
  const account = `${config.apiBase}/products/v1/accounts/${config.merchantId}`;
  const dataSource = `accounts/${config.merchantId}/dataSources/${config.dataSourceId}`;
  let calls = 0;
  let cached: { at: number; products: Map<string, ProcessedProduct[]> } | null = null;

  async function token(): Promise<string> {
    try {
      const { token: value } = await jwt.getAccessToken();
      if (!value) throw new ChannelError('Google gave no access token for the service account', 'auth');
      return value;
    } catch (error) {
      if (error instanceof ChannelError) throw error;
      const e = error as { message?: string; response?: { status?: number; data?: { error?: string; error_description?: string } } };
      const data = e.response?.data;
      if (e.response?.status === 400 || e.response?.status === 401) {
        throw new ChannelError(`Google refused the service account key: ${excerpt(`${data?.error ?? ''} ${data?.error_description ?? ''}`.trim())}`, 'auth');
      }
      // No answer at all (the library keeps the socket's code): Google could not be reached.
      const code = (error as { code?: unknown }).code;
      if (!e.response && typeof code === 'string' && /^E[A-Z]+$|CERT|TLS/.test(code)) throw new ChannelUnreachableError(hostOf(config.tokenUrl), describeRequestError(error));
      const message = excerpt(e.message ?? String(error));
      throw new ChannelError(`signing in to Google failed: ${message}`, /refused:/.test(message) ? 'config' : 'transient');
    }
  }

  async function api(method: string, url: string, signal: AbortSignal, body?: unknown): Promise<JsonAnswer> {
    for (let attempt = 0; ; attempt++) {
      calls++;
      const answer = await callJson(deps.outbound, url, { method, headers: { Authorization: `Bearer ${await token()}` }, body, signal, timeoutMs: deps.timeoutMs, allowPrivateNetwork: deps.allowPrivateNetwork });
      // An access token Google no longer takes: sign in again, once.
      if (answer.status === 401 && attempt === 0) {
        jwt.credentials = {};
        continue;
      }
      return answer;
    }
  }

  function failure(answer: JsonAnswer): ChannelError {
    const error = (answer.body as { error?: { message?: string; status?: string } } | null)?.error;
    const text = error?.message ?? '';
    if (answer.status === 404 && /dataSource/i.test(text)) return new ChannelError(`channels.google.dataSourceId: ${excerpt(text)}`, 'config');
    const failed = statusError(answer, `${error?.status ?? ''} ${text}`.trim(), 'Merchant Center account not found: check the account id');
    // Google's per-minute quota: at least a minute, unless it says otherwise.
    return answer.status === 429 && failed.retryAfterMs === null ? new ChannelError(failed.message, 'transient', 60_000) : failed;
  }

  /** Every processed product of the account, by offer id: read again when the last read is older than `maxAgeMs`. */
  async function products(signal: AbortSignal, maxAgeMs = 0): Promise<Map<string, ProcessedProduct[]>> {
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.products;
    const at = Date.now();
    const out = new Map<string, ProcessedProduct[]>();
    let pageToken = '';
    for (;;) {
      const answer = await api('GET', `${account}/products?pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`, signal);
      if (answer.status !== 200) throw failure(answer);
      const body = answer.body as { products?: ProcessedProduct[]; nextPageToken?: string } | null;
      for (const p of body?.products ?? []) if (p.offerId) out.set(p.offerId, [...(out.get(p.offerId) ?? []), p]);
      if (!body?.nextPageToken) {
        cached = { at, products: out };
        return out;
      }
      pageToken = body.nextPageToken;
    }
  }

  /** The data source must be a supplemental one of type API: inserts into anything else are refused. */
  async function prepare(signal: AbortSignal): Promise<void> {
    const answer = await api('GET', `${config.apiBase}/datasources/v1/${dataSource}`, signal);
    if (answer.status === 404) throw new ChannelError(`channels.google.dataSourceId: Merchant Center has no data source ${config.dataSourceId}`, 'config');
    if (answer.status !== 200) throw failure(answer);
    const source = answer.body as { input?: string; supplementalProductDataSource?: unknown } | null;
    if (source?.input !== 'API' || !source.supplementalProductDataSource) {
      throw new ChannelError(`channels.google.dataSourceId: data source ${config.dataSourceId} is not a supplemental data source of type API (add one in Merchant Center → Data sources)`, 'config');
    }
  }

  const toFound = (p: ProcessedProduct): FoundItem => ({
    sku: p.offerId ?? '',
    externalId: p.offerId ?? '',
    parentId: null,
    external: { contentLanguage: p.contentLanguage ?? 'en', feedLabel: p.feedLabel ?? '' },
    title: typeof p.productAttributes?.title === 'string' ? p.productAttributes.title : null,
    known: shownByGoogle(p),
    problem: null,
  });

  async function insert(send: SendItem, signal: AbortSignal): Promise<SendOutcome | ChannelError> {
    const value = send.value as GoogleValue;
    const attributes: Record<string, unknown> = { availability: value.availability, price: value.price };
    if (value.availabilityDate) attributes.availabilityDate = value.availabilityDate;
    if (value.salePrice) attributes.salePrice = value.salePrice;
    const external = send.item.external ?? {};
    const body = { offerId: send.item.externalId, contentLanguage: external.contentLanguage ?? 'en', feedLabel: external.feedLabel ?? '', productAttributes: attributes };
    const answer = await api('POST', `${account}/productInputs:insert?dataSource=${encodeURIComponent(dataSource)}`, signal, body);
    if (answer.status === 200) return { productId: send.item.productId, ok: true, value, drift: null, slots: [] };
    const error = failure(answer);
    return error.kind === 'items' ? { productId: send.item.productId, ok: false, error: error.message } : error;
  }

  return {
    channel: 'google',
    capacity: BATCH,
    weight: () => 1,
    prepare,
    value: googleValue,
    decide(item, value) {
      const known = item.known as GoogleValue | null;
      if (unsellable(value as GoogleValue) && !(known && unsellable(known))) return 'send';
      return item.sendsToday < config.maxUpdatesPerDay ? 'send' : { waitUntil: nextUtcDay() };
    },
    async lookup(skus, signal) {
      const before = calls;
      const catalogue = await products(signal, GOOGLE_CATALOGUE_TTL_MS);
      const found = new Map<string, FoundItem>();
      const duplicates = new Set<string>();
      for (const sku of skus) {
        const offers = catalogue.get(sku) ?? [];
        if (offers.length === 1) found.set(sku, toFound(offers[0] as ProcessedProduct));
        else if (offers.length > 1) duplicates.add(sku);
      }
      return { found, duplicates, calls: calls - before };
    },
    async send(items, _key, signal): Promise<SendResult> {
      const before = calls;
      const outcomes: SendOutcome[] = [];
      let stopped: ChannelError | null = null;
      let next = 0;
      const worker = async () => {
        while (!stopped && next < items.length) {
          const send = items[next++] as SendItem;
          try {
            const result = await insert(send, signal);
            if (result instanceof ChannelError) stopped ??= result;
            else outcomes.push(result);
          } catch (error) {
            if (error instanceof ChannelError) stopped ??= error;
            else throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(deps.concurrency, items.length) }, worker));
      return { outcomes, calls: calls - before, stopped };
    },
    // Each read pulls the whole account (fresh: the drift check must see what Google shows now), so it takes many items at once.
    readBatch: 20_000,
    async read(items: ChannelItem[], signal) {
      const all = await products(signal);
      const out = new Map<string, unknown>();
      for (const item of items) {
        const external = item.external ?? {};
        const match = (all.get(item.externalId) ?? []).find((p) => (p.feedLabel ?? '') === (external.feedLabel ?? '') && (p.contentLanguage ?? 'en') === (external.contentLanguage ?? 'en'));
        if (match) out.set(item.productId, shownByGoogle(match));
      }
      return out;
    },
    async catalogue(signal) {
      await prepare(signal);
      const all = await products(signal);
      return { items: [...all.values()].flat().map(toFound), locations: [] };
    },
  };
}
