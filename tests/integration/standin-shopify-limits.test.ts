/**
 * The Shopify stand-in's limits, echoes and faults: calculated cost (requested and actual), the leaky
 * bucket answering THROTTLED with HTTP 200 and no data, the single-query cost limit, the signed
 * inventory_levels/update webhooks Shopify sends back after every change (Stockfeed's own included),
 * and the channel going down, failing and slowing down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyHmacBase64 } from '../helpers/channel-standins/echo-webhooks';
import { startShopifyStandIn, type ShopifyStandIn, type ShopifyStandInOptions } from '../helpers/channel-standins/shopify-standin';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function shop(options: ShopifyStandInOptions = {}) {
  const s = await startShopifyStandIn(options);
  open.push(s);
  const warehouse = s.shop.addLocation('Warehouse').id;
  s.shop.addProduct('Mug', [{ sku: 'A', available: { [warehouse]: 1 } }, { sku: 'B', available: { [warehouse]: 2 } }, { sku: 'C', available: { [warehouse]: 3 } }]);
  return { s, warehouse };
}

async function gql(s: ShopifyStandIn, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(s.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': s.accessToken }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } } } };
}

const setOne = (s: ShopifyStandIn, sku: string, location: number, quantity: number, key: string) => {
  const variant = s.shop.variantBySku(sku)!;
  return gql(s, 'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "' + key + '") { userErrors { code } } }', {
    input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: `gid://shopify/InventoryItem/${variant.inventoryItemId}`, locationId: `gid://shopify/Location/${location}`, quantity, changeFromQuantity: null }] },
  });
};

describe('Shopify stand-in: cost and throttling', () => {
  it('charges the requested cost and refunds down to the actual cost', async () => {
    const { s } = await shop();
    const answer = await gql(s, '{ productVariants(first: 10) { nodes { sku inventoryItem { id } } } }');
    // 2 for the connection + 10 × (1 variant + 1 inventory item); actually returned: 3 variants.
    expect(answer.body.extensions?.cost).toMatchObject({ requestedQueryCost: 22, actualQueryCost: 8 });
    expect(answer.body.extensions?.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1992);
    expect(s.calls[0]).toMatchObject({ requestedCost: 22, actualCost: 8, throttled: false });
  });

  it('refuses a query over the single-query limit of 1,000 before running it', async () => {
    const { s } = await shop();
    const answer = await gql(s, '{ productVariants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 10) { nodes { location { id } } } } } } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 6002, maxCost: 1000 });
    expect(answer.body.errors?.[0]?.message).toMatch(/^Query cost is 6002, which exceeds the single query max cost limit \(1000\)\./);
  });

  it('answers THROTTLED with HTTP 200 and no data when the bucket cannot pay, applies nothing, and restores over time', async () => {
    // 10 points a second: the fourth mutation is throttled unless a whole second passed since the first.
    const { s, warehouse } = await shop({ bucket: { maximumAvailable: 30, restoreRate: 10 } });
    for (const [i, sku] of ['A', 'B', 'C'].entries()) expect((await setOne(s, sku, warehouse, 10, `k${i}`)).body.errors).toBeUndefined();
    const throttled = await setOne(s, 'A', warehouse, 99, 'k3');
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }]);
    expect(throttled.body.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: null, throttleStatus: { maximumAvailable: 30, restoreRate: 10 } });
    expect(throttled.body.extensions!.cost.throttleStatus.currentlyAvailable).toBeLessThan(10);
    expect(s.available('A', warehouse)).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await setOne(s, 'A', warehouse, 99, 'k3')).body.errors).toBeUndefined();
    expect(s.available('A', warehouse)).toBe(99);
  });
});

describe('Shopify stand-in: echo webhooks', () => {
  it('sends inventory_levels/update, signed with the app secret, after a mutation and after an admin edit', async () => {
    const { s, warehouse } = await shop({ appSecret: 'app-secret' });
    const receiver: Receiver = await startReceiver();
    open.push(receiver);
    s.webhooks.url = receiver.url;
    await setOne(s, 'B', warehouse, 7, 'k-echo');
    s.adminSetAvailable('C', 0, warehouse);
    await setOne(s, 'A', warehouse, 1, 'k-same'); // unchanged: no webhook
    await s.webhooks.settled();
    expect(receiver.requests).toHaveLength(2);
    const variant = s.shop.variantBySku('B')!;
    const [first] = receiver.requests;
    expect(first!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'inventory_levels/update',
      'x-shopify-shop-domain': 'stockfeed-test.myshopify.com',
      'x-shopify-api-version': '2026-10',
    });
    for (const header of ['x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at']) expect(first!.headers[header]).toEqual(expect.any(String));
    expect(verifyHmacBase64('app-secret', first!.rawBody, first!.headers['x-shopify-hmac-sha256'] as string)).toBe(true);
    expect(verifyHmacBase64('other-secret', first!.rawBody, first!.headers['x-shopify-hmac-sha256'] as string)).toBe(false);
    const level = s.shop.level(variant.inventoryItemId, warehouse)!;
    expect(JSON.parse(first!.rawBody)).toEqual({
      inventory_item_id: variant.inventoryItemId,
      location_id: warehouse,
      available: 7,
      updated_at: level.updatedAt,
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.id}?inventory_item_id=${variant.inventoryItemId}`,
    });
    expect(JSON.parse(receiver.requests[1]!.rawBody)).toMatchObject({ available: 0 });
  });
});

describe('Shopify stand-in: faults', () => {
  it('goes down (connection refused), comes back on the same port, fails scripted calls and slows down', async () => {
    const { s } = await shop();
    const query = '{ locations(first: 1) { nodes { id } } }';
    await s.faults.down('refuse');
    await expect(gql(s, query)).rejects.toThrow();
    await s.faults.up();
    expect((await gql(s, query)).status).toBe(200);

    s.faults.failNext(2, { status: 429, headers: { 'Retry-After': '1' } });
    const limited = await fetch(s.graphqlUrl, { method: 'POST', headers: { 'x-shopify-access-token': s.accessToken }, body: JSON.stringify({ query }) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await gql(s, query).catch(() => null)) === null).toBe(true); // the second 429 is not JSON
    expect((await gql(s, query)).status).toBe(200);

    await s.faults.down('unavailable');
    expect((await fetch(s.graphqlUrl, { method: 'POST', body: '{}' })).status).toBe(503);
    await s.faults.up();
    s.faults.slow(150);
    const started = Date.now();
    await gql(s, query);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(s.http.apiRequests().length).toBe(3);
  });
});
