/** Desktop notifications for committed changes; which changes deserve one is decided in stock-alerts.ts. */
import { Notification } from 'electron';
import type { Change } from '../../shared/schemas/changes';
import type { Core } from '../core/core';
import { soldOutChanges, stockAlertFor } from './stock-alerts';

/** Titles of the products a notification names; a product that cannot be read is named by SKU. */
async function productTitles(core: Pick<Core, 'products'>, changes: readonly Change[]): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  for (const change of changes) {
    if (!change.sku) continue;
    try {
      titles.set(change.sku, (await core.products.get(change.sku)).title);
    } catch {
      // Deleted or renamed meanwhile: the SKU alone still says which product it is.
    }
  }
  return titles;
}

/** Notifies when products go out of stock; `onClick` brings the app forward. Returns the unsubscribe. */
export function notifyStockOuts(core: Pick<Core, 'bus' | 'products'>, onClick: () => void): () => void {
  return core.bus.subscribe((changes) => {
    const soldOut = soldOutChanges(changes);
    if (soldOut.length === 0 || !Notification.isSupported()) return;
    void productTitles(core, soldOut.slice(0, 3)).then((titles) => {
      const alert = stockAlertFor(soldOut, titles);
      if (!alert) return;
      const notification = new Notification(alert);
      notification.on('click', onClick);
      notification.show();
    });
  });
}
