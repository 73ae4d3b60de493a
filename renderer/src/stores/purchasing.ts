import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../shared/contract';
import type { PurchaseOrder, PurchaseOrderStatus, SuggestionGroup } from '../../../shared/schemas/purchase-orders';
import type { Supplier } from '../../../shared/schemas/purchasing';
import { useClient } from '../api/app-api';
import { newIdempotencyKey } from '../api/idempotency-key';
import { useChangesStore } from './changes';

export type OrderFilter = PurchaseOrderStatus | 'open' | 'late' | '';

/**
 * The Purchasing screen's data: suppliers, what to order now (by supplier), and purchase orders;
 * reloaded when the change log says a PO, a supplier, a reorder setting or stock moved.
 */
export const usePurchasingStore = defineStore('purchasing', () => {
  const client = useClient();
  const suppliers = ref<Supplier[]>([]);
  const suggestions = ref<SuggestionGroup[]>([]);
  const orders = ref<PurchaseOrder[]>([]);
  const filter = ref<OrderFilter>('open');
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    const [s, g, o] = await Promise.all([
      client['suppliers.list']({}),
      client['replenishment.suggestions']({}),
      client['purchaseOrders.list'](filter.value ? { status: filter.value, limit: 200 } : { limit: 200 }),
    ]);
    suppliers.value = s.suppliers;
    suggestions.value = g.groups;
    orders.value = o.purchaseOrders;
    loaded.value = true;
  }

  async function setFilter(value: OrderFilter): Promise<void> {
    filter.value = value;
    orders.value = (await client['purchaseOrders.list'](value ? { status: value, limit: 200 } : { limit: 200 })).purchaseOrders;
  }

  useChangesStore().on(['purchase_order.changed', 'purchase_order.ordered', 'purchase_order.received', 'supplier.changed', 'replenishment.changed', 'reorder.needed', 'stock.changed'], () => {
    if (!loaded.value) return;
    clearTimeout(timer);
    timer = setTimeout(() => void load().catch(() => undefined), 200);
  });

  /** A draft PO with the suggestion's lines, at the supplier's prices. */
  function draftFrom(group: SuggestionGroup): Promise<PurchaseOrder> {
    if (!group.supplierId) throw new Error('Give these products a supplier first.');
    return client['purchaseOrders.create']({
      supplierId: group.supplierId,
      lines: group.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, ...(l.unitCost ? { unitCost: l.unitCost } : {}) })),
      idempotencyKey: newIdempotencyKey(),
    });
  }

  async function createSupplier(input: Input<'suppliers.create'>): Promise<Supplier> {
    const created = await client['suppliers.create']({ ...input, idempotencyKey: newIdempotencyKey() });
    suppliers.value = [...suppliers.value, created].sort((a, b) => a.name.localeCompare(b.name));
    return created;
  }

  return { suppliers, suggestions, orders, filter, loaded, load, setFilter, draftFrom, createSupplier };
});
