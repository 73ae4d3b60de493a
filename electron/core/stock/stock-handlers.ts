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
  | 'reservations.release'
  | 'reservations.undoFulfil'
  | 'orders.history';

export type StockHandlerDeps = {
  stock: Pick<StockService, 'get' | 'receive' | 'adjust' | 'count' | 'transfer' | 'returnStock' | 'sell' | 'movements' | 'reservations' | 'reserve' | 'fulfil' | 'release' | 'undoFulfil' | 'history'>;
};

/** The stock, movement and reservation operations of the contract. */
export function createStockHandlers({ stock }: StockHandlerDeps): Pick<Handlers, StockOperation> {
  return {
    'stock.get': (input) => stock.get(input.sku),
    'stock.receive': (input, actor) => stock.receive(input, actor),
    'stock.adjust': (input, actor) => stock.adjust(input, actor),
    'stock.count': (input, actor) => stock.count(input, actor),
    'stock.transfer': (input, actor) => stock.transfer(input, actor),
    'stock.return': (input, actor) => stock.returnStock(input, actor),
    'stock.sell': (input, actor) => stock.sell(input, actor),
    'movements.list': (input) => stock.movements(input),
    'reservations.list': (input) => stock.reservations(input),
    'reservations.create': (input, actor) => stock.reserve(input, actor),
    'reservations.fulfil': (input, actor) => stock.fulfil(input, actor),
    'reservations.release': (input, actor) => stock.release(input, actor),
    'reservations.undoFulfil': (input, actor) => stock.undoFulfil(input, actor),
    'orders.history': (input) => stock.history(input),
  };
}
