import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../shared/contract';
import type { Product } from '../../../shared/schemas/product';
import type { StockSummary } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { useChangesStore } from './changes';
import { applyChange, stockTotals } from '../product-changes';
import { useProductListStore } from './product-list';

/** The product open on its own page, creating and saving products, and keeping both live. */
export const useProductsStore = defineStore('products', () => {
  const client = useClient();
  const list = useProductListStore();
  const current = ref<Product | null>(null);

  useChangesStore().on(['stock.changed', 'product.updated'], (changes) => {
    const open = current.value;
    if (!open) return;
    let next = open;
    for (const change of changes) if (change.productId === next.id) next = applyChange(next, change);
    if (next !== open) current.value = next;
  });

  function remember(product: Product): void {
    current.value = product;
    list.replace(product);
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

  /** New stock figures for a SKU, from the result of a stock action (before its change arrives). */
  function applyStock(sku: string, figures: StockSummary): void {
    const stock = stockTotals(figures);
    if (current.value?.sku === sku) current.value = { ...current.value, stock };
    list.applyStock(sku, stock);
  }

  return { current, open, create, update, applyStock };
});
