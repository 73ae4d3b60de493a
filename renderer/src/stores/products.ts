import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../shared/contract';
import type { Product } from '../../../shared/schemas/product';
import type { StockSummary } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';

const PAGE_SIZE = 50;

/** The product list (search and paging) and the product open on its own page. */
export const useProductsStore = defineStore('products', () => {
  const client = useClient();
  const query = ref('');
  const items = ref<Product[]>([]);
  const next = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const current = ref<Product | null>(null);
  // Answers can arrive out of order while the user types; only the newest search may land.
  let generation = 0;

  async function search(text: string): Promise<void> {
    query.value = text;
    const mine = ++generation;
    loading.value = true;
    try {
      const page = await client['products.list']({ query: text.trim() || undefined, limit: PAGE_SIZE });
      if (mine !== generation) return;
      items.value = page.products;
      next.value = page.next;
      error.value = null;
    } catch (failure) {
      if (mine === generation) error.value = describeError(failure);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (!next.value || loading.value) return;
    const mine = generation;
    loading.value = true;
    try {
      const page = await client['products.list']({ query: query.value.trim() || undefined, limit: PAGE_SIZE, cursor: next.value });
      if (mine !== generation) return;
      items.value = [...items.value, ...page.products];
      next.value = page.next;
      error.value = null;
    } catch (failure) {
      if (mine === generation) error.value = describeError(failure);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function remember(product: Product): void {
    current.value = product;
    const index = items.value.findIndex((p) => p.id === product.id);
    if (index >= 0) items.value.splice(index, 1, product);
  }

  async function open(idOrSku: string): Promise<Product> {
    const product = await client['products.get']({ idOrSku });
    remember(product);
    return product;
  }

  async function create(input: Input<'products.create'>): Promise<Product> {
    const product = await client['products.create'](input);
    remember(product);
    return product;
  }

  async function update(input: Input<'products.update'>): Promise<Product> {
    const product = await client['products.update'](input);
    remember(product);
    return product;
  }

  /** New stock figures for a SKU, from the result of a stock action. */
  function applyStock(sku: string, figures: StockSummary): void {
    const { onHand, committed, incoming, available, availability, availabilityDate } = figures;
    const stock = { onHand, committed, incoming, available, availability, availabilityDate };
    if (current.value?.sku === sku) current.value = { ...current.value, stock };
    const index = items.value.findIndex((p) => p.sku === sku);
    const listed = items.value[index];
    if (listed) items.value.splice(index, 1, { ...listed, stock });
  }

  return { query, items, next, loading, error, current, search, loadMore, open, create, update, applyStock };
});
