/**
 * The Shopify stand-in's token endpoint answers as Shopify documents the client credentials grant
 * for Dev Dashboard apps: POST {shop}/admin/oauth/access_token with client_id, client_secret and
 * grant_type=client_credentials (form-encoded, or JSON as Shopify's own library sends it) gives
 * { access_token, scope, expires_in } (24 h); the token then works with X-Shopify-Access-Token until
 * it expires or is revoked, when the Admin API answers 401. Wrong credentials are OAuth errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins/shopify-standin';

const open: ShopifyStandIn[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function shop(options: Parameters<typeof startShopifyStandIn>[0] = {}): Promise<ShopifyStandIn> {
  const s = await startShopifyStandIn(options);
  open.push(s);
  s.shop.addLocation('Warehouse');
  return s;
}

async function exchange(s: ShopifyStandIn, fields: Record<string, string>, as: 'form' | 'json' = 'form') {
  const response = await fetch(`${s.url}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json', accept: 'application/json' },
    body: as === 'form' ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function locations(s: ShopifyStandIn, token: string): Promise<number> {
  const response = await fetch(s.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query: '{ locations(first: 5) { nodes { id } } }' }),
  });
  return response.status;
}

describe('Shopify stand-in: client credentials grant', () => {
  it('exchanges the client ID and secret for a 24-hour token that the Admin API takes', async () => {
    const s = await shop();
    const answer = await exchange(s, { client_id: s.clientId, client_secret: s.clientSecret, grant_type: 'client_credentials' });
    expect(answer).toEqual({ status: 200, body: { access_token: expect.stringMatching(/^shpat_[0-9a-f]{32}$/), scope: 'write_inventory,read_products,read_locations', expires_in: 86399 } });
    expect(await locations(s, answer.body.access_token as string)).toBe(200);
    // Shopify's Node library sends the same fields as JSON.
    const again = await exchange(s, { client_id: s.clientId, client_secret: s.clientSecret, grant_type: 'client_credentials' }, 'json');
    expect(again.status).toBe(200);
    expect(again.body.access_token).not.toBe(answer.body.access_token);
    expect(s.tokens.issued).toHaveLength(2);
  });

  it('refuses a wrong client ID or secret, a missing field and another grant type, as OAuth errors', async () => {
    const s = await shop();
    expect(await exchange(s, { client_id: s.clientId, client_secret: 'wrong', grant_type: 'client_credentials' })).toEqual({
      status: 400,
      body: { error: 'invalid_client', error_description: expect.stringContaining('client') },
    });
    expect((await exchange(s, { client_id: 'nobody', client_secret: s.clientSecret, grant_type: 'client_credentials' })).body.error).toBe('invalid_client');
    expect(await exchange(s, { client_id: s.clientId, grant_type: 'client_credentials' })).toEqual({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('client_secret') } });
    expect((await exchange(s, { client_id: s.clientId, client_secret: s.clientSecret, grant_type: 'password' })).body).toMatchObject({ error: 'unsupported_grant_type' });
    expect(s.tokens.issued).toHaveLength(0);
  });

  it('refuses the grant on a shop outside the app’s organization (shop_not_permitted)', async () => {
    const s = await shop({ clientCredentialsPermitted: false });
    expect(await exchange(s, { client_id: s.clientId, client_secret: s.clientSecret, grant_type: 'client_credentials' })).toEqual({
      status: 400,
      body: { error: 'shop_not_permitted', error_description: 'Client credentials cannot be performed on this shop.' },
    });
  });

  it('answers 401 to an expired or revoked token, as to any unknown one', async () => {
    const s = await shop({ tokenLifetimeSeconds: 1 });
    const first = await exchange(s, { client_id: s.clientId, client_secret: s.clientSecret, grant_type: 'client_credentials' });
    expect(first.body.expires_in).toBe(1);
    expect(await locations(s, first.body.access_token as string)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await locations(s, first.body.access_token as string)).toBe(401);
    s.tokens.lifetimeSeconds = 86399;
    const second = await exchange(s, { client_id: s.clientId, client_secret: s.clientSecret, grant_type: 'client_credentials' });
    expect(await locations(s, second.body.access_token as string)).toBe(200);
    s.tokens.revokeAll();
    expect(await locations(s, second.body.access_token as string)).toBe(401);
    // The access token of an admin-created custom app still works beside them.
    expect(await locations(s, s.accessToken)).toBe(200);
  });
});
