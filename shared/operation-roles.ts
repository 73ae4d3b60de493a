/**
 * The role each operation needs (issue 20), one table for every host that checks it: the HTTP
 * server refuses a person whose role is below it (403), and the app hides what a person may not do.
 * A viewer reads; staff also change products and stock (receive, count, reserve, import, publish);
 * the owner also changes settings, secrets, locations, webhooks, the API token and people. The API
 * token acts as the owner, and so does the desktop app.
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
  'auth.rotateToken': 'owner',
  'users.list': 'owner',
  'users.create': 'owner',
  'users.update': 'owner',
  'users.delete': 'owner',
} as const satisfies Record<OperationName, Role>;

/** The role an operation needs. */
export function operationRole(name: OperationName): Role {
  return OPERATION_ROLES[name];
}
