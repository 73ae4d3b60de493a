/**
 * The read cache of availability answers: a read after an acknowledged write sees it, under
 * concurrent writers and readers; with Redis, across servers; with Redis killed, reads still come
 * right (from the database) and health says `degraded`, and once it is back the cache is used
 * again without serving anything from before.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { contract, type Input, type OperationName, type Output } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { createPgDatabase, engines, productInput, startCore, tempDir, type TestCore } from '../helpers/core';
import { startRedis, type TestRedis } from '../helpers/redis-server';
import { skipWithout, titled } from '../helpers/system-services';

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Writers add one at a time; each reader, after `acked` writes were answered, must see at least
 * that many (receipts only add, so any smaller figure is a stale cache entry).
 */
async function readYourWrites(writer: (i: number) => Promise<unknown>, read: () => Promise<number>, writes: number): Promise<number> {
  let acked = 0;
  let stale = 0;
  let done = false;
  const readers = Array.from({ length: 4 }, async () => {
    while (!done) {
      const floor = acked;
      if ((await read()) < floor) stale++;
      // A cache hit resolves without I/O: let the writers' I/O in.
      await new Promise((r) => setImmediate(r));
    }
  });
  const writers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = w; i < writes; i += 8) {
      await writer(i);
      acked++;
      const floor = acked;
      if ((await read()) < floor) stale++;
    }
  });
  await Promise.all(writers);
  done = true;
  await Promise.all(readers);
  return stale;
}

