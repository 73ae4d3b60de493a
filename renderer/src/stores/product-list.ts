import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import type { Input, Output } from '../../../shared/contract';
import type { Change } from '../../../shared/schemas/changes';
import type { Product, ProductFilter, PRODUCT_SORTS, PRODUCT_STATUSES, STOCK_FILTERS } from '../../../shared/schemas/product';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { useChangesStore } from './changes';
import { applyChange } from '../product-changes';
import { RANGE_MAX, skusInRange, withSkus } from '../product-selection';
import { formatQuantity } from '../format';

/** Rows per request; the list asks for the pages around what is on screen. */
export const PAGE_SIZE = 100;
/** Pages kept in memory; the farthest from the screen are dropped first. */
const MAX_PAGES = 30;

export type ProductSort = (typeof PRODUCT_SORTS)[number];
export type ListFilters = {
  query: string;
  /** The tab: one status, or '' for all of them. Archived products are not in the default tab. */
  status: (typeof PRODUCT_STATUSES)[number] | '';
  stock: (typeof STOCK_FILTERS)[number] | '';
  location: string;
  /** `shared`: only products whose barcode another product has too (left from before GTINs were unique). */
  barcode: '' | 'shared';
  sort: ProductSort;
  direction: 'asc' | 'desc';
};

export type StatusCounts = Output<'products.counts'>;

/** What a bulk action applies to: the SKUs ticked, or every product the list's filter matches. */
export type SelectionTarget = { skus: string[] } | { filter: ProductFilter };

/**
 * The Products screen's list: a window over every matching product, fetched a page at a time
 * around the rows on screen, so 100,000 products scroll as smoothly as 100. Rows follow the change
 * stream (stock figures and edited fields update in place); new or removed products refresh it, and
 * the counts per status (the tabs). The selection is SKUs ticked by hand (click, shift-click for a
 * range, Ctrl/⌘-click), or "all N matching", which bulk jobs take as the filter, never as N SKUs.
 */
