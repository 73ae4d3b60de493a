/**
 * The read cache in Redis, shared by every server (REDIS_URL). Each key has a version counter
 * beside its value: an invalidation bumps the version and deletes the value in one script, and a
 * load stores its value only if the version is still the one it saw before reading the database
 * (checked inside Redis, so no invalidation can slip between the check and the store). Every
 * server invalidates for every change it hears of (its own at commit, the others' through the
 * change log), so one server's missed invalidation is covered by the others'.
 *
 * Redis unreachable: reads go to the database (`degraded`), never to a cache that may have missed
 * invalidations; when it is back, this server empties the cache before using it again.
 *
 * Concurrent misses of one key on this server share one database load (load-flights.ts), joined
 * only by a read that saw the same epoch and version in Redis as the load did: a write acknowledged
 * by any server bumped the version first, so a read after it never joins a load from before it.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { LoadFlights } from './load-flights';
import type { CacheState, ReadCache } from './read-cache';

export type RedisCacheOptions = {
  url: string;
  /** Key prefix, so several shops (or tests) can share one Redis. */
  prefix?: string;
  /** How long a value may sit unused before Redis drops it to save memory (not for correctness). */
  ttlSeconds?: number;
  /** A command slower than this counts as Redis being down. */
  commandTimeoutMs?: number;
};

// KEYS: the epoch key, then value keys and version keys (n of each); ARGV: the epoch seen, the
// versions seen, the values, then the ttl.
const STORE_IF_UNCHANGED = `
local n = (#KEYS - 1) / 2
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[#ARGV])
for i = 1, n do
  local current = redis.call('GET', KEYS[1 + n + i]) or '0'
  if current == ARGV[1 + i] then redis.call('SET', KEYS[1 + i], ARGV[1 + n + i], 'EX', ttl) end
end
return n`;

// KEYS: value keys then version keys (n of each); ARGV: the ttl of the version keys.
const INVALIDATE = `
local n = #KEYS / 2
for i = 1, n do
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[n + i])
  redis.call('EXPIRE', KEYS[n + i], tonumber(ARGV[1]))
end
return n`;

export class RedisCache implements ReadCache {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttl: number;
  /** Set when an invalidation may have been missed; cleared after the cache was emptied. */
  private dirty = true;
  /** Bumped whenever Redis was lost: a load that began before stores nothing. */
  private generation = 0;
  private purging: Promise<void> | null = null;
  private closed = false;
  private readonly flights = new LoadFlights();

  constructor(
    options: RedisCacheOptions,
    private readonly log: Logger,
  ) {
    this.prefix = options.prefix ?? 'stockfeed:cache:';
    this.ttl = options.ttlSeconds ?? 3600;
    this.redis = new Redis(options.url, {
      // Fail at once while disconnected (reads go to the database) rather than queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      retryStrategy: (times) => Math.min(100 * times, 2000),
      lazyConnect: true,
    });
    this.redis.on('error', () => this.lost());
    this.redis.on('close', () => this.lost());
    this.redis.on('ready', () => void this.recover());
  }

  /** Connects; a Redis that is down now leaves the cache degraded until it is back. */
  async connect(): Promise<void> {
    await this.redis.connect().catch((error: Error) => this.log.warn(`Redis cache unreachable (${error.message}): reading from the database`));
  }

  state(): CacheState {
    return this.usable() ? 'redis' : 'degraded';
  }

  /** Redis is asked over the network: nothing is known at once. */
  peek(): undefined {
    return undefined;
  }

