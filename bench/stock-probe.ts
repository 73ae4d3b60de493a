/**
 * A probe of the stock section's write path (not a bench section): the same load (16 callers each
 * awaiting one stock.receive, 1,000 products), with the figures that other work on the machine
 * hardly moves, per group-commit batch: each thread's CPU (from /proc/self/task/<tid>/schedstat,
 * nanoseconds), the calls made to node-sqlite3 (trips to its thread), and, in a second window with
 * the background checkpoint held off, the WAL frames a batch writes.
 *
 *   tsx bench/stock-probe.ts [SECONDS] [PROFILE_FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import sqlite3 from 'sqlite3';
import { openCore, type Core } from '../electron/core/core';
import { WalCheckpointer } from '../electron/core/db/wal-checkpointer';
import { contract } from '../shared/contract';
import { parseInput } from '../shared/validation';
import { closedLoop, loadAverage } from './measure';
import { seedProducts } from './stock';

/** Nanoseconds each thread of this process has run, by thread id, with its name. */
function threadTimes(): Map<number, { name: string; ns: number; user: number; system: number }> {
  const out = new Map<number, { name: string; ns: number; user: number; system: number }>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime in clock ticks (10 ms).
      out.set(Number(tid), { name, ns, user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 });
    } catch {
      // Gone since the listing.
    }
  }
  return out;
}

/** Counts calls into node-sqlite3 (each is a trip to its thread). */
const trips = { exec: 0, all: 0, run: 0, get: 0, prepare: 0 };
const tripMs = { exec: 0, all: 0, run: 0, get: 0, prepare: 0 };
const execMs: Record<string, number> = {};
function countTrips(): void {
  const db = sqlite3.Database.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const st = sqlite3.Statement.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const [proto, names] of [
    [db, ['exec', 'prepare']],
    [st, ['all', 'run', 'get']],
  ] as const) {
    for (const name of names) {
      const original = proto[name] as (...a: unknown[]) => unknown;
      proto[name] = function (this: unknown, ...args: unknown[]) {
        trips[name as keyof typeof trips]++;
        // The time from the call to its callback: a trip's wall time, SQLite's work and the hand-offs.
        const at = args.length - 1;
        const cb = args[at];
        if (typeof cb === 'function') {
          const t0 = performance.now();
          args[at] = function (this: unknown, ...a: unknown[]) {
            tripMs[name as keyof typeof trips] += performance.now() - t0;
            if (name === 'exec') {
              const sql = String(args[0]);
              const kind = /BEGIN/.test(sql.slice(0, 60)) ? 'begin' : /^COMMIT/.test(sql) ? 'commit' : 'writes';
              execMs[kind] = (execMs[kind] ?? 0) + performance.now() - t0;
            }
            return (cb as (...x: unknown[]) => unknown).apply(this, a);
          };
        }
        return original.apply(this, args);
      };
    }
  }
}

async function load(core: Core, skus: string[], ms: number, offset: number) {
  const receive = core.handlers['stock.receive'];
  const schema = contract['stock.receive'].input;
  return closedLoop({
    callers: 16,
    warmupMs: 0,
    durationMs: ms,
    call: (caller, i) =>
      receive(parseInput(schema, { sku: skus[(caller * 7919 + (i + offset) * 104_729) % skus.length] as string, quantity: 1, reference: `probe-${caller}-${i}` })),
  });
}

