/**
 * A local stand-in for Shopify's Admin GraphQL API (version 2026-10), started by the tests on
 * 127.0.0.1. Production code talks to it exactly as to a shop: POST {url}/admin/api/2026-10/graphql.json
 * with X-Shopify-Access-Token; only the base URL differs.
 *
 * Shapes from shopify.dev (read for 2026-10): the GraphQL Admin API reference (schema in
 * shopify-schema.ts), "GraphQL Admin API rate limits" and "Shopify API limits" (costs, the 1,000
 * single-query limit, THROTTLED answered with HTTP 200 and no data, 250-element input arrays), the
 * changelogs "Making changeFromQuantity field required" and "Making idempotency mandatory for
 * inventory adjustments" (2026-04), "Webhooks: delivery structure" (headers, base64 HMAC-SHA256 of the
 * raw body with the app's client secret) and the inventory_levels/update sample payload.
 * Not confirmed from a live shop: the exact wording of THROTTLED's siblings (the 401 body and the
 * MAX_COST_EXCEEDED message are as captured by public clients), the INVALID_FIELD_ARGUMENTS and
 * BAD_REQUEST messages for a missing changeFromQuantity / @idempotent (quoted in a public issue),
 * and the Standard plan's bucket size (see shopify-cost.ts).
 */
