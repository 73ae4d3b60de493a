/**
 * The role each operation needs (issue 20), one table for every host that checks it: the HTTP
 * server refuses a person whose role is below it (403), and the app hides what a person may not do.
 * A viewer reads; staff also change products and stock (receive, count, reserve, import, publish,
 * suppliers and purchase orders); the owner also changes settings, secrets, locations, webhooks,
 * the sales channels' connections, backups, the API token and people. The API token acts as the
 * owner, and so does the desktop app.
 *
 * A `Record` over every operation name: an operation added to the contract does not compile until
 * it is given a role here, so none is open to everyone by accident.
 */
import type { OperationName } from './operation-names';
import type { Role } from './schemas/users';

export const OPERATION_ROLES = {
  'products.list': 'viewer',
  'products.get': 'viewer',
  'products.create': 'staff',
  'products.update': 'staff',
  'products.bulk': 'staff',
  'products.lookup': 'viewer',
  'products.counts': 'viewer',
  // Deleting is allowed only for a product with no history (the rest is archived): a product change like any other.
  'products.delete': 'staff',
  'products.bulkJobs.start': 'staff',
  // A job's progress and the products it refused: what anyone watching the list may see.
  'products.bulkJobs.get': 'viewer',
  'products.bulkJobs.list': 'viewer',
  'products.bulkJobs.cancel': 'staff',
  'stock.get': 'viewer',
  'stock.receive': 'staff',
  'stock.adjust': 'staff',
  'stock.count': 'staff',
  'stock.transfer': 'staff',
  'stock.return': 'staff',
  'stock.sell': 'staff',
  'movements.list': 'viewer',
  'reservations.list': 'viewer',
  'reservations.create': 'staff',
  'reservations.fulfil': 'staff',
  'reservations.release': 'staff',
  'reservations.undoFulfil': 'staff',
  'locations.list': 'viewer',
  'locations.create': 'owner',
  'changes.list': 'viewer',
  'changes.latest': 'viewer',
  'stats.overview': 'viewer',
  'stats.stockHistory': 'viewer',
  'stats.movementsPerDay': 'viewer',
  // Everyone reads the settings (currency, number format, locations for the screens); secrets are never in them.
  'settings.get': 'viewer',
  'settings.update': 'owner',
  'publish.status': 'viewer',
  'publish.issues': 'viewer',
  'publish.run': 'staff',
  'publish.preview': 'viewer',
  'catalog.import': 'staff',
  'catalog.export': 'viewer',
  // The first-run sample catalogue: a decision about the whole shop.
  'catalog.loadSample': 'owner',
  // Webhooks are settings: where the shop's data goes.
  'webhooks.list': 'owner',
  'webhooks.create': 'owner',
  'webhooks.update': 'owner',
  'webhooks.delete': 'owner',
  'webhooks.deliveries': 'owner',
  'webhooks.retry': 'owner',
  'stock.counts': 'staff',
  'orders.exceptions': 'viewer',
  'orders.exceptions.resolve': 'staff',
  'orders.history': 'viewer',
  'auth.rotateToken': 'owner',
  // Buying stock is staff's work, like receiving it. Supplier prices and costs are not secrets: staff
  // enter them, and everyone reads them (the dashboard's stock value at cost is built from them).
  'suppliers.list': 'viewer',
  'suppliers.get': 'viewer',
  'suppliers.create': 'staff',
  'suppliers.update': 'staff',
  'suppliers.delete': 'staff',
  'products.suppliers.get': 'viewer',
  'products.suppliers.set': 'staff',
  'products.reorder.get': 'viewer',
  'products.reorder.set': 'staff',
  'replenishment.suggestions': 'viewer',
  'replenishment.overview': 'viewer',
  'purchaseOrders.list': 'viewer',
  'purchaseOrders.get': 'viewer',
  'purchaseOrders.create': 'staff',
  'purchaseOrders.update': 'staff',
  'purchaseOrders.order': 'staff',
  'purchaseOrders.receive': 'staff',
  'purchaseOrders.cancel': 'staff',
  'purchaseOrders.close': 'staff',
  // The channels' state is for everyone to read; what calls a channel with the shop's credentials
  // (pulling its catalogue, sending a push again, a drift check that queues corrections) is the owner's.
  'channels.status': 'viewer',
  'channels.pushes': 'viewer',
  'channels.drift': 'viewer',
  'channels.matches': 'viewer',
  'channels.connect': 'owner',
  'channels.retry': 'owner',
  'channels.reconcile': 'owner',
  // A backup is the whole database (every secret in the settings with it), and its list names the
  // files on the server; a restore replaces everyone's data.
  'backups.list': 'owner',
  'backups.create': 'owner',
  'backups.restore': 'owner',
  'users.list': 'owner',
  'users.create': 'owner',
  'users.update': 'owner',
  'users.delete': 'owner',
  // What a storefront may show: anyone signed in may read it too (a storefront token reaches these two only).
  'availability.list': 'viewer',
  'availability.get': 'viewer',
  // A storefront token is a secret that reads the shop's stock from outside: the owner's to give and take back.
  'storefrontTokens.list': 'owner',
  'storefrontTokens.create': 'owner',
  'storefrontTokens.delete': 'owner',
} as const satisfies Record<OperationName, Role>;

/** The role an operation needs. */
export function operationRole(name: OperationName): Role {
  return OPERATION_ROLES[name];
}
