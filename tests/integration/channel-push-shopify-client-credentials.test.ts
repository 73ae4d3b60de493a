/**
 * Shopify apps made in the Dev Dashboard have no permanent Admin API token: Stockfeed exchanges the
 * app's client ID and secret for a token (client credentials grant), keeps it, exchanges again
 * shortly before it expires and when Shopify answers 401, and says plainly when Shopify refuses the
 * credentials. The stand-in issues the tokens and refuses expired or revoked ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins';
import { eventually, FAST_PUSH, settled, useStandIns } from '../helpers/channel-push';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

const TOKEN_PATH = '/admin/oauth/access_token';

describe.each(engines())('Shopify with a client ID and secret (%s)', (engine) => {
  let core: TestCore | undefined;
  let shop: ShopifyStandIn | undefined;

  afterEach(async () => {
    await core?.cleanup();
    await shop?.close();
    core = undefined;
    shop = undefined;
  });

  async function setUp(options: Parameters<typeof startShopifyStandIn>[0] = {}) {
    shop = await startShopifyStandIn(options);
    const location = shop.shop.addLocation('Warehouse');
    shop.shop.addProduct('Mug', [{ sku: 'MUG-1', available: { [location.id]: 0 } }]);
    core = await startCore(engine, { channelPush: FAST_PUSH });
    await core.call('products.create', productInput('MUG-1'));
    await useStandIns(core, { shopify: shop, shopifyAuth: 'clientCredentials' });
    return { core, shop };
  }

  const tokenRequests = (s: ShopifyStandIn) => s.http.apiRequests(TOKEN_PATH);
  const graphqlAnswers = (s: ShopifyStandIn) => s.http.apiRequests('/admin/api/').map((r) => r.status);

  it('exchanges the credentials once for a token, and uses it for every call', async () => {
    const { core, shop } = await setUp();
    const report = await core.call('channels.connect', { channel: 'shopify' });
    expect(report.matched.count).toBe(1);
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 4 });
    await eventually(() => shop.available('MUG-1') === 4, 3_000, 'the receipt in Shopify');
    await settled(core, 'shopify');

    const [request, ...more] = tokenRequests(shop);
    expect(more).toEqual([]);
    // As documented: a form-encoded POST to the shop's own address, through the checked way out.
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({ grant_type: 'client_credentials', client_id: shop.clientId, client_secret: shop.clientSecret });
    const issued = shop.tokens.issued.map((t) => t.token);
    expect(issued).toHaveLength(1);
    const graphql = shop.http.apiRequests('/admin/api/');
    expect(graphql.length).toBeGreaterThan(1);
    for (const r of graphql) expect(r.headers['x-shopify-access-token']).toBe(issued[0]);
    expect(graphqlAnswers(shop).every((s) => s === 200)).toBe(true);
  });

  it('exchanges again before the token expires, without a refused call', async () => {
    const { core, shop } = await setUp({ tokenLifetimeSeconds: 2 });
    await core.call('channels.connect', { channel: 'shopify' });
    expect(tokenRequests(shop)).toHaveLength(1);
    // Past the point where a 2-second token is renewed (its last tenth), before it has expired.
    await new Promise((resolve) => setTimeout(resolve, 1_900));
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 3 });
    await eventually(() => shop.available('MUG-1') === 3, 3_000, 'the receipt in Shopify');
    await settled(core, 'shopify');
    expect(tokenRequests(shop).length).toBeGreaterThanOrEqual(2);
    expect(graphqlAnswers(shop)).not.toContain(401);
  });

  it('exchanges again when Shopify answers 401 (a revoked token), and the push goes through', async () => {
    const { core, shop } = await setUp();
    await core.call('channels.connect', { channel: 'shopify' });
    await settled(core, 'shopify');
    shop.tokens.revokeAll();
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 6 });
    await eventually(() => shop.available('MUG-1') === 6, 3_000, 'the receipt in Shopify');
    await settled(core, 'shopify');
    expect(graphqlAnswers(shop)).toContain(401);
    expect(tokenRequests(shop)).toHaveLength(2);
    const log = await core.call('channels.pushes', { channel: 'shopify', status: 'sent' });
    expect(log.pushes[0]).toMatchObject({ sku: 'MUG-1', value: '6', attempts: 1 });
    const status = (await core.call('channels.status', {})).channels.find((c) => c.channel === 'shopify');
    expect(status?.lastError).toBeNull();
  });

  it('says clearly when Shopify refuses the client ID or secret, at Connect and in the status', async () => {
    const { core, shop } = await setUp({ clientSecret: 'shpss_the_right_one_0123456789' });
    const current = await core.call('settings.get', {});
    await core.call('settings.update', { ...current, channels: { ...current.channels, shopify: { ...current.channels.shopify, clientSecret: 'shpss_a_wrong_one_0123456789' } } });
    const refused = core.call('channels.connect', { channel: 'shopify' });
    await expect(refused).rejects.toMatchObject({ code: 'bad_gateway' });
    const message = ((await refused.catch((e: unknown) => e)) as Error).message;
    expect(message).toContain('Shopify refused the client ID and secret (invalid_client)');
    expect(message).toContain('channels.shopify.clientId');
    expect(message).not.toContain('shpss_a_wrong_one');
    // The pusher records the same reason, and tries no Admin API call without a token.
    await core.call('stock.receive', { sku: 'MUG-1', quantity: 1 });
    await eventually(async () => (await core.call('channels.status', {})).channels.some((c) => c.channel === 'shopify' && (c.lastError ?? '').includes('invalid_client')), 3_000, 'the refusal in the status');
    expect(shop.http.apiRequests('/admin/api/')).toEqual([]);
  });

  it('names what is missing when the client ID and secret are chosen but not set', async () => {
    const { core } = await setUp();
    const current = await core.call('settings.get', {});
    await core.call('settings.update', { ...current, channels: { ...current.channels, shopify: { ...current.channels.shopify, clientSecret: '' } } });
    await expect(core.call('channels.connect', { channel: 'shopify' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('channels.shopify.clientSecret') });
  });
});
