import type { Handlers } from '../../../shared/contract';
import type { LocationDirectory } from '../locations/locations';
import type { Db } from '../util/db-helpers';
import type { ProductPurchasing, PurchasingSettings } from './product-purchasing';
import type { PurchaseOrderService } from './purchase-order-service';
import { replenishmentOverview } from './purchasing-overview';
import { replenishmentSuggestions } from './suggestions';
import type { SupplierService } from './supplier-service';

export type PurchasingOperation =
  | 'suppliers.list'
  | 'suppliers.get'
  | 'suppliers.create'
  | 'suppliers.update'
  | 'suppliers.delete'
  | 'products.suppliers.get'
  | 'products.suppliers.set'
  | 'products.reorder.get'
  | 'products.reorder.set'
  | 'replenishment.suggestions'
  | 'replenishment.overview'
  | 'purchaseOrders.list'
  | 'purchaseOrders.get'
  | 'purchaseOrders.create'
  | 'purchaseOrders.update'
  | 'purchaseOrders.order'
  | 'purchaseOrders.receive'
  | 'purchaseOrders.cancel'
  | 'purchaseOrders.close';

export type PurchasingHandlerDeps = {
  db: Db;
  locations: LocationDirectory;
  settings(): PurchasingSettings;
  suppliers: SupplierService;
  productPurchasing: ProductPurchasing;
  purchaseOrders: PurchaseOrderService;
};

/** Suppliers, reorder settings, suggestions and purchase orders. */
export function createPurchasingHandlers(deps: PurchasingHandlerDeps): Pick<Handlers, PurchasingOperation> {
  const { suppliers, productPurchasing, purchaseOrders } = deps;
  return {
    'suppliers.list': () => suppliers.list(),
    'suppliers.get': (input) => suppliers.get(input.id),
    'suppliers.create': (input) => suppliers.create(input),
    'suppliers.update': (input) => suppliers.update(input),
    'suppliers.delete': (input) => suppliers.delete(input),
    'products.suppliers.get': (input) => productPurchasing.suppliers(input.idOrSku),
    'products.suppliers.set': (input) => productPurchasing.setSuppliers(input),
    'products.reorder.get': (input) => productPurchasing.reorder(input.idOrSku),
    'products.reorder.set': (input) => productPurchasing.setReorder(input),
    'replenishment.suggestions': (input) => replenishmentSuggestions(deps.db, deps.locations, deps.settings(), input),
    'replenishment.overview': () => replenishmentOverview(deps.db),
    'purchaseOrders.list': (input) => purchaseOrders.list(input),
    'purchaseOrders.get': (input) => purchaseOrders.get(input.id),
    'purchaseOrders.create': (input) => purchaseOrders.create(input),
    'purchaseOrders.update': (input) => purchaseOrders.update(input),
    'purchaseOrders.order': (input) => purchaseOrders.order(input),
    'purchaseOrders.receive': (input) => purchaseOrders.receive(input),
    'purchaseOrders.cancel': (input) => purchaseOrders.cancel(input),
    'purchaseOrders.close': (input) => purchaseOrders.close(input),
  };
}
