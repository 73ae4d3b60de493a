import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Output } from '../../../shared/contract';
import { useClient } from '../api/app-api';
import { useChangesStore } from './changes';

/** The dashboard's purchasing figures, reloaded when stock or purchase orders move. */
export const usePurchasingOverviewStore = defineStore('purchasing-overview', () => {
  const client = useClient();
  const overview = ref<Output<'replenishment.overview'> | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    overview.value = await client['replenishment.overview']({});
  }

  useChangesStore().on(['stock.changed', 'purchase_order.changed', 'purchase_order.ordered', 'purchase_order.received', 'replenishment.changed'], () => {
    if (!overview.value) return;
    clearTimeout(timer);
    timer = setTimeout(() => void load().catch(() => undefined), 500);
  });

  return { overview, load };
});
