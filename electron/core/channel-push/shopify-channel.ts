/**
 * Shopify (Admin GraphQL API 2026-10): quantities are set with `inventorySetQuantities` (name
 * `available`), up to 250 a call, each with `changeFromQuantity` — the quantity Stockfeed last knew
 * the shop had — and the `@idempotent(key:)` directive, whose key is derived from the batch's pushes,
 * their sequence numbers and the input, so a call repeated after a crash is applied once. A stale
 * compare-and-swap means someone changed the count in Shopify: the quantity is read back, recorded
 * as drift, and set anyway (Stockfeed is the source of truth).
 */
import { createHash } from 'node:crypto';
import { normaliseSku } from '../../../shared/domain/sku';
import type { Outbound } from '../net/outbound';
import type { ChannelAdapter, ChannelItem, FoundItem, SendItem, SendOutcome, SendResult } from './channel-adapter';
import type { ShopifyConfig } from './channel-config';
import { ChannelError } from './channel-http';
import { ShopifyGraphql } from './shopify-graphql';
import { ShopifyToken } from './shopify-token';
import { canonical, shopifyValue, type ShopifyValue } from './values';

export type ShopifyDeps = { outbound: Outbound; allowPrivateNetwork: boolean; timeoutMs: number };

/** Quantities per inventorySetQuantities call. */
export const SHOPIFY_BATCH = 250;
/** Shopify refuses a query whose requested cost is above 1,000. */
const MAX_QUERY_COST = 1000;
const MUTATION_COST = 10;
const LOCATIONS_TTL_MS = 10 * 60_000;

