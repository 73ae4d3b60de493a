import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { Input } from '../../../shared/contract';
import type { Change } from '../../../shared/schemas/changes';
import type { Product, PRODUCT_SORTS, PRODUCT_STATUSES, STOCK_FILTERS } from '../../../shared/schemas/product';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { useChangesStore } from './changes';
import { applyChange } from '../product-changes';

/** Rows per request; the list asks for the pages around what is on screen. */
export const PAGE_SIZE = 100;
/** Pages kept in memory; the farthest from the screen are dropped first. */
const MAX_PAGES = 30;

export type ProductSort = (typeof PRODUCT_SORTS)[number];
export type ListFilters = {
  query: string;
  status: (typeof PRODUCT_STATUSES)[number] | '';
  stock: (typeof STOCK_FILTERS)[number] | '';
  location: string;
  /** `shared`: only products whose barcode another product has too (left from before GTINs were unique). */
  barcode: '' | 'shared';
  sort: ProductSort;
  direction: 'asc' | 'desc';
};

/**
 * The Products screen's list: a window over every matching product, fetched a page at a time
 * around the rows on screen, so 100,000 products scroll as smoothly as 100. Rows follow the change
 * stream (stock figures and edited fields update in place); new or removed products refresh it.
 */
export const useProductListStore = defineStore('product-list', () => {
  const client = useClient();
  const filters = reactive<ListFilters>({ query: '', status: '', stock: '', location: '', barcode: '', sort: 'sku', direction: 'asc' });
  /**
   * One slot per matching product; undefined until its page arrives. Never deep-watched: every
   * update replaces the array (a copy of 100,000 slots takes about a millisecond), so components
   * that receive it as a prop see the change.
   */
  const rows = shallowRef<Array<Product | undefined>>([]);
  const total = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** SKUs ticked for a bulk action. */
  const selected = ref(new Set<string>());
  // Answers can arrive out of order while the user types; only the newest query's may land.
  let generation = 0;
  const loaded = new Map<number, number>();
  const inFlight = new Map<number, Promise<void>>();
  let visible: [number, number] = [0, PAGE_SIZE];
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  const hasFilters = computed(
    () => filters.query.trim() !== '' || filters.status !== '' || filters.stock !== '' || filters.location !== '' || filters.barcode !== '',
  );

  function request(offset: number): Input<'products.list'> {
    return {
      offset,
      limit: PAGE_SIZE,
      sort: filters.sort,
      direction: filters.direction,
      ...(filters.query.trim() ? { query: filters.query.trim() } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.stock ? { stock: filters.stock } : {}),
      ...(filters.location ? { location: filters.location } : {}),
      ...(filters.barcode === 'shared' ? { duplicateGtin: true } : {}),
    };
  }

  function place(page: number, products: Product[], count: number, fresh: boolean): void {
    const next = fresh ? new Array<Product | undefined>(count) : rows.value.slice();
    if (next.length !== count) next.length = count;
    products.forEach((p, i) => {
      next[page * PAGE_SIZE + i] = p;
    });
    loaded.set(page, Date.now());
    evict(next);
    rows.value = next;
    total.value = count;
  }

  /** Drops the pages farthest from the screen, so memory stays flat however far one scrolls. */
  function evict(list: Array<Product | undefined>): void {
    if (loaded.size <= MAX_PAGES) return;
    const middle = Math.floor((visible[0] + visible[1]) / 2 / PAGE_SIZE);
    const far = [...loaded.keys()].sort((a, b) => Math.abs(b - middle) - Math.abs(a - middle));
    for (const page of far.slice(0, loaded.size - MAX_PAGES)) {
      loaded.delete(page);
      list.fill(undefined, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    }
  }

  function fetchPage(page: number, fresh = false): Promise<void> {
    const mine = generation;
    const key = page;
    const running = inFlight.get(key);
    if (running && !fresh) return running;
    loading.value = true;
    const work = client['products.list'](request(page * PAGE_SIZE))
      .then((answer) => {
        if (mine !== generation) return;
        place(page, answer.products, answer.total ?? answer.products.length, fresh);
        error.value = null;
      })
      .catch((failure: unknown) => {
        if (mine === generation) error.value = describeError(failure);
      })
      .finally(() => {
        if (inFlight.get(key) === work) inFlight.delete(key);
        if (mine === generation && inFlight.size === 0) loading.value = false;
      });
    inFlight.set(key, work);
    return work;
  }

  /** Starts over with the current filters; the rows on screen stay until the new ones arrive. */
  function reload(): Promise<void> {
    generation++;
    loaded.clear();
    inFlight.clear();
    clearTimeout(refreshTimer);
    return fetchPage(0, true);
  }

  /** Makes sure the rows from `start` to `end` (exclusive) are loaded or on their way. */
  function ensure(start: number, end: number): void {
    visible = [start, end];
    if (total.value === null) return;
    const last = Math.min(end, total.value) - 1;
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(Math.max(last, 0) / PAGE_SIZE); page++) {
      if (!loaded.has(page) && !inFlight.has(page)) void fetchPage(page);
    }
  }

  /** Fetches the pages on screen again (products were added or left the filter); keeps the scroll. */
  function refresh(): void {
    generation++;
    const pages = new Set<number>();
    for (let page = Math.floor(visible[0] / PAGE_SIZE); page <= Math.floor(Math.max(visible[1] - 1, 0) / PAGE_SIZE); page++) pages.add(page);
    loaded.clear();
    inFlight.clear();
    // The rows on screen stay until their page's new answer replaces them: no flash of placeholders.
    for (const page of pages) void fetchPage(page);
  }

  let searching: Promise<void> | null = null;
  let searchAgain = false;

  /**
   * Search as you type: the first keystroke asks at once; keystrokes while an answer is on its way
   * are folded into one request sent when it lands. No fixed delay, and never a queue of stale
   * searches in front of the one that matters.
   */
  function search(text: string): Promise<void> {
    filters.query = text;
    selected.value = new Set();
    if (searching) {
      searchAgain = true;
      return searching;
    }
    searching = reload().finally(() => {
      searching = null;
      if (searchAgain) {
        searchAgain = false;
        void search(filters.query);
      }
    });
    return searching;
  }

  function setFilter<K extends keyof ListFilters>(key: K, value: ListFilters[K]): Promise<void> {
    filters[key] = value;
    selected.value = new Set();
    return reload();
  }

  function sortBy(column: ProductSort): Promise<void> {
    if (filters.sort === column) filters.direction = filters.direction === 'asc' ? 'desc' : 'asc';
    else {
      filters.sort = column;
      filters.direction = column === 'onHand' || column === 'available' ? 'desc' : 'asc';
    }
    return reload();
  }

  function mapRows(update: (product: Product) => Product | null): void {
    let list: Array<Product | undefined> | null = null;
    rows.value.forEach((row, i) => {
      if (!row) return;
      const next = update(row);
      if (next && next !== row) {
        list ??= rows.value.slice();
        list[i] = next;
      }
    });
    if (list) rows.value = list;
  }

  /** A product as saved on its own page. */
  function replace(product: Product): void {
    mapRows((row) => (row.id === product.id ? product : null));
  }

  function applyStock(sku: string, stock: Product['stock']): void {
    mapRows((row) => (row.sku === sku ? { ...row, stock } : null));
  }

  function scheduleRefresh(): void {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 250);
  }

  function applyChanges(changes: Change[]): void {
    const byProduct = new Map<string, Change[]>();
    let structural = false;
    for (const change of changes) {
      if (change.type === 'product.created') structural = true;
      if (change.type === 'product.updated' && filters.status && Array.isArray(change.payload.changed) && change.payload.changed.includes('status')) structural = true;
      if (!change.productId) continue;
      byProduct.set(change.productId, [...(byProduct.get(change.productId) ?? []), change]);
    }
    if (byProduct.size > 0) {
      mapRows((row) => {
        const mine = byProduct.get(row.id);
        return mine ? mine.reduce(applyChange, row) : null;
      });
    }
    // A new product (or one that left the status filter) shifts the rows: fetch the window again.
    if (structural && total.value !== null) scheduleRefresh();
  }

  useChangesStore().on(['stock.changed', 'product.updated', 'product.created'], applyChanges);

  function toggle(sku: string, on: boolean): void {
    const next = new Set(selected.value);
    if (on) next.add(sku);
    else next.delete(sku);
    selected.value = next;
  }

  function clearSelection(): void {
    selected.value = new Set();
  }

  async function bulk(input: Omit<Input<'products.bulk'>, 'skus'>): Promise<{ updated: number; unchanged: number }> {
    const result = await client['products.bulk']({ ...input, skus: [...selected.value] });
    clearSelection();
    // Archived products may leave the filter; the change stream brings the field updates.
    if (input.action === 'archive' && filters.status) scheduleRefresh();
    return result;
  }

  return {
    filters,
    rows,
    total,
    loading,
    error,
    selected,
    hasFilters,
    reload,
    ensure,
    refresh,
    search,
    setFilter,
    sortBy,
    replace,
    applyStock,
    applyChanges,
    toggle,
    clearSelection,
    bulk,
  };
});
