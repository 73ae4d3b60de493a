import type { Handlers } from '../../shared/contract';
import { listChanges } from './changes/change-log';
import type { Core } from './core';
import { publicLocation } from './locations/locations';

/** The contract, implemented by the core's services. Hosts parse input before calling these. */
export function createHandlers(core: Pick<Core, 'db' | 'products' | 'stock' | 'settings' | 'locations' | 'queue'>): Handlers {
  const { db, products, stock, settings, locations, queue } = core;
  return {
    'products.list': (input) => products.list(input),
    'products.get': (input) => products.get(input.idOrSku),
    'products.create': (input) => products.create(input),
    'products.update': (input) => products.update(input),
    'stock.get': (input) => stock.get(input.sku),
    'stock.receive': (input) => stock.receive(input),
    'stock.adjust': (input) => stock.adjust(input),
    'stock.count': (input) => stock.count(input),
    'stock.transfer': (input) => stock.transfer(input),
    'stock.return': (input) => stock.returnStock(input),
    'movements.list': (input) => stock.movements(input),
    'reservations.list': (input) => stock.reservations(input),
    'reservations.create': (input) => stock.reserve(input),
    'reservations.fulfil': (input) => stock.fulfil(input),
    'reservations.release': (input) => stock.release(input),
    'locations.list': async () => {
      await locations.load(db);
      return { locations: locations.list().map(publicLocation) };
    },
    'locations.create': (input) => queue.exclusive((ctx) => locations.create(ctx, input)),
    'changes.list': (input) => listChanges(db, input),
    'settings.get': () => settings.get(),
    'settings.update': (input) => settings.update(input),
  };
}
