import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../shared/contract';
import type { PurchaseOrder } from '../../../shared/schemas/purchase-orders';
import type { Product } from '../../../shared/schemas/product';
import { useClient } from '../api/app-api';
import { newIdempotencyKey } from '../api/idempotency-key';
import { useChangesStore } from './changes';

/** The purchase order on screen: its lines while a draft, ordering, receipts, cancel and close; kept live. */
export const usePurchaseOrderStore = defineStore('purchase-order', () => {
  const client = useClient();
  const order = ref<PurchaseOrder | null>(null);

  async function load(id: string): Promise<PurchaseOrder> {
    order.value = await client['purchaseOrders.get']({ id });
    return order.value;
  }

  useChangesStore().on(['purchase_order.changed', 'purchase_order.ordered', 'purchase_order.received'], (changes) => {
    const id = order.value?.id;
    if (id && changes.some((c) => c.payload.id === id)) void load(id).catch(() => undefined);
  });

  async function saveLines(lines: NonNullable<Input<'purchaseOrders.update'>['lines']>): Promise<void> {
    if (!order.value) return;
    order.value = await client['purchaseOrders.update']({ id: order.value.id, lines, idempotencyKey: newIdempotencyKey() });
  }

  async function act(action: 'order' | 'cancel' | 'close'): Promise<void> {
    if (!order.value) return;
    const input = { id: order.value.id, idempotencyKey: newIdempotencyKey() };
    const name = action === 'order' ? 'purchaseOrders.order' : action === 'cancel' ? 'purchaseOrders.cancel' : 'purchaseOrders.close';
    order.value = await client[name](input);
  }

  async function receive(lines: Array<{ lineId: string; quantity: number }>): Promise<PurchaseOrder | null> {
    if (!order.value) return null;
    order.value = await client['purchaseOrders.receive']({ id: order.value.id, lines, idempotencyKey: newIdempotencyKey() });
    return order.value;
  }

  /** The products a scanned or typed code names (SKU or any spelling of a GTIN). */
  async function lookup(code: string): Promise<Product[]> {
    return (await client['products.lookup']({ code })).products;
  }

  return { order, load, saveLines, act, receive, lookup };
});
