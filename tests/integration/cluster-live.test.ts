/**
 * Several servers on one PostgreSQL database see each other's changes live: every committed change
 * reaches every core's change bus (which feeds SSE, the publisher, webhooks and the UI), in
 * sequence order, with no gap and no duplicate, and a core that missed notifications catches up
 * from the log.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openCore, type Core } from '../../electron/core/core';
import { LeaderLease } from '../../electron/core/leases/leader-lease';
import { silentLogger } from '../../electron/core/logger';
import type { Change } from '../../shared/schemas/changes';
import { createPgDatabase, productInput, tempDir } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';
import { contract, type Input, type OperationName, type Output } from '../../shared/contract';
import { parseInput } from '../../shared/validation';

const skip = skipWithout('postgresql', 'several servers on one PostgreSQL database');

type Node = Core & { call<K extends OperationName>(op: K, input: Input<K>): Promise<Output<K>>; seen: Change[]; dir: string };

async function openNode(url: string): Promise<Node> {
  const dir = tempDir();
  const core = await openCore({ dataDir: dir, databaseUrl: url, expirySweepMs: 0, leases: { ttlMs: 600, renewMs: 100 } });
  const seen: Change[] = [];
  core.bus.subscribe((changes) => seen.push(...changes));
  const call = async <K extends OperationName>(op: K, input: Input<K>) =>
    (core.handlers[op] as (i: unknown) => Promise<Output<K>>)(parseInput(contract[op].input, input));
  return Object.assign(core, { call, seen, dir });
}

async function until(check: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

function expectInOrderNoGap(seen: Change[], all: number[]): void {
  const seqs = seen.map((c) => c.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs).toEqual(all);
}

describe.skipIf(skip)(titled('live across servers on one PostgreSQL database', skip), () => {
  const nodes: Node[] = [];
  let drop: (() => Promise<void>) | undefined;

  afterEach(async () => {
    for (const node of nodes.splice(0)) {
      await node.close().catch(() => undefined);
      fs.rmSync(node.dir, { recursive: true, force: true });
    }
    await drop?.();
  });

  async function twoNodes(): Promise<[Node, Node]> {
    const pg = await createPgDatabase();
    drop = pg.drop;
    const a = await openNode(pg.url);
    const b = await openNode(pg.url);
    nodes.push(a, b);
    return [a, b];
  }

  it('a write on one server reaches the other server\'s bus within a second', async () => {
    const [a, b] = await twoNodes();
    await a.call('products.create', productInput('LIVE-1'));
    await a.call('stock.receive', { sku: 'LIVE-1', quantity: 5 });
    const ms = await until(() => b.seen.some((c) => c.type === 'stock.changed' && c.sku === 'LIVE-1'), 1000);
    expect(ms).toBeLessThan(1000);
  });

  it('both servers see every change of both, in sequence order, with no gap and no duplicate', async () => {
    const [a, b] = await twoNodes();
    await a.call('products.create', productInput('BOTH-1'));
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      writes.push(a.call('stock.receive', { sku: 'BOTH-1', quantity: 1 }));
      writes.push(b.call('stock.receive', { sku: 'BOTH-1', quantity: 1 }));
    }
    await Promise.all(writes);
    const all = ((await a.db('changes').select('seq').orderBy('seq')) as Array<{ seq: number }>).map((r) => Number(r.seq));
    const last = all[all.length - 1] as number;
    await until(() => a.seen.some((c) => c.seq === last) && b.seen.some((c) => c.seq === last), 2000);
    expectInOrderNoGap(a.seen, all);
    expectInOrderNoGap(b.seen, all);
  });

  it('catches up from the log after it lost its notification connection', async () => {
    const [a, b] = await twoNodes();
    await a.call('products.create', productInput('GAP-1'));
    await until(() => b.seen.some((c) => c.type === 'product.created'), 1000);
    // Cut B's listening connection from the server side: the notifications sent meanwhile are lost.
    await a.db.raw("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()");
    for (let i = 0; i < 10; i++) await a.call('stock.receive', { sku: 'GAP-1', quantity: 1 });
    const all = ((await a.db('changes').select('seq').orderBy('seq')) as Array<{ seq: number }>).map((r) => Number(r.seq));
    const last = all[all.length - 1] as number;
    await until(() => b.seen.some((c) => c.seq === last), 5000);
    expectInOrderNoGap(b.seen, all);
  });
});

describe.skipIf(skip)(titled('one server publishes (the publisher lease)', skip), () => {
  const nodes: Node[] = [];
  const leases: LeaderLease[] = [];
  let drop: (() => Promise<void>) | undefined;

  afterEach(async () => {
    for (const lease of leases.splice(0)) await lease.stop(false);
    for (const node of nodes.splice(0)) {
      await node.close().catch(() => undefined);
      fs.rmSync(node.dir, { recursive: true, force: true });
    }
    await drop?.();
  });

  const feedOf = (node: Node) => path.join(node.publisher.publishDir(), 'sitemap.xml');
  const published = (node: Node, slug: string) => fs.existsSync(feedOf(node)) && fs.readFileSync(feedOf(node), 'utf8').includes(slug);

  it('only the lease holder publishes; when it stops, the other takes over and catches up', async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    const a = await openNode(pg.url);
    nodes.push(a);
    await a.publisher.start();
    const b = await openNode(pg.url);
    nodes.push(b);
    await b.publisher.start();
    const settings = await a.call('settings.get', {});
    await a.call('settings.update', { ...settings, shopUrl: 'https://shop.example.com' });
    await a.call('products.create', productInput('LEAD-1'));
    await b.call('stock.receive', { sku: 'LEAD-1', quantity: 3 });
    await until(() => published(a, 'lead-1'), 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(feedOf(b))).toBe(false);
    await expect(b.call('publish.run', { full: false })).rejects.toThrow(/does not publish/);

    // The leader stops: B holds the lease at its next try and publishes what it missed.
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    await b.call('products.create', productInput('LEAD-2'));
    // B also read A's settings (the shop URL) again when A saved them, or nothing would be listed.
    await until(() => published(b, 'lead-2'), 5000);
    expect(published(b, 'lead-1')).toBe(true);
  });

  it('a lease whose holder stopped renewing (a crash) is taken over once it has run out, never before', async () => {
    const pg = await createPgDatabase();
    drop = pg.drop;
    const a = await openNode(pg.url);
    nodes.push(a);
    const first = new LeaderLease(a.db, 'test', 'server-a', silentLogger, { ttlMs: 800, renewMs: 100 });
    const second = new LeaderLease(a.db, 'test', 'server-b', silentLogger, { ttlMs: 800, renewMs: 100 });
    leases.push(first, second);
    await first.start();
    await second.start();
    expect(first.held()).toBe(true);
    expect(second.held()).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    expect(second.held()).toBe(false);
    const crashedAt = Date.now();
    await first.stop(false);
    await until(() => second.held(), 3000);
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(500);
    expect((await second.holder())?.holder).toBe('server-b');
  });
});
