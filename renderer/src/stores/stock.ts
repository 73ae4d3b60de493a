import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Location } from '../../../shared/schemas/location';
import type { Movement, StockResult, StockSnapshot } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
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

/** Stock of the product on screen: totals, per location, and its latest ledger rows. */
export const useStockStore = defineStore('stock', () => {
  const client = useClient();
  const products = useProductsStore();
  const snapshot = ref<StockSnapshot | null>(null);
  const movements = ref<Movement[]>([]);
  const locations = ref<Location[]>([]);

  async function load(sku: string): Promise<void> {
    const [stock, ledger, places] = await Promise.all([
      client['stock.get']({ sku }),
      client['movements.list']({ sku, limit: MOVEMENT_LIMIT }),
      client['locations.list']({}),
    ]);
    snapshot.value = stock;
    movements.value = ledger.movements;
    locations.value = places.locations;
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
    const newest = [...result.movements].sort((a, b) => b.seq - a.seq);
    const known = new Set(newest.map((m) => m.id));
    movements.value = [...newest, ...movements.value.filter((m) => !known.has(m.id))].slice(0, MOVEMENT_LIMIT);
    products.applyStock(result.stock.sku, result.stock);
    return result;
  }

  function clear(): void {
    snapshot.value = null;
    movements.value = [];
  }

  return { snapshot, movements, locations, load, run, clear };
});
