import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Location } from '../../../shared/schemas/location';
import type { Movement, StockResult, StockSnapshot } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { useChangesStore } from './changes';

const MOVEMENT_LIMIT = 20;

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

  /** A stock action's result, on screen at once (before its change arrives) when it is this product's. */
  function applyResult(result: StockResult): void {
    if (snapshot.value?.sku !== result.stock.sku) return;
    snapshot.value = result.stock;
    movements.value = mergeMovements(result.movements, movements.value);
  }

  function clear(): void {
    snapshot.value = null;
    movements.value = [];
    olderFrom.value = null;
  }

  return { snapshot, movements, olderFrom, locations, load, loadOlder, applyResult, clear };
});
