import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { OrderHistoryEntry } from '../../../shared/schemas/order-history';
import { useClient } from '../api/app-api';
import { useChangesStore } from './changes';

const PAGE = 20;

/** Fulfilled, released and expired orders, newest first, a page at a time; the first page kept live. */
export const useOrderHistoryStore = defineStore('order-history', () => {
  const client = useClient();
  const orders = ref<OrderHistoryEntry[]>([]);
  /** Where the next (older) page starts; null when there is none. */
  const next = ref<string | null>(null);
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    const page = await client['orders.history']({ limit: PAGE });
    orders.value = page.orders;
    next.value = page.next;
    loaded.value = true;
  }

  async function loadOlder(): Promise<void> {
    if (next.value === null) return;
    const page = await client['orders.history']({ limit: PAGE, before: next.value });
    orders.value = [...orders.value, ...page.orders];
    next.value = page.next;
  }

  // An order settled anywhere (a channel, a script, another window) shows at the top; the pages
  // already read are read again, so nothing is listed twice or missed when the first page shifts.
  useChangesStore().on(['stock.changed', 'order.changed'], (changes) => {
    if (!loaded.value) return;
    if (!changes.some((c) => c.type === 'order.changed' || c.payload.reservation !== undefined)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload().catch(() => undefined), 150);
  });

  async function reload(): Promise<void> {
    const pages = Math.max(1, Math.ceil(orders.value.length / PAGE));
    await load();
    for (let i = 1; i < pages && next.value !== null; i++) await loadOlder();
  }

  return { orders, next, loaded, load, loadOlder, reload };
});
