import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { PublishStatus } from '../../../shared/schemas/publish';
import type { MovementsPerDay, StatsOverview, StockHistory } from '../../../shared/schemas/stats';
import type { Movement } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { useChangesStore } from './changes';
import { useProductNamesStore } from './product-names';
import { useSettingsStore } from './settings';

const LATEST_LIMIT = 10;

/**
 * The dashboard's figures. They follow the change stream: a committed stock or product change
 * (from this window, another one, or the API) refreshes the figures it affects, without polling.
 */
export const useDashboardStore = defineStore('dashboard', () => {
  const client = useClient();
  const names = useProductNamesStore();
  const settings = useSettingsStore();
  const overview = ref<StatsOverview | null>(null);
  const history = ref<StockHistory | null>(null);
  const perDay = ref<MovementsPerDay | null>(null);
  const latest = ref<Movement[]>([]);
  const publish = ref<PublishStatus | null>(null);
  /** Problems of the shop's own settings (`publish.issues` → `shop`): none counts in `withIssues`. */
  const publishShopIssues = ref(0);
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

  async function loadOverview(): Promise<void> {
    overview.value = await client['stats.overview']({});
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
      // One product is the smallest page; only the shop's problems are needed here.
      const [status, issues] = await Promise.all([client['publish.status']({}), client['publish.issues']({ limit: 1 })]);
      publish.value = status;
      publishShopIssues.value = issues.shop.length;
    } catch {
      // Publishing may be switched off or not set up yet; the panel says so.
      publish.value = null;
      publishShopIssues.value = 0;
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
      // replenishment.changed: a reorder point moves the low-stock line.
      else if (['stock.changed', 'product.created', 'product.updated', 'settings.updated', 'replenishment.changed'].includes(change.type)) dirty.stock = true;
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

  return { overview, history, perDay, latest, publish, publishShopIssues, historySku, days, error, historyError, load, setDays, setHistorySku, pause };
});
