/**
 * Two headless servers (separate processes, as behind a load balancer) on one PostgreSQL database
 * and one Redis: a write through one appears on the other's event stream within a second; one of
 * them publishes; killing it (SIGKILL, no goodbye) hands publishing to the other once its lease
 * has run out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, tempDir } from '../helpers/core';
import { startRedis, type TestRedis } from '../helpers/redis-server';
import { skipWithout, titled } from '../helpers/system-services';

const ROOT = path.resolve(__dirname, '../..');
const SERVER = path.join(ROOT, 'electron/server/main.ts');
const TOKEN = 'cluster-process-token-0123456789';
const skip = skipWithout('postgresql', 'two server processes on one PostgreSQL database') ?? skipWithout('redis', 'two server processes sharing Redis');

type Proc = { child: ChildProcess; port: number; dir: string };

function start(env: NodeJS.ProcessEnv): Promise<Proc> {
  const dir = tempDir();
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', '--data', dir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve({ child, port: Number(match[1]), dir });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
}

async function api(p: Proc, method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://127.0.0.1:${p.port}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sitemapHas = (p: Proc, slug: string) => {
  const file = path.join(p.dir, 'publish', 'sitemap.xml');
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(slug);
};

describe.skipIf(skip)(titled('two server processes on one PostgreSQL database and one Redis', skip), () => {
  let a: Proc;
  let b: Proc;
  let redis: TestRedis;
  let db: Knex;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    redis = await startRedis();
    const pg = await createPgDatabase();
    drop = pg.drop;
    db = knexFactory({ client: 'pg', connection: pg.url, pool: { min: 0, max: 1 } });
    const env = { ...process.env, DATABASE_URL: pg.url, REDIS_URL: redis.url, STOCKFEED_API_TOKEN: TOKEN, STOCKFEED_LEASE_MS: '2000', STOCKFEED_RATE_LIMIT: '0' };
    a = await start(env);
    // A holds the publisher lease before B starts.
    await until(async () => Boolean(await db('leases').where({ name: 'publisher' }).first()), 10_000, 'A takes the lease');
    b = await start(env);
  }, 120_000);

  afterAll(async () => {
    for (const p of [a, b]) {
      if (p && p.child.exitCode === null && p.child.signalCode === null) {
        const exited = new Promise((r) => p.child.once('exit', r));
        p.child.kill('SIGTERM');
        await exited;
      }
      if (p) fs.rmSync(p.dir, { recursive: true, force: true });
    }
    await db?.destroy();
    await drop?.();
    await redis?.stop();
  });

  it('sees each other live, shares the cache, publishes once, and hands publishing over when the publisher is killed', async () => {
    expect(((await api(a, 'GET', '/health')).json as { cache: string }).cache).toBe('redis');
    const settings = (await api(a, 'GET', '/settings')).json as Record<string, unknown>;
    expect((await api(a, 'PUT', '/settings', { ...settings, shopUrl: 'https://shop.example.com' })).status).toBe(200);

    // B's event stream carries a write made through A within a second.
    const seen: number[] = [];
    const stream = http.get(`http://127.0.0.1:${b.port}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const m of chunk.matchAll(/^id: (\d+)$/gm)) seen.push(Number(m[1]));
      });
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect((await api(a, 'POST', '/products', { sku: 'PROC-1', title: 'Process one', price: '1.00' })).status).toBe(201);
      const sent = Date.now();
      const write = await api(a, 'POST', '/stock/receive', { sku: 'PROC-1', quantity: 3 });
      const seq = (write.json as { seq: number }).seq;
      await until(() => seen.includes(seq), 1000, "A's write on B's stream");
      expect(Date.now() - sent).toBeLessThan(1000);
      // The shared cache: B answers A's write at once.
      expect(((await api(b, 'GET', '/availability/PROC-1')).json as { available: number }).available).toBe(3);
    } finally {
      stream.destroy();
    }

    // Only A publishes.
    // The sitemap lists product pages by slug (from the title).
    await until(() => sitemapHas(a, 'process-one'), 15_000, 'A publishes');
    expect(sitemapHas(b, 'process-one')).toBe(false);
    const holderA = ((await db('leases').where({ name: 'publisher' }).first()) as { holder: string }).holder;
    expect(holderA).toContain(`:${a.child.pid}:`);

    // A dies without a word; B takes the lease once it has run out, and publishes what A missed.
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    expect((await api(b, 'POST', '/products', { sku: 'PROC-2', title: 'Process two', price: '1.00' })).status).toBe(201);
    await until(() => sitemapHas(b, 'process-two') && sitemapHas(b, 'process-one'), 20_000, 'B publishes after A was killed');
    const holderB = ((await db('leases').where({ name: 'publisher' }).first()) as { holder: string }).holder;
    expect(holderB).toContain(`:${b.child.pid}:`);
  }, 120_000);
});