const SET_QUANTITIES = `mutation SetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;

type Quantity = { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity: number | null };
type UserError = { code: string | null; field: string[] | null; message: string };
type LevelNode = { quantities?: Array<{ name: string; quantity: number }> } | null;
type VariantNode = {
  id: string;
  sku: string | null;
  displayName: string;
  inventoryItem: { id: string; tracked: boolean } & Record<string, LevelNode | string | boolean>;
};

/** `l0: inventoryLevel(locationId: $l0) { … }` for each location, and the matching variables. */
function levelFields(gids: string[]): { fields: string; params: string; variables: Record<string, string> } {
  return {
    fields: gids.map((_, i) => `l${i}: inventoryLevel(locationId: $l${i}) { quantities(names: ["available"]) { name quantity } }`).join(' '),
    params: gids.map((_, i) => `, $l${i}: ID!`).join(''),
    variables: Object.fromEntries(gids.map((gid, i) => [`l${i}`, gid])),
  };
}

function levelsOf(node: Record<string, unknown>, gids: string[]): Record<string, number | null> {
  return Object.fromEntries(
    gids.map((gid, i) => {
      const level = node[`l${i}`] as LevelNode | undefined;
      const available = level?.quantities?.find((q) => q.name === 'available')?.quantity;
      return [gid, available ?? null];
    }),
  );
}

export function createShopifyChannel(config: ShopifyConfig, deps: ShopifyDeps): ChannelAdapter {
  const token = new ShopifyToken(config.auth, deps);
  const graphql = new ShopifyGraphql({ outbound: deps.outbound, url: config.graphqlUrl, token, allowPrivateNetwork: deps.allowPrivateNetwork, timeoutMs: deps.timeoutMs });
  let locations: Array<{ id: string; name: string }> | null = null;
  let locationsAt = 0;
  let single: string | null = null;

  const targets = (): string[] => {
    const mapped = [...new Set(Object.values(config.locations))];
    return mapped.length > 0 ? mapped : single ? [single] : [];
  };

  async function loadLocations(signal: AbortSignal): Promise<Array<{ id: string; name: string }>> {
    // Locations change rarely; read again every few minutes (and by every Connect).
    if (locations && Date.now() - locationsAt < LOCATIONS_TTL_MS) return locations;
    const data = await graphql.run('query Locations { locations(first: 250) { nodes { id name isActive } } }', {}, 252, signal);
    const nodes = ((data.locations as { nodes?: Array<{ id: string; name: string; isActive: boolean }> }).nodes ?? []).filter((l) => l.isActive);
    locations = nodes.map((l) => ({ id: l.id, name: l.name }));
    locationsAt = Date.now();
    return locations;
  }

  async function prepare(signal: AbortSignal): Promise<void> {
    const all = await loadLocations(signal);
    const known = new Set(all.map((l) => l.id));
    const mapped = Object.entries(config.locations);
    for (const [code, gid] of mapped) {
      if (!known.has(gid)) throw new ChannelError(`channels.shopify.locations: ${code} is mapped to ${gid}, which is not an active location of the shop`, 'config');
    }
    if (mapped.length > 0) return;
    if (all.length === 1) {
      single = (all[0] as { id: string }).id;
      return;
    }
    const list = all.map((l) => `${l.name} (${l.id.replace('gid://shopify/Location/', '')})`).join(', ');
    throw new ChannelError(`channels.shopify.locations: the shop has ${all.length} locations (${list}); map each Stockfeed location that sells online to one of them`, 'config');
  }

  /** Reads the available quantity of items at locations: `nodes(ids:)`, as many per call as the cost limit allows. */
  async function readLevels(items: ChannelItem[], gids: string[], signal: AbortSignal): Promise<Map<string, ShopifyValue>> {
    const out = new Map<string, ShopifyValue>();
    if (gids.length === 0) return out;
    const perNode = 1 + 2 * gids.length;
    const size = Math.max(1, Math.min(SHOPIFY_BATCH, Math.floor(MAX_QUERY_COST / perNode)));
    const { fields, params, variables } = levelFields(gids);
    const query = `query Levels($ids: [ID!]!${params}) { nodes(ids: $ids) { ... on InventoryItem { id ${fields} } } }`;
    for (let i = 0; i < items.length; i += size) {
      const chunk = items.slice(i, i + size);
      const data = await graphql.run(query, { ids: chunk.map((it) => it.externalId), ...variables }, chunk.length * perNode, signal);
      const nodes = (data.nodes as Array<Record<string, unknown> | null>) ?? [];
      chunk.forEach((item, j) => {
        const node = nodes[j];
        if (!node) return;
        const levels = levelsOf(node, gids);
        out.set(item.productId, { levels: Object.fromEntries(Object.entries(levels).filter((e): e is [string, number] => e[1] !== null)) });
      });
    }
    return out;
  }

  /** Variants (by page, or those whose SKU is in `query`), with their inventory item and levels at the target locations. */
  async function variants(signal: AbortSignal, query: string | null, onPage: (nodes: VariantNode[]) => void): Promise<void> {
    const gids = targets();
    const perNode = 2 + 2 * gids.length;
    const first = Math.max(1, Math.min(SHOPIFY_BATCH, Math.floor((MAX_QUERY_COST - 2) / perNode)));
    const { fields, params, variables } = levelFields(gids);
    const text = `query Variants($first: Int!, $after: String, $query: String${params}) {
      productVariants(first: $first, after: $after, query: $query) {
        pageInfo { hasNextPage endCursor }
        nodes { id sku displayName inventoryItem { id tracked ${fields} } }
      }
    }`;
    let after: string | null = null;
    for (;;) {
      const data = await graphql.run(text, { first, after, query, ...variables }, 2 + first * perNode, signal);
      const page = data.productVariants as { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: VariantNode[] };
      onPage(page.nodes);
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
      after = page.pageInfo.endCursor;
    }
  }

  function toFound(node: VariantNode): FoundItem {
    const gids = targets();
    const levels = levelsOf(node.inventoryItem as Record<string, unknown>, gids);
    const missing = gids.filter((gid) => levels[gid] === null);
    const names = (gid: string) => locations?.find((l) => l.id === gid)?.name ?? gid;
    const problem = !node.inventoryItem.tracked
      ? 'Shopify does not track its quantity: turn on "Track quantity" for the variant'
      : missing.length > 0
        ? `not stocked at ${missing.map(names).join(', ')} in Shopify: add the location to the variant's inventory`
        : null;
    return {
      sku: node.sku ?? '',
      externalId: node.inventoryItem.id,
      parentId: null,
      external: null,
      title: node.displayName,
      known: { levels: Object.fromEntries(Object.entries(levels).filter((e): e is [string, number] => e[1] !== null)) },
      problem,
    };
  }

  async function send(items: SendItem[], key: string, signal: AbortSignal): Promise<SendResult> {
    const drift = new Map<string, ShopifyValue>();
    const failed = new Map<string, string>();
    let live = items;
    const callsBefore = graphql.calls;
    const quantitiesOf = (list: SendItem[]): Array<Quantity & { productId: string }> =>
      list.flatMap(({ item, value }) =>
        Object.entries((value as ShopifyValue).levels).map(([gid, quantity]) => {
          const known = (drift.get(item.productId) ?? (item.known as ShopifyValue | null))?.levels?.[gid];
          return { productId: item.productId, inventoryItemId: item.externalId, locationId: gid, quantity, changeFromQuantity: typeof known === 'number' ? known : null };
        }),
      );
    // A stale compare-and-swap is read back and sent again; more than a few rounds means the shop keeps changing under us.
    for (let round = 0; round < 4 && live.length > 0; round++) {
      const quantities = quantitiesOf(live);
      const input = { name: 'available', reason: 'correction', quantities: quantities.map(({ productId: _p, ...q }) => q) };
      const idempotencyKey = `stockfeed-${createHash('sha256').update(key).update(canonical(input)).digest('hex').slice(0, 48)}`;
      let data: Record<string, unknown>;
      try {
        data = await graphql.run(SET_QUANTITIES, { input, key: idempotencyKey }, MUTATION_COST, signal);
      } catch (error) {
        if (error instanceof ChannelError && error.kind !== 'items') return { outcomes: failedOutcomes(failed), calls: graphql.calls - callsBefore, stopped: error };
        const message = error instanceof Error ? error.message : String(error);
        for (const { item } of live) failed.set(item.productId, message);
        break;
      }
      const payload = data.inventorySetQuantities as { userErrors: UserError[] } | null;
      const errors = payload?.userErrors ?? [];
      if (errors.length === 0) break;
      const stale = new Set<string>();
      for (const error of errors) {
        const index = error.field?.[0] === 'input' && error.field[1] === 'quantities' ? Number(error.field[2]) : Number.NaN;
        const quantity = Number.isInteger(index) ? quantities[index] : undefined;
        if (!quantity) {
          // Not about one quantity: the whole call was refused.
          for (const { item } of live) failed.set(item.productId, `${error.code ?? 'ERROR'}: ${error.message}`);
          continue;
        }
        if (error.code === 'CHANGE_FROM_QUANTITY_STALE') stale.add(quantity.productId);
        else failed.set(quantity.productId, `${error.code ?? 'ERROR'}: ${error.message}`);
      }
      if (stale.size > 0) {
        const staleItems = live.filter((s) => stale.has(s.item.productId)).map((s) => s.item);
        const gids = [...new Set(quantities.filter((q) => stale.has(q.productId)).map((q) => q.locationId))];
        const read = await readLevels(staleItems, gids, signal);
        for (const item of staleItems) {
          const before = drift.get(item.productId) ?? (item.known as ShopifyValue | null) ?? { levels: {} };
          drift.set(item.productId, { levels: { ...before.levels, ...(read.get(item.productId)?.levels ?? {}) } });
        }
      }
      // All or nothing per call: what was not refused goes again, without the refused items.
      live = live.filter((s) => !failed.has(s.item.productId));
      if (round === 3) for (const { item } of live) failed.set(item.productId, 'CHANGE_FROM_QUANTITY_STALE: the quantity kept changing in Shopify while Stockfeed set it');
    }
    const outcomes: SendOutcome[] = failedOutcomes(failed);
    for (const { item, value } of items) {
      if (failed.has(item.productId)) continue;
      const levels = (value as ShopifyValue).levels;
      outcomes.push({
        productId: item.productId,
        ok: true,
        value,
        drift: drift.get(item.productId) ?? null,
        slots: Object.entries(levels).map(([slot, n]) => ({ slot, value: n })),
      });
    }
    return { outcomes, calls: graphql.calls - callsBefore, stopped: null };
  }

  return {
    channel: 'shopify',
    capacity: SHOPIFY_BATCH,
    weight: (value) => Math.max(1, Object.keys((value as ShopifyValue).levels).length),
    prepare,
    value: (product, levels, ctx) => shopifyValue(product, levels, ctx, config.locations, single),
    async lookup(skus, signal) {
      const found = new Map<string, FoundItem>();
      const duplicates = new Set<string>();
      const before = graphql.calls;
      const wanted = new Set(skus);
      for (let i = 0; i < skus.length; i += 50) {
        const chunk = skus.slice(i, i + 50);
        const query = chunk.map((sku) => `sku:"${sku.replace(/["\\]/g, '\\$&')}"`).join(' OR ');
        await variants(signal, query, (nodes) => {
          for (const node of nodes) {
            const sku = normaliseSku(node.sku ?? '');
            if (!wanted.has(sku)) continue;
            if (found.has(sku) || duplicates.has(sku)) {
              found.delete(sku);
              duplicates.add(sku);
            } else found.set(sku, toFound(node));
          }
        });
      }
      return { found, duplicates, calls: graphql.calls - before };
    },
    send,
    async read(items, signal) {
      return readLevels(items, targets(), signal);
    },
    async catalogue(signal) {
      locations = null;
      await prepare(signal);
      const items: FoundItem[] = [];
      await variants(signal, null, (nodes) => items.push(...nodes.map(toFound)));
      return { items, locations: locations ?? [] };
    },
    describeSlot: (gid) => locations?.find((l) => l.id === gid)?.name ?? gid.replace('gid://shopify/Location/', '#'),
  };

  function failedOutcomes(failed: Map<string, string>): SendOutcome[] {
    return [...failed].map(([productId, error]) => ({ productId, ok: false as const, error: error.slice(0, 500) }));
  }
}