async function commits(core: Core): Promise<number> {
  const row = (await core.db('changes').count({ n: '*' }).first()) as { n: number };
  return Number(row.n);
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const profileFile = process.argv[3];
  countTrips();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stock-probe-'));
  const core = await openCore({ dataDir: dir, expirySweepMs: 0 });
  try {
    const skus = await seedProducts(core, 1000);
    // Warm-up: every product gets its stock row, the statements are prepared, the code compiled.
    await load(core, skus, 1500, 0);

    let batches = 0;
    core.queue.addCommitHook(async () => void batches++);
    const session = profileFile ? new Session() : null;
    if (session) {
      session.connect();
      if (process.env.PROBE_HEAP) {
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      }
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROBE_INTERVAL ?? 250) });
      await session.post('Profiler.start');
    }
    const load0 = loadAverage();
    const t0 = threadTimes();
    const trips0 = { ...trips };
    const tripMs0 = { ...tripMs };
    const execMs0 = { ...execMs };
    const b0 = batches;
    const result = await load(core, skus, seconds * 1000, 1_000_000);
    const t1 = threadTimes();
    const n = batches - b0;
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(profileFile as string, JSON.stringify(profile));
      if (process.env.PROBE_HEAP) {
        const heap = await session.post('HeapProfiler.stopSampling');
        fs.writeFileSync(`${profileFile as string}.heap`, JSON.stringify(heap.profile));
      }
    }
    const byName = new Map<string, number>();
    for (const [tid, { name, ns }] of t1) {
      const key = tid === process.pid ? 'main' : `${name}:${tid}`;
      byName.set(key, (byName.get(key) ?? 0) + ns - (t0.get(tid)?.ns ?? 0));
    }
    const total = [...byName.values()].reduce((a, b) => a + b, 0);
    const split = { mainUser: 0, mainSystem: 0, otherUser: 0, otherSystem: 0 };
    for (const [tid, t] of t1) {
      const before = t0.get(tid) ?? { user: 0, system: 0 };
      if (tid === process.pid) {
        split.mainUser += t.user - before.user;
        split.mainSystem += t.system - before.system;
      } else {
        split.otherUser += t.user - before.user;
        split.otherSystem += t.system - before.system;
      }
    }
    console.log(`load ${load0} → ${loadAverage()}`);
    console.log(`rate ${Math.round(result.perSecond)}/s  p50 ${result.latency.p50.toFixed(2)}  p99 ${result.latency.p99.toFixed(2)} ms  batches ${n}  movements/batch ${(result.acknowledged / n).toFixed(1)}`);
    console.log(`CPU per movement ${(total / 1000 / result.acknowledged).toFixed(0)} µs (threads), ${result.cpuMicrosPerCall.toFixed(0)} µs (cpuUsage)`);
    // The four busiest threads besides the main one are libuv's pool (SQLite's work); the rest are V8's helpers (GC) and idle ones.
    const others = [...byName.entries()].filter(([k]) => k !== 'main').map(([, v]) => v).sort((a, b) => b - a);
    const pool = others.slice(0, 4).reduce((a, b) => a + b, 0);
    const rest = others.slice(4).reduce((a, b) => a + b, 0);
    const per = (v: number) => (v / 1000 / n).toFixed(0);
    console.log(`SUMMARY per batch µs: main ${per(byName.get('main') ?? 0)}  sqlite ${per(pool)}  other ${per(rest)}  total ${per(total)}  | ${Math.round(result.perSecond)}/s p99 ${result.latency.p99.toFixed(1)} ms`);
    console.log(
      `CPU per batch µs: ${[...byName.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${(v / 1000 / n).toFixed(0)}`)
        .join(', ')}`,
    );
    console.log(`user/system per batch µs: main ${((split.mainUser * 1000) / n).toFixed(0)}/${((split.mainSystem * 1000) / n).toFixed(0)}, other threads ${((split.otherUser * 1000) / n).toFixed(0)}/${((split.otherSystem * 1000) / n).toFixed(0)}`);
    console.log(`trips per batch: ${Object.entries(trips).map(([k, v]) => `${k} ${((v - trips0[k as keyof typeof trips]) / n).toFixed(2)}`).join(', ')}`);
    console.log(`trip wall per batch µs: ${Object.entries(tripMs).map(([k, v]) => `${k} ${(((v - tripMs0[k as keyof typeof trips]) * 1000) / n).toFixed(0)}`).join(', ')}`);
    console.log(`exec wall per batch µs: ${Object.entries(execMs).map(([k, v]) => `${k} ${(((v - (execMs0[k] ?? 0)) * 1000) / n).toFixed(0)}`).join(', ')}`);
    console.log(`wall per batch ${((seconds * 1000) / n).toFixed(2)} ms`);

    // WAL frames per batch: the background checkpoint held off, the log emptied first, then the
    // log's frame count after a fixed number of movements (below the safety net's 10,000 pages).
    const proto = WalCheckpointer.prototype as unknown as { committed(): void };
    proto.committed = () => undefined;
    await new Promise((r) => setTimeout(r, 300));
    await core.db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    const c0 = await commits(core);
    const b1 = batches;
    const small = await load(core, skus, 200, 2_000_000);
    const nb = batches - b1;
    const [frames] = (await core.db.raw('PRAGMA wal_checkpoint(PASSIVE)')) as Array<{ log: number }>;
    // Which b-tree each logged page belongs to (dbstat), over the window's commits.
    const wal = fs.readFileSync(path.join(dir, 'stockfeed.sqlite-wal'));
    const pageSize = wal.readUInt32BE(8);
    const owners = new Map<number, string>();
    for (const row of (await core.db.raw('SELECT name, pageno FROM dbstat')) as Array<{ name: string; pageno: number }>) owners.set(row.pageno, row.name);
    const perObject = new Map<string, number>();
    let commitsSeen = 0;
    for (let at = 32; at + 24 + pageSize <= wal.length && at < 32 + (frames?.log ?? 0) * (24 + pageSize); at += 24 + pageSize) {
      const page = wal.readUInt32BE(at);
      if (wal.readUInt32BE(at + 4) !== 0) commitsSeen++;
      const owner = owners.get(page) ?? `page ${page > 1 ? 'new/free' : '1'}`;
      perObject.set(owner, (perObject.get(owner) ?? 0) + 1);
    }
    console.log(`WAL pages per commit by b-tree (${commitsSeen} commits): ${[...perObject.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / Math.max(1, commitsSeen)).toFixed(1)}`).join(', ')}`);
    console.log(`WAL: ${frames?.log} frames over ${nb} batches (${(await commits(core)) - c0} entries, ${small.acknowledged} movements): ${((frames?.log ?? 0) / nb).toFixed(1)} frames per batch`);
  } finally {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
