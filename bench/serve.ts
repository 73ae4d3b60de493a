/**
 * `npm run bench -- serve`: storefront availability reads per second (autocannon, in a process of
 * its own, with a storefront token) while stock writes run at a steady rate over real HTTP, each
 * server in a process of its own on one PostgreSQL database: without the cache, with the cache in
 * process, and two servers sharing Redis. Then the Server-Sent Events fan-out: 1,000 clients on
 * the event stream, and the time from sending a write until the last client has its event (on the
 * server written to, and on another server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import http from 'node:http';
import { openCore } from '../electron/core/core';
import { contract, type Input } from '../shared/contract';
import { parseInput } from '../shared/validation';
import { int, line, loadAverage, ms, summarise } from './measure';
import { withTempPgDatabase } from './stock';
import { cpuWindow, ofCore, pidsWithCommandLine, type CpuShare } from './cpu-share';
import { REDIS_SERVER, startRedis, type TestRedis } from '../tests/helpers/redis-server';
import fs from 'node:fs';
import type { RateResult } from './serve-rate';
import { SERVER_NODE_FLAGS } from '../electron/server/node-flags';

const TOKEN = 'bench-serve-token-0123456789abcdef';
const PRODUCTS = 1_000;
const READ_SKUS = 200;
const WRITES_PER_SECOND = 500;
const SSE_CLIENTS = 1_000;
const TARGET_READS = 10_000;
const TARGET_P99_MS = 10;
const TARGET_SSE_MS = 250;
/** Connections of the fixed-rate reads: at 10,000/s each sends one every 5 ms. */
const RATE_CONNECTIONS = 50;
/**
 * Seconds the fixed-rate reads run before they are counted (serve-rate.ts): a server just started
 * compiles its read path under the load, and that first second's backlog takes seconds to drain.
 */
const RATE_WARMUP_SECONDS = 2;

export type ServeBenchOptions = { seconds: number };

const sku = (i: number) => `SERVE-${String(i).padStart(4, '0')}`;
const here = path.dirname(new URL(import.meta.url).pathname);

type Server = {
  port: number;
  cache: string;
  child: ChildProcess;
  /** A serve-control.ts command and its answer. */
  command(line: string): Promise<unknown>;
  /** The CPU time the server process has used so far. */
  cpuMicros(): Promise<number>;
  /** The CPU time and the garbage collector's time so far. */
  cpu(): Promise<{ cpuMicros: number; systemMicros: number; gcMicros: number; rssMb: number }>;
};

/**
 * A server process (serve-node.ts by default) on an ephemeral port, with the V8 flags `npm run
 * serve` gives the server (SERVER_NODE_FLAGS; STOCKFEED_BENCH_SERVER_FLAGS replaces them, `none` for V8's
 * defaults); `nodeArgs` also go to Node itself (e.g. --cpu-prof).
 */
export async function startServer(dataDir: string, databaseUrl: string, cache: boolean, redisUrl = '', nodeArgs: string[] = []): Promise<Server> {
  return startServerProcess([...serverFlags(), ...nodeArgs, '--import', 'tsx', path.join(here, 'serve-node.ts'), dataDir, databaseUrl, TOKEN, cache ? 'cache' : 'nocache', redisUrl]);
}

function serverFlags(): string[] {
  const given = process.env.STOCKFEED_BENCH_SERVER_FLAGS;
  if (given === undefined) return [...SERVER_NODE_FLAGS];
  return given === 'none' ? [] : given.split(' ').filter(Boolean);
}