describe.each(engines())('the read cache in process (%s)', (engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('a read after an acknowledged write sees it, with 8 writers and 4 readers racing', async () => {
    core = await startCore(engine);
    const c = core;
    await c.call('products.create', productInput('RYW-1'));
    expect(c.cache.state()).toBe('memory');
    const stale = await readYourWrites(
      () => c.call('stock.receive', { sku: 'RYW-1', quantity: 1 }),
      async () => (await c.call('availability.get', { sku: 'RYW-1' })).available,
      200,
    );
    expect(stale).toBe(0);
    expect((await c.call('availability.get', { sku: 'RYW-1' })).available).toBe(200);
  });

  it('the answer at hand (what the HTTP server sends without waiting) is never older than an acknowledged write', async () => {
    core = await startCore(engine);
    const c = core;
    await c.call('products.create', productInput('RYW-2'));
    const atHand = c.atHand['availability.get'];
    expect(atHand).toBeDefined();
    let hits = 0;
    // As the storefront route reads: the answer at hand when there is one, else the handler.
    const read = async () => {
      const ready = atHand?.({ sku: 'RYW-2' });
      if (ready) hits++;
      return (ready ?? (await c.call('availability.get', { sku: 'RYW-2' }))).available;
    };
    const stale = await readYourWrites(() => c.call('stock.receive', { sku: 'RYW-2', quantity: 1 }), read, 200);
    expect(stale).toBe(0);
    expect(hits, 'reads answered from the cache at once').toBeGreaterThan(0);
    expect(await read()).toBe(200);
    // A list at hand only when every SKU's answer is, and never older either.
    await c.call('availability.list', { skus: 'RYW-2,NOPE' });
    expect(c.atHand['availability.list']?.({ skus: ['RYW-2', 'NOPE'] })).toEqual({ items: [expect.objectContaining({ sku: 'RYW-2', available: 200 })], unknown: ['NOPE'] });
    await c.call('stock.receive', { sku: 'RYW-2', quantity: 1 });
    // Gone, or already read again (AvailabilityReader.changed): never the answer from before.
    const list = c.atHand['availability.list']?.({ skus: ['RYW-2', 'NOPE'] });
    if (list !== undefined) expect(list).toEqual({ items: [expect.objectContaining({ sku: 'RYW-2', available: 201 })], unknown: ['NOPE'] });
    const one = c.atHand['availability.get']?.({ sku: 'RYW-2' });
    if (one !== undefined) expect(one.available).toBe(201);
  });

  it('an answer at hand that a write made stale is read again at once, so the next storefront read has the new one at hand', async () => {
    core = await startCore(engine);
    const c = core;
    const atHand = (sku: string) => c.atHand['availability.get']?.({ sku });
    await c.call('products.create', productInput('AHEAD-1'));
    await c.call('products.create', productInput('AHEAD-2'));
    // A storefront shows AHEAD-1: its answer is at hand.
    expect((await c.call('availability.get', { sku: 'AHEAD-1' })).available).toBe(0);
    expect(atHand('AHEAD-1')?.available).toBe(0);
    await c.call('stock.receive', { sku: 'AHEAD-1', quantity: 5 });
    // No read asks for it, and still the new answer comes to hand: read in the background.
    await until(() => atHand('AHEAD-1') !== undefined, 5000);
    expect(atHand('AHEAD-1')?.available).toBe(5);
    // A product no storefront asked for is not read.
    await c.call('stock.receive', { sku: 'AHEAD-2', quantity: 5 });
    await new Promise((r) => setTimeout(r, 200));
    expect(atHand('AHEAD-2')).toBeUndefined();
  });

  it('a stock write hands the answers it committed to the cache: at hand when acknowledged, with no read, and equal to a read', async () => {
    core = await startCore(engine);
    const c = core;
    const atHand = (sku: string) => c.atHand['availability.get']?.({ sku });
    await c.call('locations.create', { code: 'backroom', name: 'Back room (not online)', sellsOnline: false });
    const skus = ['GIVEN-1', 'GIVEN-2', 'GIVEN-3', 'GIVEN-4'];
    await c.call('products.create', productInput('GIVEN-1', { bufferStock: 2 }));
    await c.call('products.create', productInput('GIVEN-2', { allowBackorder: true }));
    await c.call('products.create', productInput('GIVEN-3'));
    await c.call('products.create', productInput('GIVEN-4'));
    for (const sku of skus) await c.call('availability.get', { sku });
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    c.db.on('query', onQuery);
    // Receipts, sales, a transfer, a reservation, a refused sale, in one group commit and alone.
    await Promise.all([
      c.call('stock.receive', { sku: 'GIVEN-1', quantity: 5 }),
      c.call('stock.receive', { sku: 'GIVEN-1', quantity: 9, location: 'backroom' }),
      c.call('stock.receive', { sku: 'GIVEN-3', quantity: 3 }),
      c.call('stock.receive', { sku: 'GIVEN-2', quantity: 2 }),
      c.call('stock.sell', { sku: 'GIVEN-4', quantity: 1 }).catch(() => undefined),
    ]);
    await c.call('stock.sell', { sku: 'GIVEN-2', quantity: 2 });
    await c.call('stock.transfer', { sku: 'GIVEN-1', quantity: 4, location: 'backroom', toLocation: 'main' });
    await c.call('reservations.create', { sku: 'GIVEN-3', quantity: 2, reference: 'ORDER-GIVEN' });
    // At hand the moment each write was acknowledged, and not read back from the database.
    const given = skus.map((sku) => atHand(sku));
    c.db.off('query', onQuery);
    // The reader's statement (knex's quoting; the stock engine's own read is written by hand).
    expect(statements.filter((sql) => /select [`"]p[`"]\.[`"]id[`"]/i.test(sql))).toEqual([]);
    for (const answer of given) expect(answer).toBeDefined();
    // The same answers a read of the database gives.
    await c.cache.invalidate('all');
    const read = await c.call('availability.list', { skus: skus.join(',') });
    expect(given).toEqual(read.items);
    expect(given.map((a) => [a?.sku, a?.available, a?.availability])).toEqual([
      ['GIVEN-1', 7, 'in_stock'],
      ['GIVEN-2', 0, 'backorder'],
      ['GIVEN-3', 1, 'in_stock'],
      ['GIVEN-4', 0, 'out_of_stock'],
    ]);
  });

  it('a read that misses the cache takes one statement, products and stock from every location together', async () => {
    core = await startCore(engine);
    const c = core;
    await c.call('locations.create', { code: 'backroom', name: 'Back room (not online)', sellsOnline: false });
    await c.call('products.create', productInput('ONE-1', { bufferStock: 1 }));
    await c.call('products.create', productInput('ONE-2'));
    await c.call('stock.receive', { sku: 'ONE-1', quantity: 5 });
    await c.call('stock.receive', { sku: 'ONE-1', quantity: 7, location: 'backroom' });
    await c.cache.invalidate('all');
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    c.db.on('query', onQuery);
    const found = await c.call('availability.list', { skus: 'ONE-1,ONE-2,NOPE' });
    c.db.off('query', onQuery);
    expect(statements).toHaveLength(1);
    // The back room does not sell online; the buffer of 1 is kept back; ONE-2 has no stock row.
    expect(found.items).toEqual([
      expect.objectContaining({ sku: 'ONE-1', available: 4, availability: 'in_stock' }),
      expect.objectContaining({ sku: 'ONE-2', available: 0, availability: 'out_of_stock' }),
    ]);
    expect(found.unknown).toEqual(['NOPE']);
  });

  it('whoever hears of a change on the event stream and reads at once sees it (the cache forgot it first)', async () => {
    core = await startCore(engine);
    const c = core;
    await c.call('products.create', productInput('HEARD-1'));
    // Fills the cache with the figure before the write.
    expect((await c.call('availability.get', { sku: 'HEARD-1' })).available).toBe(0);
    const heard: number[] = [];
    const read = new Promise<void>((resolve) => {
      const stop = c.bus.subscribe((changes) => {
        if (!changes.some((change) => change.sku === 'HEARD-1' && change.type === 'stock.changed')) return;
        stop();
        void c.call('availability.get', { sku: 'HEARD-1' }).then((a) => {
          heard.push(a.available);
          resolve();
        });
      });
    });
    await c.call('stock.receive', { sku: 'HEARD-1', quantity: 3 });
    await read;
    expect(heard).toEqual([3]);
  });
});

const skipRedis = skipWithout('redis', 'the Redis read cache');
const skipPg = skipWithout('postgresql', 'the Redis read cache shared by two servers');

type Node = Core & { call<K extends OperationName>(op: K, input: Input<K>): Promise<Output<K>>; dir: string };

async function openNode(url: string, redisUrl: string, prefix: string): Promise<Node> {
  const dir = tempDir();
  const core = await openCore({ dataDir: dir, databaseUrl: url, expirySweepMs: 0, redisUrl, redisPrefix: prefix });
  const call = async <K extends OperationName>(op: K, input: Input<K>) =>
    (core.handlers[op] as (i: unknown) => Promise<Output<K>>)(parseInput(contract[op].input, input));
  return Object.assign(core, { call, dir });
}

describe.skipIf(skipRedis || skipPg)(titled('the read cache in Redis, shared by two servers on PostgreSQL', skipRedis ?? skipPg), () => {
  let redis: TestRedis | undefined;
  const nodes: Node[] = [];
  let drop: (() => Promise<void>) | undefined;

  afterEach(async () => {
    for (const node of nodes.splice(0)) {
      await node.close().catch(() => undefined);
      fs.rmSync(node.dir, { recursive: true, force: true });
    }
    await drop?.();
    await redis?.stop();
  });

  async function twoNodes(): Promise<[Node, Node]> {
    redis = await startRedis();
    const pg = await createPgDatabase();
    drop = pg.drop;
    const prefix = `t${Date.now()}:`;
    const a = await openNode(pg.url, redis.url, prefix);
    const b = await openNode(pg.url, redis.url, prefix);
    nodes.push(a, b);
    await until(() => a.cache.state() === 'redis' && b.cache.state() === 'redis', 5000);
    return [a, b];
  }

  it('a write on one server is seen by a read on the other as soon as it is acknowledged', async () => {
    const [a, b] = await twoNodes();
    await a.call('products.create', productInput('SHARED-1'));
    // B fills the shared cache; A's write must clear it before A answers.
    expect((await b.call('availability.get', { sku: 'SHARED-1' })).available).toBe(0);
    // In Redis nothing is at hand: every read asks Redis (or the database), as before.
    expect(b.atHand['availability.get']?.({ sku: 'SHARED-1' })).toBeUndefined();
    await a.call('stock.receive', { sku: 'SHARED-1', quantity: 7 });
    expect((await b.call('availability.get', { sku: 'SHARED-1' })).available).toBe(7);
    // Read-your-writes with writers on both servers and readers on the other one.
    let next = 0;
    const stale = await readYourWrites(
      () => (next++ % 2 === 0 ? a : b).call('stock.receive', { sku: 'SHARED-1', quantity: 1 }),
      async () => (await (next % 2 === 0 ? b : a).call('availability.get', { sku: 'SHARED-1' })).available - 7,
      120,
    );
    expect(stale).toBe(0);
  });

  it('Redis killed mid-run: reads come from the database (degraded), then from Redis again, never stale', async () => {
    const [a, b] = await twoNodes();
    await a.call('products.create', productInput('KILL-1'));
    await a.call('stock.receive', { sku: 'KILL-1', quantity: 1 });
    expect((await b.call('availability.get', { sku: 'KILL-1' })).available).toBe(1);
    await redis?.kill();
    await until(() => a.cache.state() === 'degraded' && b.cache.state() === 'degraded', 5000);
    // Writes and reads go on, right, while Redis is away.
    await a.call('stock.receive', { sku: 'KILL-1', quantity: 2 });
    expect((await b.call('availability.get', { sku: 'KILL-1' })).available).toBe(3);
    expect((await a.call('availability.get', { sku: 'KILL-1' })).available).toBe(3);
    await redis?.restart();
    await until(() => a.cache.state() === 'redis' && b.cache.state() === 'redis', 10_000);
    expect((await b.call('availability.get', { sku: 'KILL-1' })).available).toBe(3);
    await b.call('stock.receive', { sku: 'KILL-1', quantity: 1 });
    expect((await a.call('availability.get', { sku: 'KILL-1' })).available).toBe(4);
  });
});

describe('the read cache at midnight (UTC)', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await core?.cleanup();
    core = undefined;
  });

  it('a cached preorder answer is read again once its date has come, with no change in the log', async () => {
    // Only the clock is faked; the database's timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-03-09T23:59:58Z'));
    core = await startCore('sqlite');
    await core.call('products.create', productInput('MIDNIGHT-1', { preorderDate: '2031-03-10' }));
    await core.call('stock.receive', { sku: 'MIDNIGHT-1', quantity: 3 });
    expect((await core.call('availability.get', { sku: 'MIDNIGHT-1' })).availability).toBe('preorder');
    expect((await core.call('availability.get', { sku: 'MIDNIGHT-1' })).availability).toBe('preorder');
    vi.setSystemTime(new Date('2031-03-10T00:00:01Z'));
    const after = await core.call('availability.get', { sku: 'MIDNIGHT-1' });
    expect(after.availability).toBe('in_stock');
    expect(after.availabilityDate).toBeNull();
  });
});
