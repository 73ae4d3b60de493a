import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PublishStatus } from '../../../shared/schemas/publish';
import type { Product } from '../../../shared/schemas/product';
import type { MovementsPerDay, StatsOverview, StockHistory } from '../../../shared/schemas/stats';
import type { Movement } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { countLowStock, LOW_STOCK_PAGE, LOW_STOCK_UNITS, type LowStockCount } from '../low-stock';
import { useChangesStore } from './changes';
import { useProductNamesStore } from './product-names';
import { useSettingsStore } from './settings';

const LATEST_LIMIT = 10;
/** Products read per request while looking for the low ones: most shops need one page. */
const FEWEST_PAGE = 50;

/**
 * The dashboard's figures. They follow the change stream: a committed stock or product change
 * (from this window, another one, or the API) refreshes the figures it affects, without polling.
 */
export const useDashboardStore = defineStore('dashboard', () => {
  const client = useClient();
  const names = useProductNamesStore();
  const settings = useSettingsStore();
  const overview = ref<StatsOverview | null>(null);
  const lowStock = ref<LowStockCount | null>(null);
  const history = ref<StockHistory | null>(null);
  const perDay = ref<MovementsPerDay | null>(null);
  const latest = ref<Movement[]>([]);
  const publish = ref<PublishStatus | null>(null);
  const historySku = ref('');
  const days = ref(30);
  const error = ref<string | null>(null);
  const historyError = ref<string | null>(null);
  let active = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirty = { stock: false, publish: false };
  let lastRefresh = 0;

  async function loadHistory(): Promise<void> {
    const sku = historySku.value.trim();
    try {
      history.value = await client['stats.stockHistory']({ days: days.value, ...(sku ? { sku } : {}) });
      historyError.value = null;
    } catch (failure) {
      historyError.value = describeError(failure);
    }
  }

  /**
   * The active products with the fewest units available, fewest first, from just after the ones
   * with nothing available (the overview counted those), until past the low-stock line.
   */
  async function fewestAvailable(outOfStock: number): Promise<Product[]> {
    const found: Product[] = [];
    while (found.length < LOW_STOCK_PAGE) {
      const page = await client['products.list']({ status: 'active', sort: 'available', direction: 'asc', offset: outOfStock + found.length, limit: FEWEST_PAGE });
      found.push(...page.products);
      names.remember(page.products);
      const last = page.products[page.products.length - 1];
      if (page.products.length < FEWEST_PAGE || !last || last.stock.available > LOW_STOCK_UNITS) break;
    }
    return found;
  }

  async function loadOverview(): Promise<void> {
    const o = await client['stats.overview']({});
    const fewest = await fewestAvailable(o.outOfStock);
    overview.value = o;
    lowStock.value = countLowStock({
      atOrBelowBuffer: o.atOrBelowBuffer,
      fewestAvailable: fewest,
      shopBufferStock: settings.settings?.bufferStock ?? 0,
      pageSize: LOW_STOCK_PAGE,
    });
  }

  async function loadLatest(): Promise<void> {
    const m = await client['movements.list']({ limit: LATEST_LIMIT });
    // Names first, so the rows appear with them rather than changing under the reader.
    await names.resolve(m.movements.map((movement) => movement.sku));
    latest.value = m.movements;
  }

  async function loadStock(): Promise<void> {
    const [, d] = await Promise.all([loadOverview(), client['stats.movementsPerDay']({ days: days.value }), loadLatest(), loadHistory()]);
    perDay.value = d;
    if (settings.locations.length === 0) void settings.loadLocations().catch(() => undefined);
  }

  async function loadPublish(): Promise<void> {
    try {
      publish.value = await client['publish.status']({});
    } catch {
      // Publishing may be switched off or not set up yet; the panel says so.
      publish.value = null;
    }
  }

  async function load(): Promise<void> {
    active = true;
    try {
      await Promise.all([loadStock(), loadPublish()]);
      error.value = null;
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  /**
   * Changes arrive in bursts (an import, a batch of orders): refresh once per burst, and at most
   * once a second while a long burst lasts, so the figures never compete with the writes.
   */
  function schedule(): void {
    if (timer !== undefined) return;
    const wait = Math.max(120, lastRefresh + 1000 - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      lastRefresh = Date.now();
      const due = dirty;
      dirty = { stock: false, publish: false };
      if (due.stock) void loadStock().catch((failure: unknown) => (error.value = describeError(failure)));
      if (due.publish) void loadPublish();
    }, wait);
  }

  useChangesStore().subscribe((changes) => {
    if (!active) return;
    for (const change of changes) {
      if (change.type === 'published') dirty.publish = true;
      else if (['stock.changed', 'product.created', 'product.updated', 'settings.updated'].includes(change.type)) dirty.stock = true;
    }
    if (dirty.stock || dirty.publish) schedule();
  });

  function setDays(value: number): Promise<void> {
    days.value = value;
    return loadStock().catch((failure: unknown) => {
      error.value = describeError(failure);
    });
  }

  function setHistorySku(sku: string): Promise<void> {
    historySku.value = sku;
    return loadHistory();
  }

  /** The screen was left: stop refreshing figures nobody sees. */
  function pause(): void {
    active = false;
    clearTimeout(timer);
    timer = undefined;
  }

  return { overview, lowStock, history, perDay, latest, publish, historySku, days, error, historyError, load, setDays, setHistorySku, pause };
});
