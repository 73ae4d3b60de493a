/**
 * A stock batch's answers go into the in-process cache at its commit (MemoryCache.replace), in
 * place of a read of the database after it. They may only go in when nothing invalidated their
 * keys since the batch began (a change there may be newer than what the batch saw), and a load
 * that started before them must not put its older value back.
 */
import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../electron/core/cache/read-cache';
import { heldLoad } from '../helpers/held-load';

const values = (entries: Array<[string, number]>) => new Map<string, unknown>(entries);

describe('answers worked out at a commit replace the cached ones', () => {
  it('replaces the cached values when nothing invalidated them since the mark', async () => {
    const cache = new MemoryCache();
    await cache.getMany(['A', 'B'], async (keys) => new Map(keys.map((k) => [k, 0])));
    const mark = cache.mark();
    expect(cache.replace(mark, values([['A', 5]]))).toEqual([]);
    cache.release(mark);
    expect(cache.peek('A')).toBe(5);
    expect(cache.peek('B')).toBe(0);
  });

  it('drops a key invalidated after the mark instead of storing the value, and says so', async () => {
    const cache = new MemoryCache();
    await cache.getMany(['A', 'B'], async (keys) => new Map(keys.map((k) => [k, 0])));
    const mark = cache.mark();
    // Another server's change to A arrives while the batch runs.
    await cache.invalidate(['A']);
    expect(cache.replace(mark, values([['A', 5], ['B', 6]]))).toEqual(['A']);
    cache.release(mark);
    expect(cache.peek('A')).toBeUndefined();
    expect(cache.peek('B')).toBe(6);
  });

  it('stores nothing after everything was invalidated since the mark', async () => {
    const cache = new MemoryCache();
    await cache.getMany(['A'], async () => new Map([['A', 0]]));
    const mark = cache.mark();
    await cache.invalidate('all');
    expect(cache.replace(mark, values([['A', 5]]))).toEqual(['A']);
    cache.release(mark);
    expect(cache.peek('A')).toBeUndefined();
  });

  it('a load that started before the replacement does not put its older value back', async () => {
    const cache = new MemoryCache();
    const mark = cache.mark();
    const old = heldLoad(1);
    const reading = cache.getMany(['A'], old.load);
    expect(cache.replace(mark, values([['A', 5]]))).toEqual([]);
    cache.release(mark);
    old.release();
    expect((await reading).get('A')).toBe(1);
    expect(cache.peek('A')).toBe(5);
    // A read after the replacement gets the new value, without a load.
    expect((await cache.getMany(['A'], async () => new Map([['A', -1]]))).get('A')).toBe(5);
  });

  it('a released mark replaces nothing', () => {
    const cache = new MemoryCache();
    const mark = cache.mark();
    cache.release(mark);
    expect(cache.replace(mark, values([['A', 5]]))).toEqual(['A']);
    expect(cache.peek('A')).toBeUndefined();
  });
});