export const useProductListStore = defineStore('product-list', () => {
  const client = useClient();
  const filters = reactive<ListFilters>({ query: '', status: 'active', stock: '', location: '', barcode: '', sort: 'sku', direction: 'asc' });
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
  /** Every product the filter matches is selected ("select all N matching"). */
  const allMatching = ref(false);
  /** The row a shift-click extends the selection from. */
  let anchor: number | null = null;
  /** Rows wholly on screen, [first, end): the "1–50 of 100,000" indicator and the header checkbox. */
  const onScreen = ref<[number, number]>([0, 0]);
  const counts = ref<StatusCounts | null>(null);
  // Answers can arrive out of order while the user types; only the newest query's may land.
  let generation = 0;
  const loaded = new Map<number, number>();
  const inFlight = new Map<number, Promise<void>>();
  let visible: [number, number] = [0, PAGE_SIZE];
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** A search or a filter narrows the list (the status tab is not counted: every tab has one). */
  const hasFilters = computed(
    () => filters.query.trim() !== '' || filters.stock !== '' || filters.location !== '' || filters.barcode !== '',
  );

  /** The list's filter as the API takes it: the same object for the list, a bulk job and the export. */
  function filter(): ProductFilter {
    return {
      ...(filters.query.trim() ? { query: filters.query.trim() } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.stock ? { stock: filters.stock } : {}),
      ...(filters.location ? { location: filters.location } : {}),
      ...(filters.barcode === 'shared' ? { duplicateGtin: true } : {}),
    };
  }

  function request(offset: number): Input<'products.list'> {
    return { offset, limit: PAGE_SIZE, sort: filters.sort, direction: filters.direction, ...filter() };
  }

  let countGeneration = 0;
  let countTimer: ReturnType<typeof setTimeout> | undefined;
  /** The counts per status for the search and filters (one grouped count), for the tabs. */
  function loadCounts(): Promise<void> {
    clearTimeout(countTimer);
    const mine = ++countGeneration;
    const { status: _status, ...rest } = filter();
    return client['products.counts'](rest).then(
      (answer) => {
        if (mine === countGeneration) counts.value = answer;
      },
      () => undefined,
    );
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
  /**
   * The counts after the rows, once typing has paused: on SQLite every query waits for the one
   * before it, so a count asked with each keystroke would hold up the next keystroke's rows.
   */
  function countsSoon(): void {
    clearTimeout(countTimer);
    const mine = ++countGeneration;
    countTimer = setTimeout(() => {
      if (mine === countGeneration) void loadCounts();
    }, 300);
  }

  function reload(): Promise<void> {
    generation++;
    loaded.clear();
    inFlight.clear();
    clearTimeout(refreshTimer);
    return fetchPage(0, true).finally(countsSoon);
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
    countsSoon();
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
    clearSelection();
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
    clearSelection();
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
      if (change.type === 'product.created' || change.type === 'product.deleted') structural = true;
      // A status change moves the product between tabs: their counts, and maybe this list.
      if (change.type === 'product.updated' && Array.isArray(change.payload.changed) && change.payload.changed.includes('status')) structural = true;
      if (!change.productId) continue;
      byProduct.set(change.productId, [...(byProduct.get(change.productId) ?? []), change]);
    }
    if (byProduct.size > 0) {
      mapRows((row) => {
        const mine = byProduct.get(row.id);
        return mine ? mine.reduce(applyChange, row) : null;
      });
    }
    // A new product (or one that left the tab, or was deleted) shifts the rows: fetch the window again.
    if (structural && total.value !== null) scheduleRefresh();
  }

  let pendingChanges: Change[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * The event stream hands over one change at a time, and a bulk job commits thousands a second
   * (200,000 for archiving 100,000 products). Applying each on arrival would walk every row once per
   * change; they are gathered and applied together at most every 50 ms, one walk for all of them.
   */
  function queueChanges(changes: Change[]): void {
    for (const change of changes) pendingChanges.push(change);
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      const batch = pendingChanges;
      pendingChanges = [];
      applyChanges(batch);
    }, 50);
  }

  useChangesStore().on(['stock.changed', 'product.updated', 'product.created', 'product.deleted'], queueChanges);

  const selectionCount = computed(() => (allMatching.value ? (total.value ?? 0) : selected.value.size));

  /** Leaves "all matching": the rows on screen stay selected, the rest of the list does not. */
  function leaveAllMatching(): void {
    if (!allMatching.value) return;
    allMatching.value = false;
    selected.value = new Set(rows.value.slice(onScreen.value[0], onScreen.value[1]).flatMap((p) => (p ? [p.sku] : [])));
  }

  function toggle(sku: string, on: boolean): void {
    leaveAllMatching();
    selected.value = withSkus(selected.value, [sku], on);
  }

  /**
   * A click on a row's box: ticks or unticks it; with Shift, every row from the last one clicked
   * (pages not loaded yet are fetched for their SKUs). A range past RANGE_MAX rows is refused:
   * "select all N matching" does that without naming every SKU.
   */
  async function toggleAt(index: number, on: boolean, range: boolean): Promise<void> {
    const row = rows.value[index];
    if (!row) return;
    leaveAllMatching();
    const from = anchor;
    anchor = index;
    if (!range || from === null || from === index) {
      selected.value = withSkus(selected.value, [row.sku], on);
      return;
    }
    if (Math.abs(index - from) + 1 > RANGE_MAX) {
      error.value = `A range selects ${formatQuantity(RANGE_MAX)} products at most. To change every product in the list, select the rows on screen, then “Select all ${formatQuantity(total.value ?? 0)}”.`;
      return;
    }
    const mine = generation;
    const found = skusInRange(rows.value, from, index, PAGE_SIZE);
    const fetched = await Promise.all(found.missingPages.map((page) => client['products.list'](request(page * PAGE_SIZE))));
    if (mine !== generation) return;
    const lo = Math.min(from, index);
    const hi = Math.max(from, index);
    const extra = fetched.flatMap((answer, k) => {
      const start = (found.missingPages[k] as number) * PAGE_SIZE;
      return answer.products.filter((_, i) => start + i >= lo && start + i <= hi).map((p) => p.sku);
    });
    selected.value = withSkus(selected.value, [...found.skus, ...extra], on);
  }

  /** The header box: the rows on screen (the whole list when it is all loaded and in view). */
  function selectOnScreen(on: boolean): void {
    leaveAllMatching();
    const skus = rows.value.slice(onScreen.value[0], onScreen.value[1]).flatMap((p) => (p ? [p.sku] : []));
    selected.value = on ? withSkus(selected.value, skus, true) : new Set();
    anchor = null;
  }

  function selectAllMatching(): void {
    allMatching.value = true;
  }

  function clearSelection(): void {
    selected.value = new Set();
    allMatching.value = false;
    anchor = null;
  }

  /** What a bulk action applies to right now. */
  function selectionTarget(): SelectionTarget {
    return allMatching.value ? { filter: filter() } : { skus: [...selected.value] };
  }

  function setOnScreen(first: number, end: number): void {
    if (onScreen.value[0] !== first || onScreen.value[1] !== end) onScreen.value = [first, end];
  }

  return {
    filters,
    rows,
    total,
    loading,
    error,
    selected,
    allMatching,
    selectionCount,
    onScreen,
    counts,
    hasFilters,
    filter,
    reload,
    ensure,
    refresh,
    loadCounts,
    search,
    setFilter,
    sortBy,
    replace,
    applyStock,
    applyChanges,
    toggle,
    toggleAt,
    selectOnScreen,
    selectAllMatching,
    clearSelection,
    selectionTarget,
    setOnScreen,
  };
});
