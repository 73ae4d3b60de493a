/**
 * The store behind the WooCommerce stand-in: simple and variable products with their variations,
 * holding stock the way WooCommerce does. The stock rules are WooCommerce's own (woocommerce/
 * includes/abstracts/abstract-wc-product.php `validate_props`, and the REST products controller's
 * `prepare_object_for_database`):
 *  - a product that does not manage stock has no quantity (null) and backorders "no";
 *  - when it manages stock, stock_status follows: quantity above the "out of stock threshold"
 *    (woocommerce_notify_no_stock_amount, default 0) → instock, else backorders allowed →
 *    onbackorder, else outofstock; a stock_status sent with it is overwritten;
 *  - stock_quantity goes through wc_stock_amount (intval), so "abc" becomes 0;
 *  - a variable product's stock_status is derived from its variations (instock if any is, else
 *    onbackorder if any is, else outofstock).
 * Simplified: a variation that does not manage stock while its parent does shows manage_stock
 * "parent" and the parent's quantity, but the parent's quantity is not shared when it is sold.
 */

export type StockStatus = 'instock' | 'outofstock' | 'onbackorder';
export type Backorders = 'no' | 'notify' | 'yes';

export type WooItem = {
  id: number;
  type: 'simple' | 'variable' | 'variation';
  parentId: number;
  name: string;
  sku: string;
  regularPrice: string;
  salePrice: string;
  manageStock: boolean;
  stockQuantity: number | null;
  stockStatus: StockStatus;
  backorders: Backorders | string;
  attributes: Array<{ id: number; name: string; option: string }>;
  children: number[];
  dateCreated: string;
  dateModified: string;
};

export type ItemSeed = {
  name?: string;
  sku: string;
  regular_price?: string;
  sale_price?: string;
  manage_stock?: boolean;
  stock_quantity?: number | null;
  stock_status?: StockStatus;
  backorders?: Backorders;
  attributes?: Array<{ name: string; option: string }>;
};

/** The editable fields Stockfeed may send (REST names), as received. */
export type ItemChanges = Record<string, unknown>;

export type StoreState = {
  items: Map<number, WooItem>;
  /** woocommerce_notify_no_stock_amount. */
  outOfStockThreshold: number;
  addSimple(seed: ItemSeed): WooItem;
  addVariable(seed: Omit<ItemSeed, 'stock_quantity'> & { variations: ItemSeed[] }): { product: WooItem; variations: WooItem[] };
  bySku(sku: string): WooItem | undefined;
  /** Applies REST fields to an item the way WooCommerce saves them; returns an error code or null. */
  update(item: WooItem, changes: ItemChanges, by: 'api' | 'admin'): { code: string; message: string } | null;
  remove(item: WooItem): void;
  listeners: Array<(item: WooItem, by: 'api' | 'admin') => void>;
};

const STATUSES: StockStatus[] = ['instock', 'outofstock', 'onbackorder'];

/** WordPress's local-time format without zone, as the REST API prints date_modified. */
export const wpDate = (d = new Date()) => d.toISOString().slice(0, 19);

/** wc_stock_amount: intval on whatever was sent. */
function stockAmount(value: unknown): number {
  const n = typeof value === 'number' ? value : Number.parseFloat(String(value));
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** wc_string_to_bool. */
function toBool(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === 'string' && ['yes', 'true', '1'].includes(value.toLowerCase()));
}

