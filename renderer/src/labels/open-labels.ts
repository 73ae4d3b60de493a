import type { Router } from 'vue-router';
import { useLabelsStore } from '../stores/labels';
import type { LabelRequest } from './label-lines';

/**
 * Opens the Labels screen for these products: one label each unless a quantity is given. The
 * Products screen passes its selection; a received purchase order passes its lines with the
 * quantities received. The screen shows the products as they load.
 */
export async function openLabels(router: Router, requests: readonly LabelRequest[]): Promise<void> {
  void useLabelsStore().prepare(requests);
  await router.push({ name: 'labels' });
}
