/**
 * The Google stand-in: the service-account token exchange (RS256 JWT checked against the account's
 * public key), the Merchant API products v1 calls the pusher and reconcile make (productInputs.insert
 * into a supplemental API data source, products.get/list), Google's error bodies, and
 * google-auth-library's JWT client run against it through a transport the production code controls.
 */
import crypto from 'node:crypto';
import { JWT } from 'google-auth-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbound } from '../../electron/core/net/outbound';
import { CONTENT_SCOPE, GOOGLE_TOKEN_AUDIENCE, type ServiceAccountKey } from '../helpers/channel-standins/google-token';
import { startGoogleStandIn, type GoogleStandIn } from '../helpers/channel-standins/google-standin';

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function google(options: Parameters<typeof startGoogleStandIn>[0] = {}) {
  const g = await startGoogleStandIn(options);
  open.push(g);
  g.seedProduct('MUG', { title: 'Mug', availability: 'IN_STOCK', price: { amountMicros: '9500000', currencyCode: 'EUR' } });
  return g;
}

function assertion(key: ServiceAccountKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const iat = Math.floor(Date.now() / 1000);
  const body = { iss: key.client_email, scope: CONTENT_SCOPE, aud: GOOGLE_TOKEN_AUDIENCE, iat, exp: iat + 3600, ...claims };
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
  return `${signingInput}.${crypto.sign('RSA-SHA256', Buffer.from(signingInput), key.private_key).toString('base64url')}`;
}

