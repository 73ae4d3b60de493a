/**
 * Resolvers for the Shopify stand-in's schema: the shop's state seen through Shopify's object shapes
 * (gids, connections with cursors and pageInfo, named quantities), and `inventorySetQuantities` with
 * the rules of the 2026-04+ reference page: every quantity must state `changeFromQuantity` (null opts
 * out of the compare-and-swap), a stale one fails with CHANGE_FROM_QUANTITY_STALE, `@idempotent(key:)`
 * is required, and nothing is applied when any quantity is refused (userErrors, no adjustment group).
 */
import { getDirectiveValues, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { gid, parseGid, type Level, type ShopItem, type ShopLocation, type ShopState, type ShopVariant } from './shopify-state';

/** An error Shopify reports for the whole request (top-level `errors`, no `data`). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    // Not `path`: graphql-js would take an error with a `path` array for an already located GraphQLError.
    readonly errorPath?: string[],
  ) {
    super(message);
  }
}

const MAX_PAGE = 250;
const MAX_INPUT_ARRAY = 250;
/** "Set inventory quantities on hand" reasons, shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps/manage-quantities-states. */
const REASONS = new Set(['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage']);
/** Messages of InventorySetQuantitiesUserErrorCode (2026-10 reference). */
const MESSAGES: Record<string, string> = {
  CHANGE_FROM_QUANTITY_STALE: 'The changeFromQuantity value does not match persisted value.',
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: 'The same idempotency key cannot be used with different operation parameters.',
  INVALID_INVENTORY_ITEM: 'The specified inventory item could not be found.',
  INVALID_LOCATION: 'The specified location could not be found.',
  INVALID_NAME: "The quantity name must be either 'available' or 'on_hand'.",
  INVALID_QUANTITY_NEGATIVE: "The quantity can't be negative.",
  INVALID_QUANTITY_TOO_HIGH: "The total quantity can't be higher than 1,000,000,000.",
  INVALID_QUANTITY_TOO_LOW: "The total quantity can't be lower than -1,000,000,000.",
  INVALID_REASON: 'The specified reason is invalid.',
  INVALID_REFERENCE_DOCUMENT: 'The specified reference document is invalid.',
  ITEM_NOT_STOCKED_AT_LOCATION: 'The specified inventory item is not stocked at the location.',
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR: 'The combination of inventoryItemId and locationId must be unique.',
};

type QuantityInput = { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null };
type SetInput = { name: string; reason: string; referenceDocumentUri?: string | null; quantities: QuantityInput[] };
type UserError = { code: string; field: string[] | null; message: string };
type Change = { name: string; delta: number; quantityAfterChange: number; itemId: number; locationId: number };
type Group = { id: number; createdAt: string; reason: string; referenceDocumentUri: string | null; changes: Change[] };
type Payload = { group: Group | null; userErrors: UserError[] };

export type ResolverContext = {
  state: ShopState;
  schema: GraphQLSchema;
  requireIdempotency: boolean;
  idempotency: Map<string, { params: string; payload: Payload }>;
  nextGroupId(): number;
};

type PageArgs = { first?: number | null; after?: string | null; last?: number | null; before?: string | null; reverse?: boolean; query?: string | null };

const cursorOf = (id: number) => Buffer.from(JSON.stringify({ last_id: id })).toString('base64url');
const idOfCursor = (cursor: string): number => {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { last_id?: unknown };
    if (typeof parsed.last_id === 'number') return parsed.last_id;
  } catch {
    // fall through
  }
  throw new RequestError(`Invalid cursor for current pagination sort.`, 'BAD_REQUEST');
};

/** A Relay connection over items sorted by id, as Shopify pages them. */
function connection<T>(all: Array<{ id: number; value: T }>, args: PageArgs, view: (value: T) => unknown) {
  if (args.first == null && args.last == null) throw new RequestError('you must provide one of first or last', 'BAD_REQUEST');
  const size = (args.first ?? args.last) as number;
  if (size > MAX_PAGE || size < 0) throw new RequestError(`The maximum number of items that can be requested is ${MAX_PAGE}.`, 'BAD_REQUEST');
  let list = [...all].sort((a, b) => a.id - b.id);
  if (args.reverse) list.reverse();
  const beforeCount = list.length;
  if (args.after) {
    const after = idOfCursor(args.after);
    list = list.filter((e) => (args.reverse ? e.id < after : e.id > after));
  }
  const skipped = beforeCount - list.length;
  if (args.before) {
    const before = idOfCursor(args.before);
    list = list.filter((e) => (args.reverse ? e.id > before : e.id < before));
  }
  const page = args.first != null ? list.slice(0, size) : list.slice(Math.max(0, list.length - size));
  const hasNextPage = args.first != null ? list.length > page.length : Boolean(args.before);
  const hasPreviousPage = args.first != null ? skipped > 0 : list.length > page.length;
  return {
    edges: page.map((e) => ({ cursor: cursorOf(e.id), node: view(e.value) })),
    nodes: page.map((e) => view(e.value)),
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: page[0] ? cursorOf(page[0].id) : null, endCursor: page.at(-1) ? cursorOf(page.at(-1)!.id) : null },
  };
}