/** Starts a server process that prints `{"port":N,...}` once listening and takes serve-control.ts's commands. */
export async function startServerProcess(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: Array<(answer: unknown) => void> = [];
  // Lines that are not JSON are Node's own (e.g. --trace-gc): shown, not parsed.
  let started: ((line: string) => void) | null = null;
  lines.on('line', (text) => {
    if (!text.startsWith('{')) {
      process.stderr.write(`${text}\n`);
    } else if (started) {
      started(text);
      started = null;
    } else {
      waiting.shift()?.(JSON.parse(text));
    }
  });
  const first = await new Promise<string>((resolve, reject) => {
    started = resolve;
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const { port, cache: state } = JSON.parse(first) as { port: number; cache?: string };
  const command = (line: string) =>
    new Promise<unknown>((resolve) => {
      waiting.push(resolve);
      child.stdin?.write(`${line}\n`);
    });
  const cpu = async () => (await command('cpu')) as { cpuMicros: number; systemMicros: number; gcMicros: number; rssMb: number };
  const cpuMicros = async () => (await cpu()).cpuMicros;
  return { port, cache: state ?? 'none', child, command, cpuMicros, cpu };
}

/** The bare Fastify route (serve-bare.ts): the floor under a read, for reference. */
export function startBareServer(nodeArgs: string[] = []): Promise<Server> {
  return startServerProcess([...nodeArgs, '--import', 'tsx', path.join(here, 'serve-bare.ts')]);
}

export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(port: number, method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method, path: url, agent, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** At most this many writes wait for an answer; past it the writer falls behind (and says so) rather than piling up. */
const MAX_WRITES_IN_FLIGHT = 64;

/** Stock writes at a fixed rate (open loop: a slow answer does not slow the next one down, up to MAX_WRITES_IN_FLIGHT). */
export function steadyWrites(ports: number[], perSecond: number): { stop(): Promise<{ sent: number; ok: number; failed: number; seconds: number }> } {
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const inflight = new Set<Promise<void>>();
  const started = performance.now();
  const tickMs = 10;
  let due = 0;
  const timer = setInterval(() => {
    due += (perSecond * tickMs) / 1000;
    const elapsedDue = Math.floor(((performance.now() - started) / 1000) * perSecond);
    while (sent < Math.min(elapsedDue, Math.floor(due) + 50) && inflight.size < MAX_WRITES_IN_FLIGHT) {
      const n = sent++;
      const p = request(ports[n % ports.length] as number, 'POST', '/api/v1/stock/receive', TOKEN, { sku: sku(Math.floor(Math.random() * PRODUCTS)), quantity: 1 })
        .then((r) => {
          if (r.status === 200) ok++;
          else failed++;
        })
        .catch(() => {
          failed++;
        });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  }, tickMs);
  return {
    async stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(inflight);
      return { sent, ok, failed, seconds };
    },
  };
}

type LoadResult = {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  /** CPU time the load generator used while it ran. */
  cpuMs: number;
};

type ReadLoad<T> = { pid: number | undefined; started: Promise<void>; result: Promise<T> };

/** A load generator in a process of its own; `started` resolves when it begins (after its start-up). */
function loadProcess<T>(script: string, args: string[]): ReadLoad<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let started: () => void = () => undefined;
  const startedPromise = new Promise<void>((r) => (started = r));
  const result = new Promise<T>((resolve, reject) => {
    lines.on('line', (text) => {
      const message = JSON.parse(text) as T | { starting: true };
      if (typeof message === 'object' && message !== null && 'starting' in message) started();
      else resolve(message as T);
    });
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`${script} exited with ${code}`))));
  });
  return { pid: child.pid, started: startedPromise, result };
}

const readSkus = () => Array.from({ length: READ_SKUS }, (_, i) => sku((i * 7) % PRODUCTS)).join(',');

/** autocannon's closed loop: as many reads as the server answers. */
export function readLoad(port: number, token: string, seconds: number, connections: number): ReadLoad<LoadResult> {
  return loadProcess<LoadResult>('serve-load.ts', [`http://127.0.0.1:${port}`, token, String(seconds), String(connections), readSkus()]);
}

/** Reads offered at a fixed rate (serve-rate.ts), each timed from when it was due. */
export function rateLoad(port: number, token: string, seconds: number, rate: number, connections: number): ReadLoad<RateResult> {
  return loadProcess<RateResult>('serve-rate.ts', [`http://127.0.0.1:${port}`, token, String(seconds), String(rate), String(connections), readSkus(), String(RATE_WARMUP_SECONDS)]);
}

/**
 * The servers' own CPU time (process.cpuUsage, read through serve-control.ts) over the reads of a
 * window: the figure to judge the read path by on a shared machine, where reads per second and
 * latency move with whatever else runs.
 */
