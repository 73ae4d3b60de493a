/**
 * Loads under way, per key, so concurrent misses of one key share one database load. A storefront
 * asks for the same SKUs from many connections at once: in the serve bench (issue 20: 50
 * connections, 200 SKUs, 500 writes/s) every write made all 50 connections miss the written SKU
 * together and load it 50 times, and the cache in process, with no writes at all, still ran about
 * 1,700 database loads a second from that herd alone (measured with knex's query event).
 *
 * A load may be joined only by reads that could have started it themselves: the cache forgets a
 * key's load when the key is invalidated, so a read after an acknowledged write never gets an
 * answer loaded before it. `stamp` narrows that further where the cache is shared (Redis): a load
 * is joined only by a read that saw the same version of the key as the load did.
 */
type Flight = { stamp: string; value: Promise<unknown> };

export class LoadFlights {
  private readonly flights = new Map<string, Flight>();

  /** The answer of the load of `key` under way since `stamp`, if there is one. */
  join<T>(key: string, stamp = ''): Promise<T> | undefined {
    const flight = this.flights.get(key);
    return flight && flight.stamp === stamp ? (flight.value as Promise<T>) : undefined;
  }

  /** Records `loading` as the load of each of `keys` (seen at `stamps`, default all ''); returns it. */
  start<T>(keys: string[], loading: Promise<Map<string, T>>, stamps?: string[]): Promise<Map<string, T>> {
    keys.forEach((key, i) => {
      const flight: Flight = { stamp: stamps?.[i] ?? '', value: loading.then((loaded) => loaded.get(key)) };
      // The joiners handle a failure; the cache's own caller awaits `loading` itself.
      flight.value.catch(() => undefined);
      this.flights.set(key, flight);
      const done = () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      };
      flight.value.then(done, done);
    });
    return loading;
  }

  /** Invalidated keys: a later read must load them afresh. */
  forget(keys: string[] | 'all'): void {
    if (keys === 'all') this.flights.clear();
    else for (const key of keys) this.flights.delete(key);
  }
}
