import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input, Output } from '../../../shared/contract';
import type { PurchaseOrder } from '../../../shared/schemas/purchase-orders';
import type { Supplier } from '../../../shared/schemas/purchasing';
import { useClient } from '../api/app-api';
import { newIdempotencyKey } from '../api/idempotency-key';

/** One product's purchasing: its suppliers and cost, reorder settings per location, open POs. */
export const useProductPurchasingStore = defineStore('product-purchasing', () => {
  const client = useClient();
  const sku = ref<string | null>(null);
  const suppliers = ref<Output<'products.suppliers.get'> | null>(null);
  const reorder = ref<Output<'products.reorder.get'> | null>(null);
  const openOrders = ref<PurchaseOrder[]>([]);
  const allSuppliers = ref<Supplier[]>([]);

  async function load(forSku: string): Promise<void> {
    sku.value = forSku;
    const [s, r, o, all] = await Promise.all([
      client['products.suppliers.get']({ idOrSku: forSku }),
      client['products.reorder.get']({ idOrSku: forSku }),
      client['purchaseOrders.list']({ status: 'open', sku: forSku, limit: 50 }),
      client['suppliers.list']({}),
    ]);
    suppliers.value = s;
    reorder.value = r;
    openOrders.value = o.purchaseOrders;
    allSuppliers.value = all.suppliers;
  }

  async function saveSuppliers(list: Input<'products.suppliers.set'>['suppliers']): Promise<void> {
    if (!sku.value) return;
    suppliers.value = await client['products.suppliers.set']({ idOrSku: sku.value, suppliers: list, idempotencyKey: newIdempotencyKey() });
  }

  async function saveReorder(input: Omit<Input<'products.reorder.set'>, 'idOrSku'>): Promise<void> {
    if (!sku.value) return;
    reorder.value = await client['products.reorder.set']({ ...input, idOrSku: sku.value, idempotencyKey: newIdempotencyKey() });
  }

  return { sku, suppliers, reorder, openOrders, allSuppliers, load, saveSuppliers, saveReorder };
});
