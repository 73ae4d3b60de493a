import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input, Output } from '../../../shared/contract';
import { gtin14, normaliseGtin } from '../../../shared/domain/gtin';
import type { Actor } from '../../../shared/schemas/actor';
import type { Product } from '../../../shared/schemas/product';
import type { StockSummary } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
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


/** The product open on its own page, creating and saving products, and keeping both live. */
export const useProductsStore = defineStore('products', () => {
  const client = useClient();
  const list = useProductListStore();
  const current = ref<Product | null>(null);
  /** Who made the latest `product.updated` of the product open (null: nobody named, or none yet). */
  const changedBy = ref<Actor | null>(null);

  useChangesStore().on(['stock.changed', 'product.updated'], (changes) => {
    const open = current.value;
    if (!open) return;
    let next = open;
    let edited = false;
    for (const change of changes) {
      if (change.productId !== next.id) continue;
      next = applyChange(next, change);
      if (change.type === 'product.updated') {
        changedBy.value = change.actor ?? null;
        edited = true;
      }
    }
    if (next !== open) current.value = next;
    // The change carries the fields, not the product's new version (`updatedAt`), which a save
    // from the form names: read it (one request per edit of the product on screen).
    if (edited) {
      void client['products.get']({ idOrSku: open.id })
        .then((fresh) => {
          const now = current.value;
          if (now?.id === fresh.id && fresh.updatedAt >= now.updatedAt) current.value = fresh;
        })
        .catch(() => undefined);
    }
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

  /**
   * Every product a scanned or typed SKU or GTIN names (`products.lookup`: the SKU match first, then
   * the barcode in any spelling, whatever the status); none, one, or several to choose from.
   */
  async function findByCode(code: string): Promise<Product[]> {
    const text = code.trim();
    if (!text) return [];
    return (await client['products.lookup']({ code: text })).products;
  }

  /**
   * The other products with this barcode (the same GTIN-14): none once GTINs are unique, but a
   * catalogue from before may still have some, and the product's page says so until they are fixed.
   */
  async function othersWithGtin(gtin: string, exceptId: string): Promise<Product[]> {
    const key = gtin14(gtin);
    return (await findByCode(gtin)).filter((p) => p.id !== exceptId && p.gtin !== null && gtin14(p.gtin) === key);
  }

  /** What a scanned or typed code names: none, one, or several to choose from (never guessed). */
  async function lookupCode(code: string): Promise<CodeMatch> {
    return codeMatch(await findByCode(code));
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

  return { current, changedBy, fetch, open, create, update, remove, findByCode, lookupCode, othersWithGtin, listVariants, applyStock };
});