export function createStoreState(): StoreState {
  let nextId = 100;
  const state: StoreState = {
    items: new Map(),
    outOfStockThreshold: 0,
    listeners: [],
    addSimple(seed) {
      return create('simple', 0, seed);
    },
    addVariable(seed) {
      const product = create('variable', 0, { ...seed, manage_stock: seed.manage_stock ?? false });
      const variations = seed.variations.map((v) => create('variation', product.id, { name: `${product.name} - ${v.attributes?.map((a) => a.option).join(', ') ?? v.sku}`, ...v }));
      product.children = variations.map((v) => v.id);
      syncVariable(product);
      return { product, variations };
    },
    bySku: (sku) => [...state.items.values()].find((i) => i.sku === sku),
    update(item, changes, by) {
      if (changes.sku !== undefined) {
        const sku = String(changes.sku);
        if (sku !== '' && [...state.items.values()].some((other) => other.id !== item.id && other.sku === sku)) {
          return { code: 'product_invalid_sku', message: 'Invalid or duplicated SKU.' };
        }
        item.sku = sku;
      }
      if (changes.name !== undefined && item.type !== 'variation') item.name = String(changes.name);
      if (changes.regular_price !== undefined) item.regularPrice = String(changes.regular_price);
      if (changes.sale_price !== undefined) item.salePrice = String(changes.sale_price);
      // prepare_object_for_database, with the store's "Manage stock" setting on.
      if (changes.manage_stock !== undefined) item.manageStock = toBool(changes.manage_stock);
      if (changes.backorders !== undefined) item.backorders = String(changes.backorders);
      const requestedStatus = changes.stock_status !== undefined && STATUSES.includes(changes.stock_status as StockStatus) ? (changes.stock_status as StockStatus) : changes.stock_status !== undefined ? 'instock' : null;
      if (item.manageStock) {
        if (changes.stock_quantity !== undefined && changes.stock_quantity !== null) item.stockQuantity = stockAmount(changes.stock_quantity);
        else if (changes.inventory_delta !== undefined) item.stockQuantity = (item.stockQuantity ?? 0) + stockAmount(changes.inventory_delta);
        item.stockQuantity ??= 0;
      } else if (requestedStatus && item.type !== 'variable') item.stockStatus = requestedStatus;
      validateProps(item);
      item.dateModified = wpDate();
      if (item.type === 'variation') syncVariable(state.items.get(item.parentId)!);
      for (const listener of state.listeners) listener(item, by);
      return null;
    },
    remove(item) {
      state.items.delete(item.id);
      for (const child of item.children) state.items.delete(child);
      const parent = state.items.get(item.parentId);
      if (parent) {
        parent.children = parent.children.filter((c) => c !== item.id);
        syncVariable(parent);
      }
    },
  };

  function validateProps(item: WooItem) {
    if (!item.manageStock) {
      item.stockQuantity = null;
      item.backorders = 'no';
      return;
    }
    const qty = item.stockQuantity ?? 0;
    if (qty > state.outOfStockThreshold) item.stockStatus = 'instock';
    else if (item.backorders !== 'no') item.stockStatus = 'onbackorder';
    else item.stockStatus = 'outofstock';
  }

  function syncVariable(product: WooItem) {
    const statuses = product.children.map((id) => state.items.get(id)?.stockStatus);
    product.stockStatus = statuses.includes('instock') ? 'instock' : statuses.includes('onbackorder') ? 'onbackorder' : 'outofstock';
  }

  function create(type: WooItem['type'], parentId: number, seed: ItemSeed): WooItem {
    nextId += 1;
    const item: WooItem = {
      id: nextId,
      type,
      parentId,
      name: seed.name ?? seed.sku,
      sku: seed.sku,
      regularPrice: seed.regular_price ?? '',
      salePrice: seed.sale_price ?? '',
      manageStock: seed.manage_stock ?? true,
      stockQuantity: seed.stock_quantity ?? null,
      stockStatus: seed.stock_status ?? 'instock',
      backorders: seed.backorders ?? 'no',
      attributes: (seed.attributes ?? []).map((a) => ({ id: 0, ...a })),
      children: [],
      dateCreated: wpDate(),
      dateModified: wpDate(),
    };
    if (item.manageStock) item.stockQuantity ??= 0;
    validateProps(item);
    state.items.set(item.id, item);
    return item;
  }

  return state;
}
