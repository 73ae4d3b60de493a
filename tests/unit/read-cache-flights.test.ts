/**
 * Concurrent misses of one key share one database load (issue 20's serve bench: the storefront's
 * many connections ask for the same SKUs at the same moment, and each missed and loaded it on its
 * own, so the cache saved almost nothing after every write). The sharing must never cost
 * read-your-writes: a read that starts after an invalidation never joins a load from before it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../electron/core/cache/read-cache';
import { heldLoad } from '../helpers/held-load';

describe('the in-process read cache shares loads under way', () => {
  it('50 concurrent misses of one key make one load, and all get its answer', async () => {
    const cache = new MemoryCache();
    const held = heldLoad(7);
    const reads = Array.from({ length: 50 }, () => cache.getMany(['A'], held.load));
    held.release();
    const answers = await Promise.all(reads);
    expect(held.calls).toEqual([['A']]);
    expect(answers.map((m) => m.get('A'))).toEqual(Array(50).fill(7));
  });

  it('a read asking for a key under way and one that is not loads only the other', async () => {
    const cache = new MemoryCache();
    const first = heldLoad(1);
    const a = cache.getMany(['A'], first.load);
    const second = heldLoad(2);
    const ab = cache.getMany(['A', 'B'], second.load);
    first.release();
    second.release();
    expect((await a).get('A')).toBe(1);
    const both = await ab;
    expect(second.calls).toEqual([['B']]);
    expect([both.get('A'), both.get('B')]).toEqual([1, 2]);
  });

  it('a read after an invalidation does not join a load that began before it (read-your-writes)', async () => {
    const cache = new MemoryCache();
    const before = heldLoad(1);
    const early = cache.getMany(['A'], before.load);
    // The write commits, and its invalidation runs before the writer is answered.
    await cache.invalidate(['A']);
    const after = heldLoad(2);
    const late = cache.getMany(['A'], after.load);
    after.release();
    expect((await late).get('A')).toBe(2);
    before.release();
    expect((await early).get('A')).toBe(1);
    // The early load's old value was not stored; the late one's was.
    expect((await cache.getMany(['A'], heldLoad(3).load)).get('A')).toBe(2);
  });

  it("a read after invalidate('all') does not join a load that began before it", async () => {
    const cache = new MemoryCache();
    const before = heldLoad(1);
    const early = cache.getMany(['A'], before.load);
    await cache.invalidate('all');
    const after = heldLoad(2);
    const late = cache.getMany(['A'], after.load);
    after.release();
    before.release();
    expect((await late).get('A')).toBe(2);
    await early;
    expect(after.calls).toEqual([['A']]);
  });

  it('a failed load fails its joiners too, and the next read loads again', async () => {
    const cache = new MemoryCache();
    let calls = 0;
    let fail: (e: Error) => void = () => undefined;
    const gone = new Promise<Map<string, number>>((_, reject) => (fail = reject));
    const failing = () => {
      calls++;
      return gone;
    };
    const first = cache.getMany(['A'], failing);
    const joined = cache.getMany(['A'], failing);
    fail(new Error('database gone'));
    await expect(first).rejects.toThrow('database gone');
    await expect(joined).rejects.toThrow('database gone');
    expect(calls).toBe(1);
    const again = heldLoad(5);
    const next = cache.getMany(['A'], again.load);
    again.release();
    expect((await next).get('A')).toBe(5);
  });
});
