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
  /** A supplier's id, or '' for every supplier. */
  const supplierFilter = ref('');
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;

  function listInput(): Input<'purchaseOrders.list'> {
    return { limit: 200, ...(filter.value ? { status: filter.value } : {}), ...(supplierFilter.value ? { supplier: supplierFilter.value } : {}) };
  }

  async function load(): Promise<void> {
    const [s, g, o] = await Promise.all([
      client['suppliers.list']({}),
      client['replenishment.suggestions']({}),
      client['purchaseOrders.list'](listInput()),
    ]);
    suppliers.value = s.suppliers;
    suggestions.value = g.groups;
    orders.value = o.purchaseOrders;
    loaded.value = true;
  }

  async function setFilter(value: OrderFilter): Promise<void> {
    filter.value = value;
    orders.value = (await client['purchaseOrders.list'](listInput())).purchaseOrders;
  }

  async function setSupplierFilter(supplierId: string): Promise<void> {
    supplierFilter.value = supplierId;
    orders.value = (await client['purchaseOrders.list'](listInput())).purchaseOrders;
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

  /** An empty draft for a supplier, for an order the suggestions do not call for; lines are added on its page. */
  function draftEmpty(supplierId: string): Promise<PurchaseOrder> {
    return client['purchaseOrders.create']({ supplierId, lines: [], idempotencyKey: newIdempotencyKey() });
  }

  async function createSupplier(input: Input<'suppliers.create'>): Promise<Supplier> {
    const created = await client['suppliers.create']({ ...input, idempotencyKey: newIdempotencyKey() });
    suppliers.value = [...suppliers.value, created].sort((a, b) => a.name.localeCompare(b.name));
    return created;
  }

  async function updateSupplier(input: Input<'suppliers.update'>): Promise<Supplier> {
    const updated = await client['suppliers.update']({ ...input, idempotencyKey: newIdempotencyKey() });
    suppliers.value = suppliers.value.map((s) => (s.id === updated.id ? updated : s)).sort((a, b) => a.name.localeCompare(b.name));
    return updated;
  }

  /** A supplier as saved now (after a save refused because it changed elsewhere), also in the list. */
  async function reloadSupplier(id: string): Promise<Supplier> {
    const current = await client['suppliers.get']({ id });
    suppliers.value = suppliers.value.map((s) => (s.id === current.id ? current : s));
    return current;
  }

  /** Refused (409, with the reason) while purchase orders name the supplier. */
  async function deleteSupplier(id: string): Promise<void> {
    await client['suppliers.delete']({ id, idempotencyKey: newIdempotencyKey() });
    suppliers.value = suppliers.value.filter((s) => s.id !== id);
    if (supplierFilter.value === id) await setSupplierFilter('');
  }

  return { suppliers, suggestions, orders, filter, supplierFilter, loaded, load, setFilter, setSupplierFilter, draftFrom, draftEmpty, createSupplier, updateSupplier, reloadSupplier, deleteSupplier };
});