function printServerCpu(micros: number, reads: number, writes: boolean): void {
  line('server CPU per read', `${reads > 0 ? int(micros / reads) : '?'} µs over ${int(reads)} reads${writes ? ` (the ${int(WRITES_PER_SECOND)} writes/s included)` : ''}; load average ${loadAverage()}`);
}

/** Where the machine's CPU went while the reads ran: the load generator's share is not the server's. */
function printCpu(cpu: CpuShare, reads: number, generator = 'autocannon'): void {
  const server = cpu.processes.servers;
  const perRead = server === null || server === undefined || reads === 0 ? '' : ` (${Math.round((server * 1e6) / reads)} µs of server CPU per read, writes included)`;
  line('CPU while reading', `servers ${ofCore(server)}${perRead}; ${generator} ${ofCore(cpu.processes.autocannon)}; writer ${ofCore(cpu.self)}`);
  line('', `PostgreSQL (this database's backends) ${ofCore(cpu.processes.postgres)}; everything else (Redis, PostgreSQL's shared processes, other work on the machine) ${ofCore(cpu.elsewhere)}`);
  line('', `machine ${Math.round(cpu.machineBusy * 100)}% busy of ${cpu.cores} cores`);
}

export async function seed(dir: string, url: string): Promise<string> {
  const core = await openCore({ dataDir: path.join(dir, 'seed'), databaseUrl: url, expirySweepMs: 0 });
  try {
    await core.queue.exclusive(async (ctx) => {
      for (let i = 0; i < PRODUCTS; i++) {
        const input: Input<'products.create'> = { sku: sku(i), title: `Serve bench ${i}`, price: '9.99' };
        await core.products.insert(ctx, parseInput(contract['products.create'].input, input));
      }
    });
    await Promise.all(Array.from({ length: PRODUCTS }, (_, i) => core.stock.receive(parseInput(contract['stock.receive'].input, { sku: sku(i), quantity: 100 }))));
    const created = await core.handlers['storefrontTokens.create']({ name: 'bench storefront' });
    return created.token;
  } finally {
    await core.close();
  }
}

type Scenario = { label: string; servers: number; cache: boolean; redis: boolean; writes?: false };

async function readScenario(dir: string, url: string, storefront: string, scenario: Scenario, options: ServeBenchOptions & { redisUrl: string }): Promise<number> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < scenario.servers; i++) {
      servers.push(await startServer(path.join(dir, `${scenario.label}-${i}`), url, scenario.cache, scenario.redis ? options.redisUrl : ''));
    }
    const ports = servers.map((s) => s.port);
    const writes = steadyWrites(ports, scenario.writes === false ? 0 : WRITES_PER_SECOND);
    // A second of writes first, so the cache is measured under invalidation, not cold or idle.
    await new Promise((r) => setTimeout(r, 1000));
    const connections = Math.max(10, Math.round(50 / servers.length));
    const runs = servers.map((s) => readLoad(s.port, storefront, options.seconds, connections));
    await Promise.all(runs.map((r) => r.started));
    const serverCpu0 = await Promise.all(servers.map((s) => s.cpuMicros()));
    // The database's backends serving this bench (its connection pools, open before the window).
    const database = new URL(url).pathname.slice(1);
    const window = cpuWindow({
      servers: servers.map((s) => s.child.pid as number),
      autocannon: runs.map((r) => r.pid as number),
      postgres: pidsWithCommandLine(` ${database} `),
    });
    const loads = await Promise.all(runs.map((r) => r.result));
    const cpu = window.end();
    const serverCpu = (await Promise.all(servers.map((s) => s.cpuMicros()))).reduce((sum, micros, i) => sum + micros - (serverCpu0[i] as number), 0);
    // A load generator that finished first has left /proc: its own count of CPU time stands in.
    if (cpu.processes.autocannon === null || cpu.processes.autocannon === undefined) {
      cpu.processes.autocannon = loads.reduce((sum, l) => sum + l.cpuMs, 0) / 1000 / cpu.seconds;
      cpu.elsewhere = Math.max(0, cpu.elsewhere - cpu.processes.autocannon);
    }
    const w = await writes.stop();
    const reads = loads.reduce((sum, l) => sum + l.requests.average, 0);
    const worst = (pick: (l: LoadResult) => number) => Math.max(...loads.map(pick));
    const errors = loads.reduce((sum, l) => sum + l.errors + l.non2xx, 0);
    console.log(`\n  ${scenario.label} (cache: ${servers.map((s) => s.cache).join(', ')})`);
    line('availability reads/s', `${int(reads)}  (target ≥ ${int(TARGET_READS)}; ${servers.length} autocannon process(es), ${connections} connections each)`);
    line('read latency ms', `p50 ${ms(worst((l) => l.latency.p50))}  p90 ${ms(worst((l) => l.latency.p90))}  p99 ${ms(worst((l) => l.latency.p99))}  max ${ms(worst((l) => l.latency.max))}  (target p99 ≤ ${TARGET_P99_MS})`);
    if (scenario.writes !== false) {
      line('stock writes/s meanwhile', `${int(w.ok / w.seconds)} acknowledged of ${int(WRITES_PER_SECOND)} asked${w.failed > 0 ? `; ${int(w.failed)} FAILED` : ''}`);
    }
    if (errors > 0) line('read errors', int(errors));
    printServerCpu(serverCpu, loads.reduce((sum, l) => sum + l.requests.total, 0), scenario.writes !== false);
    printCpu(cpu, reads);
    return reads;
  } finally {
    for (const s of servers) await stopServer(s);
  }
}