async function token(g: GoogleStandIn, jwt: string, grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
  const response = await fetch(g.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: grantType, assertion: jwt }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function merchant(g: GoogleStandIn, method: string, path: string, accessToken: string | null, body?: unknown) {
  const response = await fetch(`${g.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error?: { code: number; status: string; message: string; details?: unknown[] } } & Record<string, unknown> };
}

const insertPath = (g: GoogleStandIn, dataSource = g.supplementalDataSource) => `/products/v1/accounts/${g.accountId}/productInputs:insert?dataSource=${encodeURIComponent(dataSource)}`;

describe('Google stand-in: token endpoint', () => {
  it('exchanges a service account JWT for a Bearer token, and refuses bad signatures, audiences, times and scopes', async () => {
    const g = await google();
    const key = g.serviceAccountKey;
    expect(key).toMatchObject({ type: 'service_account', token_uri: g.tokenUrl, client_email: expect.stringMatching(/@stockfeed-test\.iam\.gserviceaccount\.com$/) });
    const ok = await token(g, assertion(key));
    expect(ok).toEqual({ status: 200, body: { access_token: expect.stringMatching(/^ya29\./), expires_in: 3599, token_type: 'Bearer' } });

    const other = g.createServiceAccount('intruder');
    const forged = assertion({ ...other, client_email: key.client_email });
    expect(await token(g, forged)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
    expect((await token(g, assertion(key, { aud: g.tokenUrl }))).body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('audience') });
    expect((await token(g, assertion(key, { exp: Math.floor(Date.now() / 1000) + 7200 }))).body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('short-lived') });
    expect((await token(g, assertion(key, { scope: '' }))).body).toEqual({ error: 'invalid_scope', error_description: 'Empty or missing scope not allowed.' });
    expect((await token(g, assertion(key), 'client_credentials')).body).toMatchObject({ error: 'unsupported_grant_type' });
    g.tokens.revokeKey(key.client_email);
    expect((await token(g, assertion(key))).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid grant: account not found' });
  });
});

describe('Google stand-in: Merchant API', () => {
  it('inserts availability and prices into the supplemental data source and shows them in the processed product', async () => {
    const g = await google();
    const { access_token: accessToken } = (await token(g, assertion(g.serviceAccountKey))).body as { access_token: string };
    const input = { offerId: 'MUG', contentLanguage: 'en', feedLabel: 'US', productAttributes: { availability: 'OUT_OF_STOCK', salePrice: { amountMicros: '7000000', currencyCode: 'EUR' } } };
    const inserted = await merchant(g, 'POST', insertPath(g), accessToken, input);
    expect(inserted.status).toBe(200);
    expect(inserted.body).toEqual({ name: `accounts/${g.accountId}/productInputs/en~US~MUG`, product: `accounts/${g.accountId}/products/en~US~MUG`, ...input });
    const processed = await merchant(g, 'GET', `/products/v1/accounts/${g.accountId}/products/en~US~MUG`, accessToken);
    expect(processed.body).toMatchObject({ offerId: 'MUG', dataSource: `accounts/${g.accountId}/dataSources/10001`, productAttributes: { title: 'Mug', availability: 'OUT_OF_STOCK', price: { amountMicros: '9500000' }, salePrice: { amountMicros: '7000000' } } });
    const listed = await merchant(g, 'GET', `/products/v1/accounts/${g.accountId}/products?pageSize=10`, accessToken);
    expect((listed.body.products as unknown[]).length).toBe(1);
    // An offer only in the supplemental source is no product (reconcile lists it as unmatched).
    await merchant(g, 'POST', insertPath(g), accessToken, { ...input, offerId: 'GHOST' });
    expect((await merchant(g, 'GET', `/products/v1/accounts/${g.accountId}/products/en~US~GHOST`, accessToken)).status).toBe(404);
    expect(g.inputCalls.map((c) => [c.method, c.key.offerId])).toEqual([['insert', 'MUG'], ['insert', 'GHOST']]);
    // Offer ids with reserved characters travel base64url-encoded.
    g.seedProduct('A/B', { title: 'Slash' });
    const encoded = Buffer.from('en~US~A/B').toString('base64url');
    expect((await merchant(g, 'GET', `/products/v1/accounts/${g.accountId}/products/${encoded}`, accessToken)).body).toMatchObject({ offerId: 'A/B', name: `accounts/${g.accountId}/products/${encoded}` });
  });

  it('patches one attribute with an update mask and deletes the supplemental input, which uncovers the feed value again', async () => {
    const g = await google();
    const { access_token: accessToken } = (await token(g, assertion(g.serviceAccountKey))).body as { access_token: string };
    const query = `dataSource=${encodeURIComponent(g.supplementalDataSource)}`;
    await merchant(g, 'POST', insertPath(g), accessToken, { offerId: 'MUG', contentLanguage: 'en', feedLabel: 'US', productAttributes: { availability: 'OUT_OF_STOCK', salePrice: { amountMicros: '1000000', currencyCode: 'EUR' } } });
    const patched = await merchant(g, 'PATCH', `/products/v1/accounts/${g.accountId}/productInputs/en~US~MUG?${query}&updateMask=productAttributes.availability`, accessToken, { productAttributes: { availability: 'BACKORDER' } });
    expect(patched.body.productAttributes).toEqual({ availability: 'BACKORDER', salePrice: { amountMicros: '1000000', currencyCode: 'EUR' } });
    expect((await merchant(g, 'DELETE', `/products/v1/accounts/${g.accountId}/productInputs/en~US~MUG?${query}`, accessToken)).status).toBe(200);
    expect(g.product('MUG')).toMatchObject({ productAttributes: { availability: 'IN_STOCK' } });
    expect((await merchant(g, 'DELETE', `/products/v1/accounts/${g.accountId}/productInputs/en~US~MUG`, accessToken)).body.error).toMatchObject({ code: 400, message: '[dataSource] Required parameter: dataSource' });
    expect(g.inputCalls.map((c) => c.method)).toEqual(['insert', 'patch', 'delete']);
  });

  it('takes time to process an input when told to, as Merchant Center does', async () => {
    const g = await google({ processingDelayMs: 200 });
    const { access_token: accessToken } = (await token(g, assertion(g.serviceAccountKey))).body as { access_token: string };
    await merchant(g, 'POST', insertPath(g), accessToken, { offerId: 'MUG', contentLanguage: 'en', feedLabel: 'US', productAttributes: { availability: 'BACKORDER' } });
    expect(g.product('MUG')).toMatchObject({ productAttributes: { availability: 'IN_STOCK' } });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(g.product('MUG')).toMatchObject({ productAttributes: { availability: 'BACKORDER' } });
  });

  it("answers Google's errors: 401 without or with a stale token, 403 without access, 400 for bad input, 404 for a missing data source, 429 for quota", async () => {
    const g = await google();
    const { access_token: accessToken } = (await token(g, assertion(g.serviceAccountKey))).body as { access_token: string };
    const body = { offerId: 'MUG', contentLanguage: 'en', feedLabel: 'US', productAttributes: { availability: 'IN_STOCK' } };
    const anonymous = await merchant(g, 'POST', insertPath(g), null, body);
    expect([anonymous.status, anonymous.body.error?.status, anonymous.headers.get('www-authenticate')]).toEqual([401, 'UNAUTHENTICATED', 'Bearer realm="https://accounts.google.com/"']);
    expect(anonymous.body.error?.details).toEqual([expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CREDENTIALS_MISSING' })]);
    const outsider = g.createServiceAccount('outsider', { access: false });
    const outsiderToken = ((await token(g, assertion(outsider))).body as { access_token: string }).access_token;
    expect((await merchant(g, 'POST', insertPath(g), outsiderToken, body)).body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    const v1beta = await merchant(g, 'POST', insertPath(g), accessToken, { ...body, productAttributes: { availability: 'in_stock' } });
    expect(v1beta.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: `Invalid value at 'product_input.product_attributes.availability' (type.googleapis.com/google.shopping.merchant.products.v1.Availability), "in_stock"` });
    const unknownField = await merchant(g, 'POST', insertPath(g), accessToken, { ...body, attributes: {} });
    expect(unknownField.body.error?.message).toBe(`Invalid JSON payload received. Unknown name "attributes" at 'product_input': Cannot find field.`);
    expect((await merchant(g, 'POST', insertPath(g, `accounts/${g.accountId}/dataSources/999`), accessToken, body)).body.error).toMatchObject({ code: 404, status: 'NOT_FOUND', message: '[dataSource] Data source with id 999 was not found.' });
    expect((await merchant(g, 'POST', insertPath(g, `accounts/${g.accountId}/dataSources/10001`), accessToken, body)).body.error).toMatchObject({ code: 400, message: '[dataSource] Only API data sources are supported.' });
    g.quotaExceeded(1);
    const limited = await merchant(g, 'POST', insertPath(g), accessToken, body);
    expect(limited.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    g.tokens.expireAll();
    const stale = await merchant(g, 'POST', insertPath(g), accessToken, body);
    expect(stale.body.error?.details).toEqual([expect.objectContaining({ reason: 'ACCESS_TOKEN_EXPIRED' })]);
    expect(g.inputCalls).toEqual([]);
  });
});

describe('google-auth-library against the stand-in', () => {
  /**
   * google-auth-library 10 hardcodes https://oauth2.googleapis.com/token (the key file's token_uri
   * is not used), so the seam is the transport: `transporterOptions.agent` (gaxios hands it to
   * node-fetch) is Stockfeed's guarded agent, and a request interceptor on the client's transporter
   * sends the token URL to the configured one. No direct gaxios import is needed.
   */
  function client(g: GoogleStandIn, agent: (url: URL) => import('node:http').Agent) {
    const jwt = new JWT({ email: g.serviceAccountKey.client_email, key: g.serviceAccountKey.private_key, scopes: [CONTENT_SCOPE], transporterOptions: { agent } });
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.toString() === GOOGLE_TOKEN_AUDIENCE) config.url = new URL(g.tokenUrl);
        return config;
      },
    });
    return jwt;
  }

  it("signs in with the JWT client and calls the Merchant API through Stockfeed's guarded agent", async () => {
    const g = await google();
    const outbound = new Outbound();
    open.push({ close: () => outbound.close() });
    const jwt = client(g, (url) => (url.protocol === 'https:' ? outbound.agents(true).https : outbound.agents(true).http));
    const credentials = await jwt.authorize();
    expect(g.tokens.lookup(credentials.access_token!)).toMatchObject({ email: g.serviceAccountKey.client_email, scopes: [CONTENT_SCOPE] });
    const response = await jwt.request<{ offerId: string }>({
      url: `${g.url}${insertPath(g)}`,
      method: 'POST',
      data: { offerId: 'MUG', contentLanguage: 'en', feedLabel: 'US', productAttributes: { availability: 'OUT_OF_STOCK' } },
    });
    expect(response.data.offerId).toBe('MUG');
    expect(g.requests.at(-1)?.headers.authorization).toBe(`Bearer ${credentials.access_token}`);
    expect(g.product('MUG')).toMatchObject({ productAttributes: { availability: 'OUT_OF_STOCK' } });
  });

  it('goes through the agent it is given: the strict agent refuses this computer, so nothing reaches the stand-in', async () => {
    const g = await google();
    const outbound = new Outbound();
    open.push({ close: () => outbound.close() });
    const jwt = client(g, (url) => (url.protocol === 'https:' ? outbound.agents(false).https : outbound.agents(false).http));
    await expect(jwt.authorize()).rejects.toThrow(/refused|this computer|loopback/i);
    expect(g.requests).toEqual([]);
  });
});
