import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Product } from '../../../shared/schemas/product';
import { useClient } from '../api/app-api';
import { ClientError } from '../api/client';
import { useChangesStore } from './changes';

/**
 * Product titles by SKU, for lists that only carry SKUs (the ledger's movements). Each SKU is
 * fetched once and kept; renames arrive through the change stream. The API has no "titles for these
 * SKUs" call, so a SKU never seen costs one request; a screen asks only for what it shows (the
 * dashboard's ten latest movements), and most refreshes need none.
 */
export const useProductNamesStore = defineStore('product-names', () => {
  const client = useClient();
  /** null: no product has that SKU (any more). */
  const titles = ref<Record<string, string | null>>({});
  const pending = new Map<string, Promise<void>>();

  useChangesStore().on(['product.created', 'product.updated'], (changes) => {
    for (const change of changes) {
      const after = change.payload.after as Partial<Product> | undefined;
      const before = change.payload.before as Partial<Product> | undefined;
      if (change.type === 'product.created' && change.sku) {
        const created = change.payload as Partial<Product>;
        if (typeof created.title === 'string') titles.value[change.sku] = created.title;
        else delete titles.value[change.sku];
        continue;
      }
      if (before?.sku) delete titles.value[before.sku];
      if (change.sku && typeof after?.title === 'string') titles.value[change.sku] = after.title;
      else if (change.sku && before?.sku) delete titles.value[change.sku];
    }
  });

  /** Titles of products already loaded elsewhere (a product list answer): no request needed. */
  function remember(products: readonly Pick<Product, 'sku' | 'title'>[]): void {
    for (const product of products) titles.value[product.sku] = product.title;
  }

  async function fetchOne(sku: string): Promise<void> {
    try {
      titles.value[sku] = (await client['products.get']({ idOrSku: sku })).title;
    } catch (failure) {
      if (failure instanceof ClientError && failure.code === 'not_found') titles.value[sku] = null;
      // Anything else (offline): leave it unknown, to be asked again next time.
    } finally {
      pending.delete(sku);
    }
  }

  /** Loads the titles of the SKUs not known yet (in parallel, each once). */
  async function resolve(skus: readonly string[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const sku of new Set(skus)) {
      if (sku in titles.value) continue;
      let wait = pending.get(sku);
      if (!wait) {
        wait = fetchOne(sku);
        pending.set(sku, wait);
      }
      waits.push(wait);
    }
    await Promise.all(waits);
  }

  return { titles, remember, resolve };
});
