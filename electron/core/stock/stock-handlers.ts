import type { Handlers } from '../../../shared/contract';
import type { StockService } from './stock-service';

export type StockOperation =
  | 'stock.get'
  | 'stock.receive'
  | 'stock.adjust'
  | 'stock.count'
  | 'stock.transfer'
  | 'stock.return'
  | 'stock.sell'
  | 'movements.list'
  | 'reservations.list'
  | 'reservations.create'
  | 'reservations.fulfil'
  | 'reservations.release';

export type StockHandlerDeps = {
  stock: Pick<StockService, 'get' | 'receive' | 'adjust' | 'count' | 'transfer' | 'returnStock' | 'sell' | 'movements' | 'reservations' | 'reserve' | 'fulfil' | 'release'>;
};

/** The stock, movement and reservation operations of the contract. */
export function createStockHandlers({ stock }: StockHandlerDeps): Pick<Handlers, StockOperation> {
  return {
    'stock.get': (input) => stock.get(input.sku),
    'stock.receive': (input) => stock.receive(input),
    'stock.adjust': (input) => stock.adjust(input),
    'stock.count': (input) => stock.count(input),
    'stock.transfer': (input) => stock.transfer(input),
    'stock.return': (input) => stock.returnStock(input),
    'stock.sell': (input) => stock.sell(input),
    'movements.list': (input) => stock.movements(input),
    'reservations.list': (input) => stock.reservations(input),
    'reservations.create': (input) => stock.reserve(input),
    'reservations.fulfil': (input) => stock.fulfil(input),
    'reservations.release': (input) => stock.release(input),
  };
}