/** Shopify search syntax, the part Stockfeed uses: `sku:A`, `sku:"A B"`, `sku:AB*`, joined by OR. */
function searchFilter(query: string | null | undefined): ((fields: Record<string, string | null>) => boolean) | null {
  if (!query || query.trim() === '') return null;
  const terms = query.split(/\s+OR\s+/).map((term) => {
    const match = /^\s*([a-z_]+):(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*$/.exec(term);
    if (!match) return { field: 'default', value: term.trim().toLowerCase() };
    return { field: match[1] ?? 'default', value: (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1').toLowerCase() };
  });
  return (fields) =>
    terms.some(({ field, value }) => {
      if (!(field in fields)) return true; // Shopify ignores filters it does not know.
      const actual = (fields[field] ?? '').toLowerCase();
      return value.endsWith('*') ? actual.startsWith(value.slice(0, -1)) : actual === value;
    });
}

export function createViews(ctx: ResolverContext) {
  const { state } = ctx;
  const levelsOf = (itemId: number) => state.levelsOf(itemId);
  const quantity = (level: Level, name: string): number => {
    if (name === 'on_hand') return state.onHand(level);
    if (!(name in level) || name === 'id' || name === 'itemId' || name === 'locationId' || name === 'updatedAt') throw new RequestError(`Invalid quantity name: '${name}'.`, 'BAD_REQUEST');
    return level[name as keyof Level] as number;
  };

  const location = (l: ShopLocation): unknown => ({
    __typename: 'Location',
    id: gid('Location', l.id),
    name: l.name,
    isActive: l.isActive,
    fulfillsOnlineOrders: l.fulfillsOnlineOrders,
    inventoryLevel: ({ inventoryItemId }: { inventoryItemId: string }) => {
      const itemId = parseGid(inventoryItemId, 'InventoryItem');
      const found = itemId === null ? undefined : state.level(itemId, l.id);
      return found ? level(found) : null;
    },
  });
  const product = (id: number): unknown => {
    const p = state.products.get(id)!;
    return { __typename: 'Product', id: gid('Product', p.id), title: p.title, handle: p.handle, status: p.status };
  };
  const variant = (v: ShopVariant): unknown => ({
    __typename: 'ProductVariant',
    id: gid('ProductVariant', v.id),
    sku: v.sku,
    title: v.title,
    displayName: `${state.products.get(v.productId)!.title} - ${v.title}`,
    legacyResourceId: String(v.id),
    inventoryQuantity: levelsOf(v.inventoryItemId).reduce((sum, l) => sum + l.available, 0),
    product: () => product(v.productId),
    inventoryItem: () => item(state.items.get(v.inventoryItemId)!),
    updatedAt: v.updatedAt,
  });
  const item = (i: ShopItem): unknown => ({
    __typename: 'InventoryItem',
    id: gid('InventoryItem', i.id),
    sku: state.variants.get(i.variantId)!.sku,
    tracked: i.tracked,
    legacyResourceId: String(i.id),
    variant: () => variant(state.variants.get(i.variantId)!),
    inventoryLevel: ({ locationId }: { locationId: string }) => {
      const id = parseGid(locationId, 'Location');
      const found = id === null ? undefined : state.level(i.id, id);
      return found ? level(found) : null;
    },
    inventoryLevels: (args: PageArgs) => connection(levelsOf(i.id).map((l) => ({ id: l.id, value: l })), args, level),
    updatedAt: i.updatedAt,
  });
  const level = (l: Level): unknown => ({
    __typename: 'InventoryLevel',
    id: `gid://shopify/InventoryLevel/${l.id}?inventory_item_id=${l.itemId}`,
    item: () => item(state.items.get(l.itemId)!),
    location: () => location(state.locations.get(l.locationId)!),
    quantities: ({ names }: { names: string[] }) =>
      names.map((name) => ({ __typename: 'InventoryQuantity', id: `gid://shopify/InventoryQuantity/${l.id}?inventory_item_id=${l.itemId}&name=${name}`, name, quantity: quantity(l, name), updatedAt: l.updatedAt })),
    updatedAt: l.updatedAt,
  });
  const group = (g: Group): unknown => ({
    __typename: 'InventoryAdjustmentGroup',
    id: gid('InventoryAdjustmentGroup', g.id),
    createdAt: g.createdAt,
    reason: g.reason,
    referenceDocumentUri: g.referenceDocumentUri,
    changes: (args: { inventoryItemIds?: string[] | null; locationIds?: string[] | null; quantityNames?: string[] | null }) =>
      g.changes
        .filter((c) => !args.inventoryItemIds || args.inventoryItemIds.includes(gid('InventoryItem', c.itemId)))
        .filter((c) => !args.locationIds || args.locationIds.includes(gid('Location', c.locationId)))
        .filter((c) => !args.quantityNames || args.quantityNames.includes(c.name))
        .map((c) => ({ name: c.name, delta: c.delta, quantityAfterChange: c.quantityAfterChange, ledgerDocumentUri: null, item: () => item(state.items.get(c.itemId)!), location: () => location(state.locations.get(c.locationId)!) })),
  });
  const node = (id: string): unknown => {
    const [type, n] = [/^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1] ?? '', Number(/\/(\d+)/.exec(id)?.[1])];
    if (type === 'Location' && state.locations.has(n)) return location(state.locations.get(n)!);
    if (type === 'Product' && state.products.has(n)) return product(n);
    if (type === 'ProductVariant' && state.variants.has(n)) return variant(state.variants.get(n)!);
    if (type === 'InventoryItem' && state.items.has(n)) return item(state.items.get(n)!);
    if (type === 'InventoryLevel') {
      const found = [...state.levels.values()].find((l) => l.id === n);
      return found ? level(found) : null;
    }
    return null;
  };
  return { location, variant, item, level, group, node };
}

function validReferenceUri(uri: string): boolean {
  if (uri.startsWith('gid://')) return /^gid:\/\/[^/\s]+\/[^/\s]+\/\S+$/.test(uri);
  return /^[a-z][a-z0-9+.-]*:\S+$/i.test(uri);
}

/** Validates every quantity first; applies all of them only when none is refused. */
function setQuantities(ctx: ResolverContext, input: SetInput): Payload {
  const { state } = ctx;
  const errors: UserError[] = [];
  const refuse = (code: string, field: string[]) => errors.push({ code, field, message: MESSAGES[code] ?? code });
  if (input.name !== 'available' && input.name !== 'on_hand') refuse('INVALID_NAME', ['input', 'name']);
  if (!REASONS.has(input.reason)) refuse('INVALID_REASON', ['input', 'reason']);
  if (input.referenceDocumentUri != null && !validReferenceUri(input.referenceDocumentUri)) refuse('INVALID_REFERENCE_DOCUMENT', ['input', 'referenceDocumentUri']);
  const seen = new Set<string>();
  const targets: Array<{ level: Level; quantity: number }> = [];
  input.quantities.forEach((q, i) => {
    const at = (...rest: string[]) => ['input', 'quantities', String(i), ...rest];
    const itemId = parseGid(q.inventoryItemId, 'InventoryItem');
    const locationId = parseGid(q.locationId, 'Location');
    if (itemId === null || !state.items.has(itemId)) return void refuse('INVALID_INVENTORY_ITEM', at('inventoryItemId'));
    if (locationId === null || !state.locations.has(locationId)) return void refuse('INVALID_LOCATION', at('locationId'));
    const pair = `${itemId}:${locationId}`;
    if (seen.has(pair)) return void refuse('NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', at());
    seen.add(pair);
    const level = state.level(itemId, locationId);
    if (!level) return void refuse('ITEM_NOT_STOCKED_AT_LOCATION', at('locationId'));
    if (q.quantity > 1_000_000_000) return void refuse('INVALID_QUANTITY_TOO_HIGH', at('quantity'));
    if (q.quantity < -1_000_000_000) return void refuse('INVALID_QUANTITY_TOO_LOW', at('quantity'));
    if (input.name === 'on_hand' && q.quantity < 0) return void refuse('INVALID_QUANTITY_NEGATIVE', at('quantity'));
    const current = input.name === 'on_hand' ? state.onHand(level) : level.available;
    if (q.changeFromQuantity !== null && q.changeFromQuantity !== undefined && q.changeFromQuantity !== current) return void refuse('CHANGE_FROM_QUANTITY_STALE', at('changeFromQuantity'));
    targets.push({ level, quantity: q.quantity });
  });
  if (errors.length > 0) return { group: null, userErrors: errors };
  const changes: Change[] = [];
  for (const { level, quantity } of targets) {
    for (const change of state.setQuantity(level, input.name as 'available' | 'on_hand', quantity, 'api')) {
      const delta = change.after - change.before;
      if (delta !== 0) changes.push({ name: change.name, delta, quantityAfterChange: change.after, itemId: level.itemId, locationId: level.locationId });
    }
  }
  const group: Group = { id: ctx.nextGroupId(), createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), reason: input.reason, referenceDocumentUri: input.referenceDocumentUri ?? null, changes };
  return { group, userErrors: [] };
}

/** The root value: one function per root field, as graphql-js calls them. */
export function createRoot(ctx: ResolverContext) {
  const views = createViews(ctx);
  const { state } = ctx;
  const payloadView = (p: Payload) => ({ inventoryAdjustmentGroup: p.group ? views.group(p.group) : null, userErrors: p.userErrors });
  return {
    locations: (args: PageArgs & { includeInactive?: boolean }) => {
      const match = searchFilter(args.query);
      const list = [...state.locations.values()].filter((l) => (args.includeInactive || l.isActive) && (!match || match({ name: l.name })));
      return connection(list.map((l) => ({ id: l.id, value: l })), args, views.location);
    },
    location: ({ id }: { id?: string | null }) => {
      const n = id ? parseGid(id, 'Location') : [...state.locations.keys()][0];
      return n != null && state.locations.has(n) ? views.location(state.locations.get(n)!) : null;
    },
    productVariants: (args: PageArgs) => {
      const match = searchFilter(args.query);
      const list = [...state.variants.values()].filter((v) => !match || match({ sku: v.sku, product_id: String(v.productId), id: String(v.id), title: v.title }));
      return connection(list.map((v) => ({ id: v.id, value: v })), args, views.variant);
    },
    productVariant: ({ id }: { id: string }) => views.node(id),
    inventoryItems: (args: PageArgs) => {
      const match = searchFilter(args.query);
      const list = [...state.items.values()].filter((i) => !match || match({ sku: state.variants.get(i.variantId)!.sku, id: String(i.id) }));
      return connection(list.map((i) => ({ id: i.id, value: i })), args, views.item);
    },
    inventoryItem: ({ id }: { id: string }) => views.node(id),
    node: ({ id }: { id: string }) => views.node(id),
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > MAX_INPUT_ARRAY) throw new RequestError(`The input array size of ${ids.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`, 'MAX_INPUT_SIZE_EXCEEDED', ['nodes', 'ids']);
      return ids.map(views.node);
    },
    inventorySetQuantities: ({ input }: { input: SetInput }, _context: unknown, info: GraphQLResolveInfo) => {
      const directive = ctx.schema.getDirective('idempotent');
      const key = directive ? (getDirectiveValues(directive, info.fieldNodes[0]!, info.variableValues)?.key as string | undefined) : undefined;
      if (key === undefined && ctx.requireIdempotency) throw new RequestError('The @idempotent directive is required for this mutation but was not provided.', 'BAD_REQUEST');
      if (key !== undefined && key.trim() === '') throw new RequestError('Idempotency key cannot be an empty string.', 'BAD_REQUEST');
      if (input.quantities.length > MAX_INPUT_ARRAY) {
        throw new RequestError(`The input array size of ${input.quantities.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`, 'MAX_INPUT_SIZE_EXCEEDED', ['inventorySetQuantities', 'input', 'quantities']);
      }
      if (input.quantities.some((q) => !('changeFromQuantity' in q))) throw new RequestError('InventoryQuantityInput must include the following argument: changeFromQuantity.', 'INVALID_FIELD_ARGUMENTS');
      const params = JSON.stringify(input);
      const stored = key === undefined ? undefined : ctx.idempotency.get(key);
      if (stored && stored.params !== params) return payloadView({ group: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: null, message: MESSAGES.IDEMPOTENCY_KEY_PARAMETER_MISMATCH ?? '' }] });
      // A retry with the same key and the same input gets the first outcome, not a second change.
      if (stored) return payloadView(stored.payload);
      const payload = setQuantities(ctx, input);
      if (key !== undefined) ctx.idempotency.set(key, { params, payload });
      return payloadView(payload);
    },
  };
}
