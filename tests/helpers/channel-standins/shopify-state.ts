/**
 * The shop behind the Shopify stand-in: locations, products with variants, one inventory item per
 * variant, and an inventory level per (item, location) holding the named quantities Shopify keeps
 * (available, committed, reserved, damaged, quality_control, safety_stock, incoming; on_hand is the
 * sum of all but incoming, per "Inventory states" in shopify.dev/docs/apps/build/orders-fulfillment/
 * inventory-management-apps). Tests seed it, change it "in the Shopify admin" and read it back.
 */

export const QUANTITY_NAMES = ['available', 'committed', 'reserved', 'damaged', 'quality_control', 'safety_stock', 'incoming', 'on_hand'] as const;
export type QuantityName = (typeof QUANTITY_NAMES)[number];

export type Level = {
  id: number;
  itemId: number;
  locationId: number;
  available: number;
  committed: number;
  reserved: number;
  damaged: number;
  quality_control: number;
  safety_stock: number;
  incoming: number;
  updatedAt: string;
};

export type ShopLocation = { id: number; name: string; isActive: boolean; fulfillsOnlineOrders: boolean };
export type ShopProduct = { id: number; title: string; handle: string; status: 'ACTIVE' | 'ARCHIVED' | 'DRAFT' };
export type ShopVariant = { id: number; productId: number; title: string; sku: string | null; inventoryItemId: number; updatedAt: string };
export type ShopItem = { id: number; variantId: number; tracked: boolean; updatedAt: string };

export type VariantSeed = {
  sku: string | null;
  title?: string;
  tracked?: boolean;
  /** Available quantity per location id; a location left out has no level (the item is not stocked there). */
  available?: Record<number, number>;
  committed?: Record<number, number>;
};

/** Why a quantity changed, for the echo webhook and the test's assertions. */
export type QuantityChange = { level: Level; name: 'available' | 'on_hand'; before: number; after: number; by: 'api' | 'admin' };

export type ShopState = {
  locations: Map<number, ShopLocation>;
  products: Map<number, ShopProduct>;
  variants: Map<number, ShopVariant>;
  items: Map<number, ShopItem>;
  levels: Map<string, Level>;
  addLocation(name: string, options?: { isActive?: boolean }): ShopLocation;
  addProduct(title: string, variants: VariantSeed[]): { product: ShopProduct; variants: ShopVariant[] };
  level(itemId: number, locationId: number): Level | undefined;
  /** Every level of an inventory item (one per location it is stocked at). */
  levelsOf(itemId: number): Level[];
  variantBySku(sku: string): ShopVariant | undefined;
  onHand(level: Level): number;
  /** Sets a named quantity (available or on_hand), keeping on_hand = available + the others. */
  setQuantity(level: Level, name: 'available' | 'on_hand', quantity: number, by: 'api' | 'admin'): QuantityChange[];
  listeners: Array<(change: QuantityChange) => void>;
};

export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id of a gid of the given type, or null (a malformed or foreign id). */
export function parseGid(value: string, type: string): number | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  if (!match || match[1] !== type) return null;
  return Number(match[2]);
}

const levelKey = (itemId: number, locationId: number) => `${itemId}:${locationId}`;

export function createShopState(): ShopState {
  // Ids grow like Shopify's: large, unrelated numbers per type, so code that confuses them fails.
  const counters: Record<string, number> = { Location: 70_000_000, Product: 8_000_000_000, ProductVariant: 45_000_000_000, InventoryItem: 47_000_000_000, InventoryLevel: 120_000_000_000 };
  const next = (type: string) => (counters[type] = (counters[type] ?? 0) + 1);
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  // Indexes, so a catalogue of 10,000 SKUs answers as fast as a small one.
  const bySku = new Map<string, ShopVariant>();
  const byItem = new Map<number, Level[]>();

  const state: ShopState = {
    locations: new Map(),
    products: new Map(),
    variants: new Map(),
    items: new Map(),
    levels: new Map(),
    listeners: [],
    addLocation(name, options = {}) {
      const location: ShopLocation = { id: next('Location'), name, isActive: options.isActive ?? true, fulfillsOnlineOrders: true };
      state.locations.set(location.id, location);
      return location;
    },
    addProduct(title, seeds) {
      const product: ShopProduct = { id: next('Product'), title, handle: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'), status: 'ACTIVE' };
      state.products.set(product.id, product);
      const variants = seeds.map((seed) => {
        const itemId = next('InventoryItem');
        const variant: ShopVariant = { id: next('ProductVariant'), productId: product.id, title: seed.title ?? 'Default Title', sku: seed.sku, inventoryItemId: itemId, updatedAt: now() };
        state.variants.set(variant.id, variant);
        if (variant.sku !== null && !bySku.has(variant.sku)) bySku.set(variant.sku, variant);
        state.items.set(itemId, { id: itemId, variantId: variant.id, tracked: seed.tracked ?? true, updatedAt: now() });
        for (const [locationId, available] of Object.entries(seed.available ?? {})) {
          if (!state.locations.has(Number(locationId))) throw new Error(`shopify stand-in: no location ${locationId}`);
          const level: Level = {
            id: next('InventoryLevel'),
            itemId,
            locationId: Number(locationId),
            available,
            committed: seed.committed?.[Number(locationId)] ?? 0,
            reserved: 0,
            damaged: 0,
            quality_control: 0,
            safety_stock: 0,
            incoming: 0,
            updatedAt: now(),
          };
          state.levels.set(levelKey(itemId, level.locationId), level);
          byItem.set(itemId, [...(byItem.get(itemId) ?? []), level]);
        }
        return variant;
      });
      return { product, variants };
    },
    level: (itemId, locationId) => state.levels.get(levelKey(itemId, locationId)),
    levelsOf: (itemId) => byItem.get(itemId) ?? [],
    variantBySku: (sku) => bySku.get(sku),
    onHand: (l) => l.available + l.committed + l.reserved + l.damaged + l.quality_control + l.safety_stock,
    setQuantity(level, name, quantity, by) {
      const beforeAvailable = level.available;
      const beforeOnHand = state.onHand(level);
      const delta = name === 'available' ? quantity - beforeAvailable : quantity - beforeOnHand;
      // Setting either moves both: the units that are not committed/reserved/... are the available ones.
      level.available += delta;
      if (delta !== 0) level.updatedAt = now();
      const changes: QuantityChange[] = [
        { level, name: 'available', before: beforeAvailable, after: level.available, by },
        { level, name: 'on_hand', before: beforeOnHand, after: state.onHand(level), by },
      ];
      if (delta !== 0) for (const listener of state.listeners) listener(changes[0]!);
      return changes;
    },
  };
  return state;
}
