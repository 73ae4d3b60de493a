/**
 * The fixed list of operations the UI may call. The preload script exposes exactly these (and
 * imports nothing else, so it stays tiny); `contract.ts` checks that it matches the contract.
 */
export const OPERATION_NAMES = [
  'products.list',
  'products.get',
  'products.create',
  'products.update',
  'products.bulk',
  'products.lookup',
  'products.counts',
  'products.delete',
  'products.bulkJobs.start',
  'products.bulkJobs.get',
  'products.bulkJobs.list',
  'products.bulkJobs.cancel',
  'stock.get',
  'stock.receive',
  'stock.adjust',
  'stock.count',
  'stock.transfer',
  'stock.return',
  'stock.sell',
  'movements.list',
  'reservations.list',
  'reservations.create',
  'reservations.fulfil',
  'reservations.release',
  'reservations.undoFulfil',
  'locations.list',
  'locations.create',
  'changes.list',
  'changes.latest',
  'stats.overview',
  'stats.stockHistory',
  'stats.movementsPerDay',
  'settings.get',
  'settings.update',
  'publish.status',
  'publish.issues',
  'publish.run',
  'publish.preview',
  'catalog.import',
  'catalog.export',
  'catalog.loadSample',
  'webhooks.list',
  'webhooks.create',
  'webhooks.update',
  'webhooks.delete',
  'webhooks.deliveries',
  'webhooks.retry',
  'stock.counts',
  'orders.exceptions',
  'orders.exceptions.resolve',
  'orders.history',
  'auth.rotateToken',
  'suppliers.list',
  'suppliers.get',
  'suppliers.create',
  'suppliers.update',
  'suppliers.delete',
  'products.suppliers.get',
  'products.suppliers.set',
  'products.reorder.get',
  'products.reorder.set',
  'replenishment.suggestions',
  'replenishment.overview',
  'purchaseOrders.list',
  'purchaseOrders.get',
  'purchaseOrders.create',
  'purchaseOrders.update',
  'purchaseOrders.order',
  'purchaseOrders.receive',
  'purchaseOrders.cancel',
  'purchaseOrders.close',
  'channels.connect',
  'channels.matches',
  'channels.status',
  'channels.pushes',
  'channels.retry',
  'channels.reconcile',
  'channels.drift',
  'backups.list',
  'backups.create',
  'backups.restore',
  'users.list',
  'users.create',
  'users.update',
  'users.delete',
  'availability.list',
  'availability.get',
  'storefrontTokens.list',
  'storefrontTokens.create',
  'storefrontTokens.delete',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

/** The IPC channel of an operation; one channel per operation, never a generic one. */
export function ipcChannel(name: OperationName): string {
  return `stockfeed:${name}`;
}

/**
 * The desktop shell's few channels that are not contract operations, each with one fixed purpose
 * (the preload exposes a named function for each, never the channel itself).
 */
export const SHELL_CHANNELS = {
  /** main → page: change-log entries, pushed as they are committed. */
  changes: 'stockfeed-shell:changes',
  /** main → page: the app menu asks for one of a fixed list of screens. */
  navigate: 'stockfeed-shell:navigate',
  /** page → main: open the configured publish folder in the file manager. */
  openPublishFolder: 'stockfeed-shell:open-publish-folder',
  /** main → page: the update flow's state (the "Restart to update" banner). */
  update: 'stockfeed-shell:update',
  /** page → main: the owner's answer to the banner, "restart" or "later". */
  updateAction: 'stockfeed-shell:update-action',
} as const;
