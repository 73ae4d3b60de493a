import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input, Output } from '../../../shared/contract';
import { normaliseGtin } from '../../../shared/domain/gtin';
import type { Product } from '../../../shared/schemas/product';
import type { StockSummary } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { ClientError } from '../api/client';
import { useChangesStore } from './changes';
import { applyChange, stockTotals } from '../product-changes';
import { useProductListStore } from './product-list';

/** What a scanned or typed code names: no product, one, or several (one GTIN on several products). */
export type CodeMatch = { kind: 'none' } | { kind: 'one'; product: Product } | { kind: 'several'; products: Product[] };

/**
 * Every product a code names exactly: its SKU, or its GTIN (leading zeros aside: a UPC-A scans as
 * 12 digits, its EAN-13 form has 13). A database from before GTINs were unique may hold one GTIN
 * on several products, and a SKU may be another product's GTIN; all are returned, since picking
 * one would book stock on a product nobody chose.
 */
export function matchesForCode(code: string, candidates: readonly Product[]): Product[] {
  const sku = code.trim().toUpperCase();
  const gtin = normaliseGtin(code.trim()).replace(/^0+/, '');
  const isGtin = /^\d+$/.test(gtin);
  const found = candidates.filter((p) => p.sku === sku || (isGtin && p.gtin !== null && p.gtin.replace(/^0+/, '') === gtin));
  return found.filter((p, i) => found.findIndex((q) => q.id === p.id) === i);
}

function codeMatch(products: Product[]): CodeMatch {
  const [first] = products;
  if (!first) return { kind: 'none' };
  return products.length === 1 ? { kind: 'one', product: first } : { kind: 'several', products };
}

/** Products one lookup asks for: room for every product that shares a code, besides near matches by title or SKU prefix. */
const LOOKUP_PAGE = 100;

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

  /** The products a scanned or typed SKU or GTIN names (see matchesForCode). */
  async function lookupCode(code: string): Promise<CodeMatch> {
    const text = code.trim();
    if (!text) return { kind: 'none' };
    const page = await client['products.list']({ query: text, limit: LOOKUP_PAGE });
    const found = matchesForCode(text, page.products);
    // A short code can match more products by title or SKU prefix than one page holds: the SKU
    // itself is then asked for exactly, so it is never missed.
    if (page.next !== null && !found.some((p) => p.sku === text.toUpperCase())) {
      const bySku = await client['products.get']({ idOrSku: text }).catch((error: unknown) => {
        if (error instanceof ClientError && error.code === 'not_found') return null;
        throw error;
      });
      if (bySku && bySku.sku === text.toUpperCase()) found.unshift(bySku);
    }
    return codeMatch(found);
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

  return { current, open, create, update, lookupCode, listVariants, applyStock };
});
