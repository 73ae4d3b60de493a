/**
 * A probe of one server's CPU per operation (not a bench section), at a fixed batch size so the
 * figure does not move with the machine's load: stock writes over HTTP from K callers that each
 * wait for their answer (so the write queue's batches hold at most K writes), then storefront reads
 * from 8 such callers, each line the server's CPU (process.cpuUsage, every thread) over the
 * operations. Reads come after the writes, as on a server that has taken writes since it started.
 *
 *   STOCKFEED_TEST_PG_URL=... [PROFILE_DIR=dir] tsx bench/serve-cpu-per-op.ts [WRITES] [READS] [K,K,...]
 *
 * PROFILE_DIR: a CPU profile of each write window (write-K.cpuprofile).
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seed, startServer, stopServer } from './serve';
import { withTempPgDatabase } from './stock';

const TOKEN = 'bench-serve-token-0123456789abcdef';
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function call(port: number, method: string, url: string, token: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, agent, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function callers(k: number, total: number, one: (i: number) => Promise<number>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: k }, async () => {
      while (next < total) {
        const status = await one(next++);
        if (status !== 200) throw new Error(`status ${status}`);
      }
    }),
  );
}

async function main(): Promise<void> {
  const [writesArg, readsArg, ksArg] = process.argv.slice(2);
  const writes = Number(writesArg ?? 3000);
  const reads = Number(readsArg ?? 40000);
  const ks = (ksArg ?? '1,4').split(',').map(Number);
  const url = process.env.STOCKFEED_TEST_PG_URL;
  if (!url) throw new Error('STOCKFEED_TEST_PG_URL');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-cpu-per-op-'));
  await withTempPgDatabase(url, async (db) => {
    const storefront = await seed(dir, db);
    const server = await startServer(path.join(dir, 'server'), db, true);
    try {
      const skus = Array.from({ length: 200 }, (_, i) => `SERVE-${String(i).padStart(4, '0')}`);
      const write = (i: number) => call(server.port, 'POST', '/api/v1/stock/receive', TOKEN, JSON.stringify({ sku: skus[(i * 7) % skus.length], quantity: 1 }));
      const read = (i: number) => call(server.port, 'GET', `/api/v1/availability/${skus[i % skus.length]}`, storefront);
      // Warm-up: compiles both paths and fills the cache.
      await callers(4, 1000, write);
      await callers(8, 10000, read);
      const profileDir = process.env.PROFILE_DIR;
      for (const k of ks) {
        if (profileDir) await server.command('profile-start');
        const c0 = await server.cpu();
        await callers(k, writes, write);
        const c1 = await server.cpu();
        if (profileDir) await server.command(`profile-stop ${path.join(profileDir, `write-${k}.cpuprofile`)}`);
        console.log(JSON.stringify({ op: 'write', callers: k, perOp: Math.round((c1.cpuMicros - c0.cpuMicros) / writes), systemPerOp: Math.round((c1.systemMicros - c0.systemMicros) / writes), gcMs: Math.round((c1.gcMicros - c0.gcMicros) / 1000) }));
      }
      const c0 = await server.cpu();
      await callers(8, reads, read);
      const c1 = await server.cpu();
      console.log(JSON.stringify({ op: 'read', callers: 8, perOp: Math.round(((c1.cpuMicros - c0.cpuMicros) / reads) * 10) / 10, systemPerOp: Math.round(((c1.systemMicros - c0.systemMicros) / reads) * 10) / 10, gcMs: Math.round((c1.gcMicros - c0.gcMicros) / 1000), load: os.loadavg()[0]?.toFixed(2) }));
    } finally {
      await stopServer(server);
      agent.destroy();
    }
  });
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
