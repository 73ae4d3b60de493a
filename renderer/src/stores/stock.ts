import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Location } from '../../../shared/schemas/location';
import type { Movement, StockResult, StockSnapshot } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { useChangesStore } from './changes';
import { useProductsStore } from './products';

const MOVEMENT_LIMIT = 20;

export type StockAction = 'receive' | 'adjust' | 'count';

export type StockActionInput = {
  sku: string;
  quantity: number;
  location?: string;
  reason?: string;
  reference?: string;
  idempotencyKey?: string;
};

/** Newest first, each movement once. */
function mergeMovements(...lists: Movement[][]): Movement[] {
  const seen = new Set<string>();
  return lists
    .flat()
    .sort((a, b) => b.seq - a.seq || a.id.localeCompare(b.id))
    .filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
}

/** Stock of the product on screen: totals, per location, and its ledger rows (newest first, pageable). */
export const useStockStore = defineStore('stock', () => {
  const client = useClient();
  const products = useProductsStore();
  const snapshot = ref<StockSnapshot | null>(null);
  const movements = ref<Movement[]>([]);
  /** Pass as `before` for the next older page; null when the oldest movement is shown. */
  const olderFrom = ref<number | null>(null);
  const locations = ref<Location[]>([]);

  // Stock moved by anyone (the stock entry screen, an order, a script) shows here at once.
  useChangesStore().on(['stock.changed'], (changes) => {
    const sku = snapshot.value?.sku;
    const mine = changes.filter((c) => c.sku === sku);
    const last = mine[mine.length - 1];
    if (!sku || !last) return;
    const figures = last.payload.stock as StockSnapshot | undefined;
    if (figures && Array.isArray(figures.byLocation)) snapshot.value = { ...figures, sku };
    void client['movements.list']({ sku, limit: MOVEMENT_LIMIT }).then(
      (page) => {
        if (snapshot.value?.sku === sku) movements.value = mergeMovements(page.movements, movements.value);
      },
      () => undefined,
    );
  });

  async function load(sku: string): Promise<void> {
    const [stock, ledger, places] = await Promise.all([
      client['stock.get']({ sku }),
      client['movements.list']({ sku, limit: MOVEMENT_LIMIT }),
      client['locations.list']({}),
    ]);
    snapshot.value = stock;
    movements.value = ledger.movements;
    olderFrom.value = ledger.next;
    locations.value = places.locations;
  }

  /** The next page of older movements, appended below. */
  async function loadOlder(): Promise<void> {
    const sku = snapshot.value?.sku;
    if (!sku || olderFrom.value === null) return;
    const page = await client['movements.list']({ sku, limit: MOVEMENT_LIMIT, before: olderFrom.value });
    if (snapshot.value?.sku !== sku) return;
    movements.value = mergeMovements(movements.value, page.movements);
    olderFrom.value = page.next;
  }

  function call(action: StockAction, input: StockActionInput): Promise<StockResult> {
    switch (action) {
      case 'receive':
        return client['stock.receive'](input);
      case 'count':
        return client['stock.count'](input);
      case 'adjust':
        // An empty reason goes to the server, which explains that an adjustment needs one.
        return client['stock.adjust']({ ...input, reason: input.reason ?? '' });
    }
  }

  /** Runs a stock action; the figures on screen come from its result, not from a reload. */
  async function run(action: StockAction, input: StockActionInput): Promise<StockResult> {
    const result = await call(action, input);
    snapshot.value = result.stock;
    movements.value = mergeMovements(result.movements, movements.value);
    products.applyStock(result.stock.sku, result.stock);
    return result;
  }

  function clear(): void {
    snapshot.value = null;
    movements.value = [];
    olderFrom.value = null;
  }

  return { snapshot, movements, olderFrom, locations, load, loadOlder, run, clear };
});
