import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../shared/contract';
import type { Actor } from '../../../shared/schemas/actor';
import type { PurchaseOrder } from '../../../shared/schemas/purchase-orders';
import type { Product } from '../../../shared/schemas/product';
import { useClient } from '../api/app-api';
import { conflictField } from '../api/errors';
import { newIdempotencyKey } from '../api/idempotency-key';
import { useChangesStore } from './changes';

/** The purchase order on screen: its lines while a draft, ordering, receipts, cancel and close; kept live. */
export const usePurchaseOrderStore = defineStore('purchase-order', () => {
  const client = useClient();
  const order = ref<PurchaseOrder | null>(null);
  /**
   * Where the order on screen last came from: this screen's own action, or a change made elsewhere
   * (the change log, or a save refused because of one). A form with unsaved edits merges `elsewhere`
   * versions into them instead of being reset; `changedBy` is who made that change, when known.
   */
  const origin = ref<'own' | 'elsewhere'>('own');
  const changedBy = ref<Actor | null>(null);

  function show(next: PurchaseOrder, from: 'own' | 'elsewhere', actor: Actor | null = null): PurchaseOrder {
    // A reload started before this screen's own save can answer after it: never go back a version.
    const current = order.value;
    if (from === 'elsewhere' && current?.id === next.id && next.updatedAt < current.updatedAt) return current;
    origin.value = from;
    changedBy.value = actor;
    order.value = next;
    return next;
  }

  async function load(id: string): Promise<PurchaseOrder> {
    return show(await client['purchaseOrders.get']({ id }), 'own');
  }

  useChangesStore().on(['purchase_order.changed', 'purchase_order.ordered', 'purchase_order.received'], (changes) => {
    const id = order.value?.id;
    const mine = changes.filter((c) => c.payload.id === id);
    if (!id || mine.length === 0) return;
    const actor = mine[mine.length - 1]?.actor ?? null;
    void client['purchaseOrders.get']({ id })
      .then((next) => {
        if (order.value?.id === id) show(next, 'elsewhere', actor);
      })
      .catch(() => undefined);
  });

  /**
   * Saves a draft's lines made from the version `expectedUpdatedAt`. When the order changed
   * elsewhere since, nothing is saved: the current version is loaded (as a change from elsewhere,
   * for the form to merge) and 'changed' is returned.
   */
  async function saveLines(lines: NonNullable<Input<'purchaseOrders.update'>['lines']>, expectedUpdatedAt: string): Promise<'saved' | 'changed'> {
    if (!order.value) return 'saved';
    const id = order.value.id;
    try {
      show(await client['purchaseOrders.update']({ id, lines, expectedUpdatedAt, idempotencyKey: newIdempotencyKey() }), 'own');
      return 'saved';
    } catch (failure) {
      const field = conflictField(failure);
      if (field !== 'updatedAt' && field !== 'lines') throw failure;
      show(await client['purchaseOrders.get']({ id }), 'elsewhere');
      return 'changed';
    }
  }

  /**
   * Takes a step on the version on screen (sent as `expectedUpdatedAt`). When the order changed
   * elsewhere since, or its status no longer allows the step, nothing happens: the current version
   * is loaded (as a change from elsewhere) and 'changed' is returned, for the screen to say so.
   */
  async function step(run: (version: { id: string; expectedUpdatedAt: string; idempotencyKey: string }) => Promise<PurchaseOrder>): Promise<'done' | 'changed'> {
    if (!order.value) throw new Error('no purchase order is loaded');
    const { id, updatedAt } = order.value;
    try {
      show(await run({ id, expectedUpdatedAt: updatedAt, idempotencyKey: newIdempotencyKey() }), 'own');
      return 'done';
    } catch (failure) {
      const field = conflictField(failure);
      if (field !== 'updatedAt' && field !== 'status') throw failure;
      show(await client['purchaseOrders.get']({ id }), 'elsewhere');
      return 'changed';
    }
  }

  /** Places, cancels or closes the order on screen; 'changed' when it changed elsewhere first (see step). */
  function act(action: 'order' | 'cancel' | 'close'): Promise<'done' | 'changed'> {
    const name = action === 'order' ? 'purchaseOrders.order' : action === 'cancel' ? 'purchaseOrders.cancel' : 'purchaseOrders.close';
    return step((input) => client[name](input));
  }

  /** Books goods that arrived on the order on screen; 'changed' when it changed elsewhere first (see step). */
  function receive(lines: Array<{ lineId: string; quantity: number }>): Promise<'done' | 'changed'> {
    return step((input) => client['purchaseOrders.receive']({ ...input, lines }));
  }

  /** The products a scanned or typed code names (SKU or any spelling of a GTIN). */
  async function lookup(code: string): Promise<Product[]> {
    return (await client['products.lookup']({ code })).products;
  }

  return { order, origin, changedBy, load, saveLines, act, receive, lookup };
});