import crypto from 'node:crypto';
import { execute, getOperationAST, getVariableValues, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { createEchoSender, hmacBase64, type EchoSender } from './echo-webhooks';
import { json, startHttpStandIn, type ApiAnswer, type Faults, type HttpStandIn, type RecordedRequest } from './http-standin';
import { createBucket, operationCost, SINGLE_QUERY_MAX_COST, type Bucket } from './shopify-cost';
import { createRoot, RequestError, type ResolverContext } from './shopify-resolvers';
import { SHOPIFY_API_VERSION, shopifySchema } from './shopify-schema';
import { createShopState, type QuantityChange, type ShopState } from './shopify-state';
import { createTokenIssuer, type TokenIssuer } from './shopify-token';

export type ShopifyStandInOptions = {
  accessToken?: string;
  shopDomain?: string;
  /** The app's client secret: signs the webhooks. */
  appSecret?: string;
  /** Leaky bucket; defaults 2,000 points restored at 100/s (Standard plan, see shopify-cost.ts). */
  bucket?: { maximumAvailable?: number; restoreRate?: number };
  /** 2026-04 and later refuse inventorySetQuantities without @idempotent (default true). */
  requireIdempotency?: boolean;
  /** The Dev Dashboard app's credentials for the client credentials grant (random when absent). */
  clientId?: string;
  clientSecret?: string;
  /** Seconds a token from the grant lasts (Shopify: 86399). */
  tokenLifetimeSeconds?: number;
  /** False: the shop is outside the app's organization, and the grant answers shop_not_permitted. */
  clientCredentialsPermitted?: boolean;
};

/** One GraphQL call as the stand-in understood it. */
export type GraphqlCall = {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  requestedCost: number | null;
  actualCost: number | null;
  throttled: boolean;
  errors: string[];
  response: unknown;
};

export type ShopifyStandIn = {
  /** The shop's base URL (what production stores as the shop address). */
  url: string;
  graphqlUrl: string;
  apiVersion: string;
  shopDomain: string;
  accessToken: string;
  appSecret: string;
  /** The client credentials grant: POST /admin/oauth/access_token with these gives a token. */
  clientId: string;
  clientSecret: string;
  /** Tokens issued by the grant: lifetime, what was handed out, revoke them all. */
  tokens: TokenIssuer;
  /** Seed and inspect: locations, products, variants, inventory levels. */
  shop: ShopState;
  bucket: Bucket;
  calls: GraphqlCall[];
  /** Echo webhooks: set `webhooks.url` to receive inventory_levels/update on every change. */
  webhooks: EchoSender;
  /** The available quantity of a SKU at a location (the first location by default). */
  available(sku: string, locationId?: number): number | undefined;
  /** A merchant's edit in the Shopify admin: the next compare-and-swap against the old value is stale. */
  adminSetAvailable(sku: string, quantity: number, locationId?: number): void;
  faults: Faults;
  requests: RecordedRequest[];
  http: HttpStandIn;
  close(): Promise<void>;
};

const INVALID_TOKEN = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const DOCS = 'https://shopify.dev/api/usage/rate-limits';

/** graphql-js says `Cannot query field "x" on type "Y".`; Shopify (graphql-ruby) says it its own way. */
function shopifyStyle(error: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = { message: error.message, locations: error.locations };
  const undefinedField = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(error.message);
  if (undefinedField) {
    out.message = `Field '${undefinedField[1]}' doesn't exist on type '${undefinedField[2]}'`;
    out.extensions = { code: 'undefinedField', typeName: undefinedField[2], fieldName: undefinedField[1] };
  }
  return out;
}

export async function startShopifyStandIn(options: ShopifyStandInOptions = {}): Promise<ShopifyStandIn> {
  const schema = shopifySchema();
  const state = createShopState();
  const bucket = createBucket(options.bucket?.maximumAvailable ?? 2000, options.bucket?.restoreRate ?? 100);
  const calls: GraphqlCall[] = [];
  const webhooks = createEchoSender();
  const accessToken = options.accessToken ?? `shpat_${crypto.randomBytes(16).toString('hex')}`;
  const appSecret = options.appSecret ?? crypto.randomBytes(16).toString('hex');
  const shopDomain = options.shopDomain ?? 'stockfeed-test.myshopify.com';
  const tokens = createTokenIssuer({ clientId: options.clientId, clientSecret: options.clientSecret, lifetimeSeconds: options.tokenLifetimeSeconds, permitted: options.clientCredentialsPermitted });
  let groupId = 90_000_000_000;
  const context: ResolverContext = {
    state,
    schema,
    requireIdempotency: options.requireIdempotency ?? true,
    idempotency: new Map(),
    nextGroupId: () => (groupId += 1),
  };
  const root = createRoot(context);

  state.listeners.push((change: QuantityChange) => {
    if (!webhooks.url) return;
    const { level } = change;
    const body = JSON.stringify({
      inventory_item_id: level.itemId,
      location_id: level.locationId,
      available: level.available,
      updated_at: level.updatedAt,
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.id}?inventory_item_id=${level.itemId}`,
    });
    webhooks.send('inventory_levels/update', {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': 'inventory_levels/update',
      'X-Shopify-Hmac-Sha256': hmacBase64(appSecret, body),
      'X-Shopify-Shop-Domain': shopDomain,
      'X-Shopify-Webhook-Id': crypto.randomUUID(),
      'X-Shopify-Triggered-At': new Date().toISOString(),
      'X-Shopify-Event-Id': crypto.randomUUID(),
      'X-Shopify-API-Version': SHOPIFY_API_VERSION,
    }, body);
  });

  function graphql(request: RecordedRequest): ApiAnswer {
    if (request.path === '/admin/oauth/access_token') return tokens.handle(request);
    const match = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(request.path);
    if (!match || match[1] !== SHOPIFY_API_VERSION) return json(404, { errors: 'Not Found' });
    if (request.method !== 'POST') return json(405, { errors: 'Method Not Allowed' });
    // The custom app's permanent token, or one from the client credentials grant until it expires.
    const presented = request.headers['x-shopify-access-token'];
    const token = Array.isArray(presented) ? presented[0] : presented;
    if (token !== accessToken && !tokens.valid(token)) return json(401, INVALID_TOKEN);
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      return json(400, { errors: { query: 'Required parameter missing or invalid' } });
    }
    if (typeof body.query !== 'string') return json(400, { errors: { query: 'Required parameter missing or invalid' } });
    const call: GraphqlCall = {
      query: body.query,
      variables: (body.variables ?? {}) as Record<string, unknown>,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
      requestedCost: null,
      actualCost: null,
      throttled: false,
      errors: [],
      response: null,
    };
    calls.push(call);
    const answer = (value: Record<string, unknown>): ApiAnswer => {
      call.response = value;
      call.errors = ((value.errors as Array<{ message: string }> | undefined) ?? []).map((e) => e.message);
      return json(200, value);
    };

    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return answer({ errors: [shopifyStyle(error as GraphQLError)] });
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return answer({ errors: invalid.map(shopifyStyle) });
    const operation = getOperationAST(document, call.operationName);
    if (!operation) return answer({ errors: [{ message: 'An operation name is required' }] });
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], call.variables);
    if (coerced.errors) return answer({ errors: coerced.errors.map((e) => ({ ...shopifyStyle(e), extensions: { code: 'INVALID_VARIABLE' } })) });

    let cost;
    try {
      cost = operationCost(schema, document, operation, coerced.coerced);
    } catch (error) {
      return answer({ errors: [{ message: (error as Error).message }] });
    }
    call.requestedCost = cost.requested;
    if (cost.requested > SINGLE_QUERY_MAX_COST) {
      return answer({
        errors: [{
          message: `Query cost is ${cost.requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: cost.requested, maxCost: SINGLE_QUERY_MAX_COST, documentation: DOCS },
        }],
      });
    }
    if (!bucket.take(cost.requested)) {
      call.throttled = true;
      return answer({
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: DOCS } }],
        extensions: { cost: { requestedQueryCost: cost.requested, actualQueryCost: null, throttleStatus: bucket.status() } },
      });
    }
    const result = execute({ schema, document, rootValue: root, variableValues: call.variables, operationName: call.operationName }) as ExecutionResult;
    const requestErrors = (result.errors ?? []).filter((e) => e.originalError instanceof RequestError);
    if (requestErrors.length > 0) {
      const [error] = requestErrors as [GraphQLError];
      const first = error.originalError as RequestError;
      return answer({
        errors: [{ message: first.message, locations: error.locations, path: first.errorPath ?? error.path, extensions: { code: first.code } }],
        extensions: { cost: { requestedQueryCost: cost.requested, actualQueryCost: cost.requested, throttleStatus: bucket.status() } },
      });
    }
    const actual = cost.actual(result.data);
    call.actualCost = actual;
    bucket.refund(cost.requested - actual);
    const response: Record<string, unknown> = { data: result.data };
    if (result.errors?.length) response.errors = result.errors.map(shopifyStyle);
    response.extensions = { cost: { requestedQueryCost: cost.requested, actualQueryCost: actual, throttleStatus: bucket.status() } };
    return answer(response);
  }

  const http = await startHttpStandIn(graphql);
  const firstLocation = () => {
    const [first] = state.locations.keys();
    if (first === undefined) throw new Error('shopify stand-in: add a location first');
    return first;
  };
  const levelOf = (sku: string, locationId?: number) => {
    const variant = state.variantBySku(sku);
    if (!variant) throw new Error(`shopify stand-in: no variant with SKU ${sku}`);
    return state.level(variant.inventoryItemId, locationId ?? firstLocation());
  };

  return {
    url: http.url,
    graphqlUrl: `${http.url}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`,
    apiVersion: SHOPIFY_API_VERSION,
    shopDomain,
    accessToken,
    appSecret,
    clientId: tokens.clientId,
    clientSecret: tokens.clientSecret,
    tokens,
    shop: state,
    bucket,
    calls,
    webhooks,
    available: (sku, locationId) => levelOf(sku, locationId)?.available,
    adminSetAvailable(sku, quantity, locationId) {
      const level = levelOf(sku, locationId);
      if (!level) throw new Error(`shopify stand-in: ${sku} is not stocked at that location`);
      state.setQuantity(level, 'available', quantity, 'admin');
    },
    faults: http.faults,
    requests: http.requests,
    http,
    async close() {
      await webhooks.settled();
      await http.close();
    },
  };
}
