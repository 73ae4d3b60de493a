import type { Handlers } from '../../shared/contract';
import { latestSeq, listChanges } from './changes/change-log';
import type { Core } from './core';
import { publicLocation } from './locations/locations';
import { createCatalogHandlers } from './catalog/catalog-handlers';
import { createStatsHandlers, StatsService } from './stats/stats-service';
import { createChannelHandlers } from './channels/channel-handlers';
import { createPublishHandlers } from './publish/publish-handlers';
import { previewProduct } from './publish/preview';

/** The contract, implemented by the core's services. Hosts parse input before calling these. */
export function createHandlers(core: Pick<Core, 'db' | 'products' | 'stock' | 'settings' | 'locations' | 'summary' | 'queue' | 'handlers' | 'webhooks' | 'orders' | 'counts' | 'tokens' | 'publisher'>): Handlers {
  const { db, products, stock, settings, locations, queue } = core;
  return {
    'products.list': (input) => products.list(input),
    'products.get': (input) => products.get(input.idOrSku),
    'products.create': (input) => products.create(input),
    'products.update': (input) => products.update(input),
    'products.bulk': (input) => products.bulk(input),
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
    'changes.latest': async () => ({ seq: await latestSeq(db) }),
    'settings.get': () => settings.get(),
    'settings.update': (input) => settings.update(input),
    ...createCatalogHandlers(core),
    ...createStatsHandlers(new StatsService({ db, shopBufferStock: () => settings.current().bufferStock })),
    ...core.webhooks.handlers(),
    ...createChannelHandlers(core),
    ...createPublishHandlers(core),
    'publish.preview': (input) =>
      previewProduct({ db, summary: core.summary, settings: () => settings.current() }, input.sku),
  };
}