/**
 * The latency target at the target rate: one server with its cache, TARGET_READS reads a second
 * offered at a steady pace (serve-rate.ts) while the writes run. The closed loop above says how
 * many reads the server can answer; at that point each request queues behind the other
 * connections' and its latency says more about the load generator than about the server.
 */
async function rateScenario(dir: string, url: string, storefront: string, options: ServeBenchOptions): Promise<RateResult> {
  const server = await startServer(path.join(dir, 'fixed-rate'), url, true);
  try {
    const writes = steadyWrites([server.port], WRITES_PER_SECOND);
    await new Promise((r) => setTimeout(r, 1000));
    const run = rateLoad(server.port, storefront, options.seconds, TARGET_READS, RATE_CONNECTIONS);
    await run.started;
    // STOCKFEED_BENCH_SERVE_PROFILE=FILE: a CPU profile of the server over the counted window.
    const profile = process.env.STOCKFEED_BENCH_SERVE_PROFILE;
    if (profile) await server.command('profile-start');
    await server.command('loop-start');
    const serverCpu0 = await server.cpu();
    const database = new URL(url).pathname.slice(1);
    const window = cpuWindow({ servers: [server.child.pid as number], autocannon: [run.pid as number], postgres: pidsWithCommandLine(` ${database} `) });
    const result = await run.result;
    const cpu = window.end();
    const serverCpu1 = await server.cpu();
    const serverCpu = serverCpu1.cpuMicros - serverCpu0.cpuMicros;
    const loop = (await server.command('loop-stop')) as { loopDelay: Record<string, number>; gc: Record<string, { count: number; ms: number; max: number; over2: number; over5: number }> };
    if (profile) await server.command(`profile-stop ${profile}`);
    if (cpu.processes.autocannon === null || cpu.processes.autocannon === undefined) {
      cpu.processes.autocannon = result.cpuMs / 1000 / cpu.seconds;
      cpu.elsewhere = Math.max(0, cpu.elsewhere - cpu.processes.autocannon);
    }
    const w = await writes.stop();
    console.log(`\n  one server, cache in process, ${int(TARGET_READS)} reads/s offered at a steady pace, counted after ${RATE_WARMUP_SECONDS} s at that pace (cache: ${server.cache})`);
    line('availability reads/s answered', `${int(result.perSecond)} of ${int(result.offered)} offered (${int(result.sent)} sent on ${RATE_CONNECTIONS} keep-alive connections${result.unanswered > 0 ? `; ${int(result.unanswered)} UNANSWERED` : ''})`);
    line('read latency ms (from when due)', `p50 ${ms(result.latency.p50)}  p95 ${ms(result.latency.p95)}  p99 ${ms(result.latency.p99)}  max ${ms(result.latency.max)}  (target p99 ≤ ${TARGET_P99_MS})`);
    line('stock writes/s meanwhile', `${int(w.ok / w.seconds)} acknowledged of ${int(WRITES_PER_SECOND)} asked${w.failed > 0 ? `; ${int(w.failed)} FAILED` : ''}`);
    if (result.non2xx > 0) line('read errors', int(result.non2xx));
    printServerCpu(serverCpu, result.completed, true);
    const d = loop.loopDelay;
    line('server event-loop delay ms', `p50 ${d.p50}  p99 ${d.p99}  p99.9 ${d.p999}  max ${d.max}  (monitorEventLoopDelay, 1 ms resolution)`);
    const gcs = Object.entries(loop.gc).map(([kind, g]) => `${kind} ${g.count}× ${g.ms} ms (max ${g.max}, >2 ms ${g.over2}, >5 ms ${g.over5})`);
    line('server GC in the window', `${int((serverCpu1.gcMicros - serverCpu0.gcMicros) / 1000)} ms: ${gcs.join('; ') || 'none'}; resident memory ${serverCpu1.rssMb} MB (V8 flags: ${serverFlags().join(' ') || 'none'})`);
    printCpu(cpu, result.perSecond, 'load generator');
    return result;
  } finally {
    await stopServer(server);
  }
}

