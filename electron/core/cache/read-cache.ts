/**
 * The read cache for stock and availability answers. Entries leave it only when the change log
 * says they changed (never by time alone), so a read after an acknowledged write sees the write:
 * the write queue awaits the invalidation before it answers the writer.
 *
 * The trap every such cache has: a read that started before a write, loaded the old value, and
 * stores it after the write's invalidation. Here a load remembers what was invalidated while it
 * ran, and stores nothing for those keys.
 */
import { LoadFlights } from './load-flights';

/**
 * memory: in this process; redis: shared by every server; degraded: Redis unreachable, reads go to
 * the database; off: no cache (measurements).
 */
export type CacheState = 'memory' | 'redis' | 'degraded' | 'off';

export type ReadCache = {
  /**
   * The values of `keys`, reading those not cached through `load` (one call for all of them).
   * `load` answers every key it was given (a missing thing is a value too, e.g. null).
   */
  getMany<T>(keys: string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>>;
  /**
   * The value of `key` when it can be had at once, without waiting for anything; undefined
   * otherwise (not cached, being loaded, or a cache that must be asked over the network). As
   * current as getMany: an invalidated entry is gone before the write that changed it is answered.
   */
  peek<T>(key: string): T | undefined;
  /** Drops keys (or everything); resolves once no later read can see the old values. */
  invalidate(keys: string[] | 'all'): Promise<void>;
  /**
   * The in-process cache only (absent elsewhere): a point from which `replace` can tell whether a
   * key was invalidated since. Until `release`, the cache remembers the invalidations it sees.
   */
  mark?(): CacheMark;
  /**
   * Puts values worked out from what was committed in place of the cached ones, as one
   * invalidation of those keys followed by a store: a load that started before it stores nothing
   * for them. A key invalidated since `mark` (a change that may be newer than the values) is only
   * dropped; those keys are returned, for the caller to read.
   */
  replace?(mark: CacheMark, values: Map<string, unknown>): string[];
  release?(mark: CacheMark): void;
  state(): CacheState;
  close(): Promise<void>;
};

/** What `ReadCache.mark` returns: the invalidations counted until then. */
export type CacheMark = { readonly counter: number; readonly epoch: number; released: boolean };

/** The in-process cache (one server, or each server its own when there is no Redis). */
export class MemoryCache implements ReadCache {
  private readonly entries = new Map<string, unknown>();
  /** Invalidations seen while loads ran: key → the invalidation counter then. */
  private readonly recent = new Map<string, number>();
  private counter = 0;
  private everything = 0;
  private loading = 0;
  private readonly flights = new LoadFlights();

  constructor(private readonly maxEntries = 100_000) {}

  async getMany<T>(keys: string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    const missing: string[] = [];
    let joined: Array<[string, Promise<T>]> | undefined;
    for (const key of keys) {
      if (this.entries.has(key)) {
        out.set(key, this.entries.get(key) as T);
        continue;
      }
      const flight = this.flights.join<T>(key);
      if (flight) (joined ??= []).push([key, flight]);
      else missing.push(key);
    }
    if (missing.length > 0) await this.loadMissing(missing, load, out);
    if (joined) for (const [key, flight] of joined) out.set(key, await flight);
    return out;
  }

  peek<T>(key: string): T | undefined {
    return this.entries.get(key) as T | undefined;
  }

  /** Loads `missing` into `out`, as the load others may join, and stores what no invalidation overtook. */
  private async loadMissing<T>(missing: string[], load: (missing: string[]) => Promise<Map<string, T>>, out: Map<string, T>): Promise<void> {
    const startedAt = this.counter;
    const epoch = this.everything;
    this.loading++;
    let loaded: Map<string, T>;
    try {
      loaded = await this.flights.start(missing, load(missing));
    } finally {
      this.loading--;
    }
    for (const [key, value] of loaded) {
      out.set(key, value);
      const invalidatedAt = this.recent.get(key);
      if (epoch === this.everything && (invalidatedAt === undefined || invalidatedAt <= startedAt)) this.store(key, value);
    }
    // No load older than the invalidations remembered is left: forget them.
    if (this.loading === 0) this.recent.clear();
  }

  async invalidate(keys: string[] | 'all'): Promise<void> {
    this.flights.forget(keys);
    if (keys === 'all') {
      this.everything++;
      this.entries.clear();
      return;
    }
    this.counter++;
    for (const key of keys) {
      this.entries.delete(key);
      if (this.loading > 0) this.recent.set(key, this.counter);
    }
  }

  mark(): CacheMark {
    // Counted as a load: `recent` keeps the invalidations made until it is released.
    this.loading++;
    return { counter: this.counter, epoch: this.everything, released: false };
  }

  replace(mark: CacheMark, values: Map<string, unknown>): string[] {
    const keys = [...values.keys()];
    const stale = mark.released || mark.epoch !== this.everything;
    this.flights.forget(keys);
    this.counter++;
    const refused: string[] = [];
    for (const [key, value] of values) {
      const invalidatedAt = this.recent.get(key);
      this.entries.delete(key);
      if (this.loading > 0) this.recent.set(key, this.counter);
      if (stale || (invalidatedAt !== undefined && invalidatedAt > mark.counter)) refused.push(key);
      else this.store(key, value);
    }
    return refused;
  }

  release(mark: CacheMark): void {
    if (mark.released) return;
    mark.released = true;
    this.loading--;
    if (this.loading === 0) this.recent.clear();
  }

  state(): CacheState {
    return 'memory';
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private store(key: string, value: unknown): void {
    if (this.entries.size >= this.maxEntries) {
      // The oldest entry first (a Map keeps insertion order).
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
}

/** No cache: every read goes to the database (to measure what the cache buys). */
export class NoCache implements ReadCache {
  getMany<T>(keys: string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
    return load(keys);
  }

  peek(): undefined {
    return undefined;
  }

  async invalidate(): Promise<void> {}

  state(): CacheState {
    return 'off';
  }

  async close(): Promise<void> {}
}
