import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Change } from '../../../shared/schemas/changes';
import type { Product } from '../../../shared/schemas/product';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { labelsPerPage, sheetOrDefault } from '../labels/label-sheets';
import { labelCount, lineFor, mergeLines, PRICE_MODES, type LabelLine, type LabelProduct, type LabelRequest, type PriceMode } from '../labels/label-lines';
import { useChangesStore } from './changes';

const SETUP_KEY = 'stockfeed.labels';
/** Products fetched at once when the caller did not bring them (a selection beyond the loaded rows). */
const FETCH_CONCURRENCY = 6;

function savedSetup(): { sheetId?: unknown; priceMode?: unknown } {
  try {
    const parsed = JSON.parse(globalThis.localStorage?.getItem(SETUP_KEY) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

function labelProduct(product: Product | LabelProduct): LabelProduct {
  const { id, sku, title, gtin, price, salePrice, currency } = product;
  return { id, sku, title, gtin, price, salePrice, currency };
}

/** One request per SKU (a purchase order may list a product twice): each product is fetched once. */
function combined(requests: readonly LabelRequest[]): LabelRequest[] {
  const bySku = new Map<string, LabelRequest>();
  for (const request of requests) {
    const seen = bySku.get(request.sku);
    const quantity = (seen?.quantity ?? 0) + (request.quantity ?? 1);
    bySku.set(request.sku, { ...seen, ...request, product: request.product ?? seen?.product, quantity });
  }
  return [...bySku.values()];
}

/** What the result of adding a scanned or typed code was, for the screen to say. */
export type AddCodeResult = { kind: 'added'; product: LabelProduct } | { kind: 'none' } | { kind: 'several'; products: LabelProduct[] };

/**
 * The labels being prepared: which products and how many of each, on which label stock, from
 * which position. A store, so a purchase order (or the Products screen) fills it and the Labels
 * screen shows it; the stock and price choice are remembered per browser, since a shop keeps one
 * kind of label in its printer.
 */
export const useLabelsStore = defineStore('labels', () => {
  const client = useClient();
  const saved = savedSetup();
  const lines = ref<LabelLine[]>([]);
  const sheetId = ref(sheetOrDefault(typeof saved.sheetId === 'string' ? saved.sheetId : '').id);
  const priceMode = ref<PriceMode>(PRICE_MODES.find((m) => m === saved.priceMode) ?? 'regular');
  /** The first unused label of a partly used sheet (1-based); back to 1 on another stock. */
  const start = ref(1);
  /** Why the start typed on the Labels screen was refused: printing waits until it is put right. */
  const startProblem = ref<string | null>(null);
  const loading = ref(false);
  /** Products that could not be loaded, by SKU and why. */
  const problems = ref<string[]>([]);
  let generation = 0;

  const sheet = computed(() => sheetOrDefault(sheetId.value));
  const total = computed(() => labelCount(lines.value));

  watch([sheetId, priceMode], () => {
    try {
      globalThis.localStorage?.setItem(SETUP_KEY, JSON.stringify({ sheetId: sheetId.value, priceMode: priceMode.value }));
    } catch {
      // Storage full or blocked: the choice holds for this page.
    }
  });
  watch(sheetId, () => {
    if (start.value > labelsPerPage(sheet.value)) start.value = 1;
    // A refused start belonged to the other stock (a roll has none at all).
    startProblem.value = null;
  });

  async function fetchAll(requests: readonly LabelRequest[]): Promise<{ found: Array<{ product: LabelProduct; quantity: number }>; failed: string[] }> {
    const found = new Array<{ product: LabelProduct; quantity: number } | undefined>(requests.length);
    const failed: string[] = [];
    let next = 0;
    async function worker(): Promise<void> {
      while (next < requests.length) {
        const at = next++;
        const request = requests[at] as LabelRequest;
        const quantity = request.quantity ?? 1;
        try {
          const product = request.product ?? (await client['products.get']({ idOrSku: request.sku }));
          found[at] = { product: labelProduct(product), quantity };
        } catch (failure) {
          failed.push(`${request.sku}: ${describeError(failure)}`);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, requests.length) }, worker));
    // In the order asked for, whichever answer came first.
    return { found: found.filter((entry) => entry !== undefined), failed };
  }

  /**
   * Starts over with these products: one label each unless a quantity is given (a purchase order
   * passes what was received). Products the caller already has are not fetched again.
   */
  async function prepare(requests: readonly LabelRequest[]): Promise<void> {
    const mine = ++generation;
    lines.value = [];
    problems.value = [];
    start.value = 1;
    startProblem.value = null;
    loading.value = true;
    try {
      const { found, failed } = await fetchAll(combined(requests));
      if (mine !== generation) return;
      lines.value = mergeLines([], found);
      problems.value = failed;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Adds one label of the product a scanned or typed SKU or GTIN names; never guesses between several. */
  async function addCode(code: string): Promise<AddCodeResult> {
    const text = code.trim();
    if (!text) return { kind: 'none' };
    const { products } = await client['products.lookup']({ code: text });
    const [first] = products;
    if (!first) return { kind: 'none' };
    if (products.length > 1) return { kind: 'several', products: products.map(labelProduct) };
    const product = labelProduct(first);
    add(product);
    return { kind: 'added', product };
  }

  function add(product: LabelProduct, quantity = 1): void {
    lines.value = mergeLines(lines.value, [{ product, quantity }]);
  }

  function setQuantity(productId: string, quantity: number): void {
    lines.value = lines.value.map((line) => (line.product.id === productId ? { ...line, quantity } : line));
  }

  function remove(productId: string): void {
    lines.value = lines.value.filter((line) => line.product.id !== productId);
  }

  function clear(): void {
    generation++;
    lines.value = [];
    problems.value = [];
    loading.value = false;
  }

  // A price, title or GTIN changed elsewhere shows on the labels before they are printed.
  useChangesStore().on(['product.updated'], (changes: Change[]) => {
    let next = lines.value;
    for (const change of changes) {
      const after = change.payload.after as Partial<LabelProduct> | undefined;
      if (!after || !next.some((line) => line.product.id === change.productId)) continue;
      next = next.map((line) => (line.product.id === change.productId ? lineFor(labelProduct({ ...line.product, ...after }), line.quantity) : line));
    }
    if (next !== lines.value) lines.value = next;
  });

  return { lines, sheetId, sheet, priceMode, start, startProblem, loading, problems, total, prepare, addCode, add, setQuantity, remove, clear };
});
