import type { Handlers } from '../../../shared/contract';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import { publicLocation, type LocationDirectory } from './locations';

export type LocationOperation = 'locations.list' | 'locations.create';

export type LocationHandlerDeps = { db: Db; queue: ExclusiveWriter; locations: LocationDirectory };

/** The location operations of the contract. */
export function createLocationHandlers({ db, queue, locations }: LocationHandlerDeps): Pick<Handlers, LocationOperation> {
  return {
    'locations.list': async () => {
      // Read again: another process sharing the database may have added one.
      await locations.load(db);
      return { locations: locations.list().map(publicLocation) };
    },
    'locations.create': (input) => queue.exclusive((ctx) => locations.create(ctx, input)),
  };
}
