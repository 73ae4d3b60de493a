import type { Handlers } from '../../../shared/contract';
import type { ExclusiveWriter } from '../write-queue';
import type { ProductBulk } from './product-bulk';
import { deleteProduct } from './product-delete';
import type { ProductService } from './product-service';

export type ProductOperation =
  | 'products.list'
  | 'products.get'
  | 'products.create'
  | 'products.update'
  | 'products.bulk'
  | 'products.counts'
  | 'products.delete'
  | 'products.bulkJobs.start'
  | 'products.bulkJobs.get'
  | 'products.bulkJobs.list'
  | 'products.bulkJobs.cancel'
  | 'products.lookup';

export type ProductHandlerDeps = {
  products: Pick<ProductService, 'list' | 'get' | 'create' | 'update' | 'counts' | 'lookup'>;
  bulk: Pick<ProductBulk, 'apply' | 'start' | 'get' | 'list' | 'cancel'>;
  /** The transaction a deletion runs in. */
  queue: ExclusiveWriter;
};

/** The product operations of the contract. Hosts parse input before calling these. */
export function createProductHandlers({ products, bulk, queue }: ProductHandlerDeps): Pick<Handlers, ProductOperation> {
  return {
    'products.list': (input) => products.list(input),
    'products.get': (input) => products.get(input.idOrSku),
    'products.create': (input) => products.create(input),
    'products.update': (input) => products.update(input),
    'products.bulk': (input) => bulk.apply(input),
    'products.counts': (input) => products.counts(input),
    'products.delete': (input) => deleteProduct(queue, input),
    'products.bulkJobs.start': (input) => bulk.start(input),
    'products.bulkJobs.get': async (input) => bulk.get(input.id),
    'products.bulkJobs.list': async () => bulk.list(),
    'products.bulkJobs.cancel': (input) => bulk.cancel(input.id),
    'products.lookup': (input) => products.lookup(input.code),
  };
}