/**
 * The floor under a read on this machine: a bare Fastify route answering a fixed body
 * (serve-bare.ts), no hooks, no core, the same fixed-rate reads. What Node's HTTP server, Fastify
 * and the socket writes cost per request; the read path's own work is what it costs above this.
 */
async function bareScenario(options: ServeBenchOptions): Promise<void> {
  const server = await startBareServer();
  try {
    const run = rateLoad(server.port, 'none', options.seconds, TARGET_READS, RATE_CONNECTIONS);
    await run.started;
    const cpu0 = await server.cpuMicros();
    const result = await run.result;
    const micros = (await server.cpuMicros()) - cpu0;
    console.log(`\n  for reference: a bare Fastify route (no hooks, no core, a fixed body), ${int(TARGET_READS)} requests/s offered at a steady pace`);
    line('requests/s answered', `${int(result.perSecond)} of ${int(result.offered)}; latency ms p50 ${ms(result.latency.p50)}  p99 ${ms(result.latency.p99)}`);
    printServerCpu(micros, result.completed, false);
  } finally {
    await stopServer(server);
  }
}

/** 1,000 clients on /api/v1/events of `ssePort`; each write goes to `writePort`; time until the last client has it. */
async function sseScenario(label: string, ssePort: number, writePort: number, rounds: number): Promise<void> {
  const sockets: http.ClientRequest[] = [];
  const received = new Map<number, number>();
  /** When the last client had each entry. */
  const complete = new Map<number, number>();
  const waiting = new Map<number, () => void>();
  let connected = 0;
  const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < SSE_CLIENTS; i++) {
      const req = http.get({ host: '127.0.0.1', port: ssePort, path: '/api/v1/events', agent: sseAgent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (\d+)$/m.exec(message);
            if (!id) continue;
            const seq = Number(id[1]);
            const count = (received.get(seq) ?? 0) + 1;
            received.set(seq, count);
            if (count === SSE_CLIENTS) {
              complete.set(seq, performance.now());
              waiting.get(seq)?.();
            }
          }
        });
        if (++connected === SSE_CLIENTS) resolve();
      });
      req.on('error', reject);
      sockets.push(req);
    }
  });
  const times: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const res = await request(writePort, 'POST', '/api/v1/stock/receive', TOKEN, { sku: sku(r % PRODUCTS), quantity: 1 });
      const changeSeq = (JSON.parse(res.body) as { seq: number }).seq;
      await new Promise<void>((resolve, reject) => {
        if (complete.has(changeSeq)) return resolve();
        const timer = setTimeout(() => reject(new Error(`only ${received.get(changeSeq) ?? 0} of ${SSE_CLIENTS} clients had seq ${changeSeq} after 10 s`)), 10_000);
        waiting.set(changeSeq, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      times.push((complete.get(changeSeq) as number) - t0);
      await new Promise((r2) => setTimeout(r2, 100));
    }
  } finally {
    for (const s of sockets) s.destroy();
    sseAgent.destroy();
  }
  const s = summarise(times);
  console.log(`\n  ${label}`);
  line('write sent → last of 1,000 clients', `p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  max ${ms(s.max)} ms over ${times.length} writes  (target ≤ ${TARGET_SSE_MS})`);
}

