import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input, Output } from '../../../shared/contract';
import { normaliseGtin } from '../../../shared/domain/gtin';
import type { Product } from '../../../shared/schemas/product';
import type { StockSummary } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { useChangesStore } from './changes';
import { applyChange, stockTotals } from '../product-changes';
import { useProductListStore } from './product-list';

/** The product a scanned or typed code names exactly (SKU, or GTIN), or null. */
export function matchCode(code: string, candidates: Product[]): Product | null {
  const sku = code.trim().toUpperCase();
  const gtin = normaliseGtin(code.trim()).replace(/^0+/, '');
  return candidates.find((p) => p.sku === sku) ?? candidates.find((p) => p.gtin !== null && p.gtin.replace(/^0+/, '') === gtin && gtin !== '') ?? null;
}

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

  /** A product read without opening it (the one a new product is duplicated from). */
  function fetch(idOrSku: string): Promise<Product> {
    return client['products.get']({ idOrSku });
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

  /** Deletes a product that never had stock (the core answers 409 for one that had: archive it instead). */
  async function remove(idOrSku: string, idempotencyKey: string): Promise<Output<'products.delete'>> {
    const result = await client['products.delete']({ idOrSku, idempotencyKey });
    if (current.value?.id === result.id) current.value = null;
    return result;
  }

  /** The product a scanned or typed SKU or GTIN names, or null when none does. */
  async function findByCode(code: string): Promise<Product | null> {
    const text = code.trim();
    if (!text) return null;
    const page = await client['products.list']({ query: text, limit: 20 });
    return matchCode(text, page.products);
  }

  /** The products of one item group (the variants of one product), first 100. */
  function listVariants(itemGroupId: string): Promise<Output<'products.list'>> {
    return client['products.list']({ itemGroupId, offset: 0, limit: 100 });
  }

  /** New stock figures for a SKU, from the result of a stock action (before its change arrives). */
  function applyStock(sku: string, figures: StockSummary): void {
    const stock = stockTotals(figures);
    if (current.value?.sku === sku) current.value = { ...current.value, stock };
    list.applyStock(sku, stock);
  }

  return { current, fetch, open, create, update, remove, findByCode, listVariants, applyStock };
});
