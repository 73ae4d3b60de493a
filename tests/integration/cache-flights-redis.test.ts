/**
 * The Redis read cache shares loads under way as the one in process does (issue 20's serve bench:
 * concurrent misses of one SKU each loaded it). A load is joined only by a read that saw the same
 * version of the key in Redis, so a read after a write acknowledged by another server (which bumped
 * the version before answering) never gets an answer loaded before that write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisCache } from '../../electron/core/cache/redis-cache';
import { silentLogger } from '../../electron/core/logger';
import { startRedis, type TestRedis } from '../helpers/redis-server';
import { skipWithout, titled } from '../helpers/system-services';
import { heldLoad } from '../helpers/held-load';

const skipRedis = skipWithout('redis', 'the Redis read cache');

async function until(check: () => boolean, ms: number): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(skipRedis)(titled('the Redis read cache shares loads under way', skipRedis), () => {
  let redis: TestRedis | undefined;
  const caches: RedisCache[] = [];
  afterEach(async () => {
    for (const cache of caches.splice(0)) await cache.close();
    await redis?.stop();
  });

  /** Two servers' caches on one Redis. */
  async function twoServers(): Promise<[RedisCache, RedisCache]> {
    redis = await startRedis();
    const prefix = `f${Date.now()}:`;
    const a = new RedisCache({ url: redis.url, prefix }, silentLogger);
    const b = new RedisCache({ url: redis.url, prefix }, silentLogger);
    caches.push(a, b);
    await a.connect();
    await b.connect();
    await until(() => a.state() === 'redis' && b.state() === 'redis', 5000);
    return [a, b];
  }

  /** Until `held` has been called (the reads' MGET answered and the load began). */
  const loading = (held: { calls: string[][] }, n = 1) => until(() => held.calls.length >= n, 2000);

  it('50 concurrent misses of one key make one load, and all get its answer', async () => {
    const [a] = await twoServers();
    const held = heldLoad(7);
    const reads = Array.from({ length: 50 }, () => a.getMany(['A'], held.load));
    await loading(held);
    // Every read has had its MGET answered before the load is let go.
    await new Promise((r) => setTimeout(r, 100));
    held.release();
    const answers = await Promise.all(reads);
    expect(held.calls).toEqual([['A']]);
    expect(answers.map((m) => m.get('A'))).toEqual(Array(50).fill(7));
  });

  it('a read after another server invalidated the key does not join a load from before (read-your-writes)', async () => {
    const [a, b] = await twoServers();
    const before = heldLoad(1);
    const early = a.getMany(['A'], before.load);
    await loading(before);
    // Server B commits a write and invalidates A's key in Redis before answering; server A has not
    // heard of it yet (its own invalidation comes later, through the change log).
    await b.invalidate(['A']);
    const after = heldLoad(2);
    const late = a.getMany(['A'], after.load);
    await loading(after);
    after.release();
    expect((await late).get('A')).toBe(2);
    before.release();
    expect((await early).get('A')).toBe(1);
  });

  it('a read after this server invalidated the key does not join a load from before', async () => {
    const [a] = await twoServers();
    const before = heldLoad(1);
    const early = a.getMany(['A'], before.load);
    await loading(before);
    await a.invalidate(['A']);
    const after = heldLoad(2);
    const late = a.getMany(['A'], after.load);
    await loading(after);
    after.release();
    before.release();
    expect((await late).get('A')).toBe(2);
    await early;
  });
});
