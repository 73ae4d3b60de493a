/**
 * The Shopify stand-in answers the way the Admin GraphQL API (2026-10) is documented to: reads by
 * SKU with gids, cursors and named quantities; authentication; schema validation; and
 * inventorySetQuantities with changeFromQuantity, @idempotent and userErrors. Later tests of the
 * pusher rely on each of these behaviours.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startShopifyStandIn, type ShopifyStandIn } from '../helpers/channel-standins/shopify-standin';

type Answer = { status: number; body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown }>; extensions?: { cost?: Record<string, unknown> } } };

const open: ShopifyStandIn[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function shopWithStock(): Promise<{ shop: ShopifyStandIn; warehouse: number; store: number }> {
  const shop = await startShopifyStandIn();
  open.push(shop);
  const warehouse = shop.shop.addLocation('Warehouse').id;
  const store = shop.shop.addLocation('Store').id;
  shop.shop.addProduct('Mug', [{ sku: 'MUG-RED', title: 'Red', available: { [warehouse]: 5, [store]: 2 } }, { sku: 'MUG-BLUE', title: 'Blue', available: { [warehouse]: 0 } }]);
  shop.shop.addProduct('Tee', [{ sku: 'TEE-M', available: { [warehouse]: 12 }, committed: { [warehouse]: 3 } }]);
  return { shop, warehouse, store };
}

async function gql(shop: ShopifyStandIn, query: string, variables?: Record<string, unknown>, token = shop.accessToken): Promise<Answer> {
  const response = await fetch(shop.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { code field message }
  }
}`;

function setInput(quantities: Array<{ inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }>) {
  return { name: 'available', reason: 'correction', referenceDocumentUri: 'gid://stockfeed/StockPush/1', quantities };
}

const ids = (shop: ShopifyStandIn, sku: string, locationId: number) => {
  const variant = shop.shop.variantBySku(sku)!;
  return { inventoryItemId: `gid://shopify/InventoryItem/${variant.inventoryItemId}`, locationId: `gid://shopify/Location/${locationId}` };
};

describe('Shopify stand-in: reads', () => {
  it('finds variants by SKU with their inventory item, levels and named quantities, paged by cursor', async () => {
    const { shop, warehouse, store } = await shopWithStock();
    const query = `query Connect($after: String) {
      productVariants(first: 1, after: $after, query: "sku:MUG-RED OR sku:TEE-M") {
        edges { cursor node { id sku product { id title } inventoryItem { id tracked inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const first = await gql(shop, query);
    expect(first.status).toBe(200);
    const page1 = first.body.data!.productVariants as { edges: Array<{ node: Record<string, unknown> }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page1.edges).toHaveLength(1);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const red = page1.edges[0]!.node as { id: string; sku: string; product: { title: string }; inventoryItem: { id: string; tracked: boolean; inventoryLevels: { nodes: Array<{ location: { id: string }; quantities: Array<{ name: string; quantity: number }> }> } } };
    expect(red.id).toMatch(/^gid:\/\/shopify\/ProductVariant\/\d+$/);
    expect(red).toMatchObject({ sku: 'MUG-RED', product: { title: 'Mug' }, inventoryItem: { tracked: true } });
    expect(red.inventoryItem.id).toBe(ids(shop, 'MUG-RED', warehouse).inventoryItemId);
    expect(red.inventoryItem.inventoryLevels.nodes).toEqual([
      { location: { id: `gid://shopify/Location/${warehouse}` }, quantities: [{ name: 'available', quantity: 5 }, { name: 'on_hand', quantity: 5 }, { name: 'committed', quantity: 0 }] },
      { location: { id: `gid://shopify/Location/${store}` }, quantities: [{ name: 'available', quantity: 2 }, { name: 'on_hand', quantity: 2 }, { name: 'committed', quantity: 0 }] },
    ]);

    const second = await gql(shop, query, { after: page1.pageInfo.endCursor });
    const page2 = second.body.data!.productVariants as { edges: Array<{ node: { sku: string; inventoryItem: { inventoryLevels: { nodes: Array<{ quantities: Array<{ name: string; quantity: number }> }> } } } }>; pageInfo: { hasNextPage: boolean } };
    expect(page2.edges.map((e) => e.node.sku)).toEqual(['TEE-M']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    // on_hand counts the committed units too.
    expect(page2.edges[0]!.node.inventoryItem.inventoryLevels.nodes[0]!.quantities).toEqual([{ name: 'available', quantity: 12 }, { name: 'on_hand', quantity: 15 }, { name: 'committed', quantity: 3 }]);
  });

  it('lists locations and reads one level per item and location for drift checks', async () => {
    const { shop, warehouse } = await shopWithStock();
    const locations = await gql(shop, '{ locations(first: 10) { nodes { id name isActive } } }');
    expect(locations.body.data).toEqual({ locations: { nodes: [{ id: `gid://shopify/Location/${warehouse}`, name: 'Warehouse', isActive: true }, expect.objectContaining({ name: 'Store' })] } });
    const { inventoryItemId } = ids(shop, 'MUG-BLUE', warehouse);
    const level = await gql(shop, `query($ids: [ID!]!, $loc: ID!) { nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { quantity } } } } }`, { ids: [inventoryItemId], loc: `gid://shopify/Location/${warehouse}` });
    expect(level.body.data).toEqual({ nodes: [{ id: inventoryItemId, inventoryLevel: { quantities: [{ quantity: 0 }] } }] });
  });

  it('refuses a wrong token with 401 and an unknown API version with 404, like Shopify', async () => {
    const { shop } = await shopWithStock();
    const denied = await gql(shop, '{ locations(first: 1) { nodes { id } } }', undefined, 'shpat_wrong');
    expect(denied).toEqual({ status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } });
    const old = await fetch(shop.graphqlUrl.replace('2026-10', '2019-04'), { method: 'POST', headers: { 'x-shopify-access-token': shop.accessToken, 'content-type': 'application/json' }, body: '{"query":"{ shop { name } }"}' });
    expect(old.status).toBe(404);
  });

  it('validates queries against the schema: an unknown field is a GraphQL error, not a silent null', async () => {
    const { shop } = await shopWithStock();
    const answer = await gql(shop, '{ productVariants(first: 1) { nodes { sku inventoryQuantities } } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toEqual([expect.objectContaining({ message: "Field 'inventoryQuantities' doesn't exist on type 'ProductVariant'", extensions: { code: 'undefinedField', typeName: 'ProductVariant', fieldName: 'inventoryQuantities' } })]);
    const noPage = await gql(shop, '{ productVariants { nodes { sku } } }');
    expect(noPage.body.errors?.[0]?.message).toBe('you must provide one of first or last');
  });
});

describe('Shopify stand-in: inventorySetQuantities', () => {
  it('sets available with a compare-and-swap and reports the changes with the cost of a mutation', async () => {
    const { shop, warehouse } = await shopWithStock();
    const answer = await gql(shop, SET, { key: 'k-1', input: setInput([{ ...ids(shop, 'MUG-RED', warehouse), quantity: 9, changeFromQuantity: 5 }]) });
    const payload = answer.body.data!.inventorySetQuantities as { inventoryAdjustmentGroup: { id: string; reason: string; changes: unknown[] }; userErrors: unknown[] };
    expect(payload.userErrors).toEqual([]);
    expect(payload.inventoryAdjustmentGroup.id).toMatch(/^gid:\/\/shopify\/InventoryAdjustmentGroup\/\d+$/);
    expect(payload.inventoryAdjustmentGroup.changes).toEqual([
      { name: 'available', delta: 4, quantityAfterChange: 9, item: { id: ids(shop, 'MUG-RED', warehouse).inventoryItemId }, location: { id: `gid://shopify/Location/${warehouse}` } },
      { name: 'on_hand', delta: 4, quantityAfterChange: 9, item: { id: ids(shop, 'MUG-RED', warehouse).inventoryItemId }, location: { id: `gid://shopify/Location/${warehouse}` } },
    ]);
    expect(shop.available('MUG-RED', warehouse)).toBe(9);
    expect(answer.body.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
  });

  it('refuses a stale changeFromQuantity after an edit in the Shopify admin, and applies nothing of the batch', async () => {
    const { shop, warehouse } = await shopWithStock();
    shop.adminSetAvailable('MUG-RED', 4, warehouse);
    const answer = await gql(shop, SET, {
      key: 'k-2',
      input: setInput([{ ...ids(shop, 'TEE-M', warehouse), quantity: 1, changeFromQuantity: 12 }, { ...ids(shop, 'MUG-RED', warehouse), quantity: 7, changeFromQuantity: 5 }]),
    });
    expect(answer.body.data!.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '1', 'changeFromQuantity'], message: 'The changeFromQuantity value does not match persisted value.' }],
    });
    expect(shop.available('MUG-RED', warehouse)).toBe(4);
    expect(shop.available('TEE-M', warehouse)).toBe(12);
    // changeFromQuantity: null opts out of the check.
    const forced = await gql(shop, SET, { key: 'k-3', input: setInput([{ ...ids(shop, 'MUG-RED', warehouse), quantity: 7, changeFromQuantity: null }]) });
    expect((forced.body.data!.inventorySetQuantities as { userErrors: unknown[] }).userErrors).toEqual([]);
    expect(shop.available('MUG-RED', warehouse)).toBe(7);
  });

  it('reports unknown items, unknown locations and items not stocked at a location as userErrors', async () => {
    const { shop, warehouse, store } = await shopWithStock();
    const answer = await gql(shop, SET, {
      key: 'k-4',
      input: setInput([
        { inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: `gid://shopify/Location/${warehouse}`, quantity: 1, changeFromQuantity: null },
        { inventoryItemId: ids(shop, 'MUG-RED', warehouse).inventoryItemId, locationId: 'gid://shopify/Location/1', quantity: 1, changeFromQuantity: null },
        { ...ids(shop, 'MUG-BLUE', store), quantity: 1, changeFromQuantity: 0 },
      ]),
    });
    const errors = (answer.body.data!.inventorySetQuantities as { userErrors: Array<{ code: string; field: string[] }> }).userErrors;
    expect(errors.map((e) => [e.code, e.field.join('.')])).toEqual([
      ['INVALID_INVENTORY_ITEM', 'input.quantities.0.inventoryItemId'],
      ['INVALID_LOCATION', 'input.quantities.1.locationId'],
      ['ITEM_NOT_STOCKED_AT_LOCATION', 'input.quantities.2.locationId'],
    ]);
  });

  it('requires @idempotent and an explicit changeFromQuantity, and at most 250 quantities (2026-04 and later)', async () => {
    const { shop, warehouse } = await shopWithStock();
    const noKey = await gql(shop, 'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }', { input: setInput([{ ...ids(shop, 'MUG-RED', warehouse), quantity: 1, changeFromQuantity: 5 }]) });
    expect(noKey.body.data).toBeUndefined();
    expect(noKey.body.errors).toEqual([expect.objectContaining({ message: 'The @idempotent directive is required for this mutation but was not provided.', extensions: { code: 'BAD_REQUEST' } })]);
    const noCompare = await gql(shop, SET, { key: 'k-5', input: setInput([{ ...ids(shop, 'MUG-RED', warehouse), quantity: 1 }]) });
    expect(noCompare.body.errors?.[0]).toMatchObject({ message: 'InventoryQuantityInput must include the following argument: changeFromQuantity.', extensions: { code: 'INVALID_FIELD_ARGUMENTS' } });
    const many = Array.from({ length: 251 }, () => ({ ...ids(shop, 'MUG-RED', warehouse), quantity: 1, changeFromQuantity: null }));
    const tooMany = await gql(shop, SET, { key: 'k-6', input: setInput(many) });
    expect(tooMany.body.errors?.[0]).toMatchObject({ message: 'The input array size of 251 is greater than the maximum allowed of 250.', extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } });
    expect(shop.available('MUG-RED', warehouse)).toBe(5);
  });

  it('answers a retry with the same idempotency key with the first outcome, and refuses the key for other input', async () => {
    const { shop, warehouse } = await shopWithStock();
    const input = setInput([{ ...ids(shop, 'MUG-RED', warehouse), quantity: 8, changeFromQuantity: 5 }]);
    const first = await gql(shop, SET, { key: 'same', input });
    shop.adminSetAvailable('MUG-RED', 6, warehouse);
    const retry = await gql(shop, SET, { key: 'same', input });
    expect(retry.body.data).toEqual(first.body.data);
    expect(shop.available('MUG-RED', warehouse)).toBe(6);
    const other = await gql(shop, SET, { key: 'same', input: setInput([{ ...ids(shop, 'MUG-RED', warehouse), quantity: 2, changeFromQuantity: 6 }]) });
    expect((other.body.data!.inventorySetQuantities as { userErrors: Array<{ code: string }> }).userErrors[0]?.code).toBe('IDEMPOTENCY_KEY_PARAMETER_MISMATCH');
    expect(shop.calls.map((c) => c.variables.key)).toEqual(['same', 'same', 'same']);
  });
});
