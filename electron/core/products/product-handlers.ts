import type { Handlers } from '../../../shared/contract';
import type { ProductService } from './product-service';

export type ProductOperation = 'products.list' | 'products.get' | 'products.create' | 'products.update' | 'products.bulk' | 'products.lookup';

export type ProductHandlerDeps = { products: Pick<ProductService, 'list' | 'get' | 'create' | 'update' | 'bulk' | 'lookup'> };

/** The product operations of the contract. Hosts parse input before calling these. */
export function createProductHandlers({ products }: ProductHandlerDeps): Pick<Handlers, ProductOperation> {
  return {
    'products.list': (input) => products.list(input),
    'products.get': (input) => products.get(input.idOrSku),
    'products.create': (input) => products.create(input),
    'products.update': (input) => products.update(input),
    'products.bulk': (input) => products.bulk(input),
    'products.lookup': (input) => products.lookup(input.code),
  };
}