export async function benchServe(dir: string, adminUrl: string, serveOptions: ServeBenchOptions): Promise<void> {
  // REDIS_URL, or a private redis-server on a free port (Debian's redis-server package).
  let redis: TestRedis | undefined;
  if (!process.env.REDIS_URL && fs.existsSync(REDIS_SERVER)) redis = await startRedis();
  const options = { ...serveOptions, redisUrl: process.env.REDIS_URL ?? redis?.url ?? '' };
  try {
    await serveScenarios(dir, adminUrl, options);
  } finally {
    await redis?.stop();
  }
}

async function serveScenarios(dir: string, adminUrl: string, options: ServeBenchOptions & { redisUrl: string }): Promise<void> {
  console.log('\n[serve] storefront availability reads (autocannon) under 500 stock writes/s, and SSE fan-out — PostgreSQL, each server its own process, real HTTP on 127.0.0.1');
  console.log(`  load average (1/5/15 min) now: ${loadAverage()}  — the reads, the writes, the servers, PostgreSQL and Redis share this machine's cores`);
  await withTempPgDatabase(adminUrl, async (url) => {
    const storefront = await seed(dir, url);
    line('catalogue', `${int(PRODUCTS)} products; reads cycle over ${READ_SKUS} SKUs, writes (stock.receive) hit random ones at ${WRITES_PER_SECOND}/s`);
    const scenarios: Scenario[] = [
      { label: 'one server, no cache', servers: 1, cache: false, redis: false },
      { label: 'one server, cache in process', servers: 1, cache: true, redis: false },
      // The read path's own ceiling on this machine, for comparison: the same, with no writes.
      { label: 'one server, cache in process, reads alone (no writes)', servers: 1, cache: true, redis: false, writes: false },
    ];
    if (options.redisUrl) {
      scenarios.push({ label: 'one server, cache in Redis', servers: 1, cache: true, redis: true });
      scenarios.push({ label: 'two servers, cache in Redis', servers: 2, cache: true, redis: true });
    } else {
      console.log('  (Redis scenarios skipped: no redis-server; install the redis-server package)');
    }
    // STOCKFEED_BENCH_SERVE_ONLY=target runs only what the read targets are judged on.
    const only = process.env.STOCKFEED_BENCH_SERVE_ONLY === 'target';
    const most = new Map<string, number>();
    for (const scenario of only ? scenarios.slice(1, 2) : scenarios) most.set(scenario.label, await readScenario(dir, url, storefront, scenario, options));
    const fixed = await rateScenario(dir, url, storefront, options);
    await bareScenario(options);
    const ceiling = most.get('one server, cache in process') ?? 0;
    const rateMet = ceiling >= TARGET_READS && fixed.perSecond >= TARGET_READS * 0.99;
    const p99Met = fixed.latency.p99 <= TARGET_P99_MS && fixed.unanswered === 0;
    console.log('');
    line(
      'target: cached reads under 500 writes/s',
      `most answered ${int(ceiling)}/s (closed loop), ${int(fixed.perSecond)}/s kept up when offered ${int(TARGET_READS)}/s → ${rateMet ? 'MET' : 'NOT MET'}; ` +
        `p99 at ${int(TARGET_READS)}/s ${ms(fixed.latency.p99)} ms ≤ ${TARGET_P99_MS} → ${p99Met ? 'MET' : 'NOT MET'}`,
    );
    if (only) return;

    const a = await startServer(path.join(dir, 'sse-a'), url, true, options.redisUrl);
    const b = await startServer(path.join(dir, 'sse-b'), url, true, options.redisUrl);
    try {
      await sseScenario(`SSE: ${int(SSE_CLIENTS)} clients on one server, writes to the same server`, a.port, a.port, 20);
      await sseScenario(`SSE: ${int(SSE_CLIENTS)} clients on one server, writes to another server (LISTEN/NOTIFY)`, a.port, b.port, 20);
    } finally {
      await stopServer(a);
      await stopServer(b);
    }
  });
  console.log(`  load average (1/5/15 min) after: ${loadAverage()}`);
}