  async getMany<T>(keys: string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
    if (!this.usable() || keys.length === 0) return load(keys);
    const generation = this.generation;
    let cached: Array<string | null>;
    try {
      cached = await this.redis.mget([...keys.map((k) => this.valueKey(k)), ...keys.map((k) => this.versionKey(k)), this.epochKey()]);
    } catch {
      this.lost();
      return load(keys);
    }
    const out = new Map<string, T>();
    const missing: string[] = [];
    const versions: string[] = [];
    const stamps: string[] = [];
    const joined: Array<[string, Promise<T>]> = [];
    const epoch = cached[2 * keys.length] ?? '0';
    keys.forEach((key, i) => {
      const value = cached[i];
      if (value !== null && value !== undefined) {
        out.set(key, JSON.parse(value) as T);
        return;
      }
      const version = cached[keys.length + i] ?? '0';
      const stamp = `${generation}:${epoch}:${version}`;
      const flight = this.flights.join<T>(key, stamp);
      if (flight) joined.push([key, flight]);
      else {
        missing.push(key);
        versions.push(version);
        stamps.push(stamp);
      }
    });
    if (missing.length > 0) await this.loadMissing(missing, versions, stamps, epoch, generation, load, out);
    for (const [key, flight] of joined) out.set(key, await flight);
    return out;
  }

  /** Loads `missing` into `out` as the load others may join, and stores each value unless its version moved. */
  private async loadMissing<T>(
    missing: string[],
    versions: string[],
    stamps: string[],
    epoch: string,
    generation: number,
    load: (missing: string[]) => Promise<Map<string, T>>,
    out: Map<string, T>,
  ): Promise<void> {
    const loaded = await this.flights.start(missing, load(missing), stamps);
    const stored: string[] = [];
    const seen: string[] = [];
    const values: string[] = [];
    missing.forEach((key, i) => {
      if (!loaded.has(key)) return;
      out.set(key, loaded.get(key) as T);
      stored.push(key);
      seen.push(versions[i] as string);
      values.push(JSON.stringify(loaded.get(key) ?? null));
    });
    if (stored.length > 0 && this.usable() && generation === this.generation) {
      const keyList = [this.epochKey(), ...stored.map((k) => this.valueKey(k)), ...stored.map((k) => this.versionKey(k))];
      this.redis.eval(STORE_IF_UNCHANGED, keyList.length, ...keyList, epoch, ...seen, ...values, String(this.ttl)).catch(() => this.lost());
    }
  }

  async invalidate(keys: string[] | 'all'): Promise<void> {
    if (keys !== 'all' && keys.length === 0) return;
    this.flights.forget(keys);
    if (!this.usable()) {
      // Missed: the cache is emptied before it is used again.
      this.lost();
      return;
    }
    try {
      if (keys === 'all') await this.purge();
      else {
        const keyList = [...keys.map((k) => this.valueKey(k)), ...keys.map((k) => this.versionKey(k))];
        await this.redis.eval(INVALIDATE, keyList.length, ...keyList, String(this.ttl * 24));
      }
    } catch (error) {
      this.log.warn(`Redis cache invalidation failed (${(error as Error).message}): reading from the database until it is back`);
      this.lost();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.redis.disconnect();
  }

  private usable(): boolean {
    return !this.closed && !this.dirty && this.redis.status === 'ready';
  }

  private lost(): void {
    if (!this.dirty) this.generation++;
    this.dirty = true;
  }

  private async recover(): Promise<void> {
    if (this.purging || this.closed) return;
    this.purging = (async () => {
      try {
        await this.purge();
        this.dirty = false;
        this.log.info('Redis cache reachable: reading through it again');
      } catch {
        this.dirty = true;
      } finally {
        this.purging = null;
      }
    })();
    await this.purging;
  }

  /**
   * Bumps the epoch (a load that started before, on any server, stores nothing), then deletes every
   * value (SCAN, so Redis is never blocked).
   */
  private async purge(): Promise<void> {
    await this.redis.incr(this.epochKey());
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}v:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) await this.redis.del(...found);
    } while (cursor !== '0');
  }

  private epochKey(): string {
    return `${this.prefix}epoch`;
  }

  private valueKey(key: string): string {
    return `${this.prefix}v:${key}`;
  }

  private versionKey(key: string): string {
    return `${this.prefix}n:${key}`;
  }
}
