/**
 * A probe of one server's main thread (not a bench section): the target's load split in three,
 * writes alone (500/s), reads alone (10,000/s) and both, each window with the server's CPU, its
 * event-loop delay and its garbage collections (serve-control.ts), and a CPU profile of each
 * window when PROFILE_DIR is given. Load-independent figures first: CPU per operation, collections.
 *
 *   STOCKFEED_TEST_PG_URL=... tsx bench/serve-probe.ts SECONDS [PROFILE_DIR] [w,r,rw]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rateLoad, seed, startServer, steadyWrites, stopServer } from './serve';
import { withTempPgDatabase } from './stock';
import knex from 'knex';

async function main(): Promise<void> {
  const [secondsArg, profileDir, which = 'w,r,rw'] = process.argv.slice(2);
  const seconds = Number(secondsArg ?? 8);
  const url = process.env.STOCKFEED_TEST_PG_URL;
  if (!url) throw new Error('STOCKFEED_TEST_PG_URL');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-probe-'));
  // PROBE_VARIANTS='|--max-semi-space-size=64': node arguments of each variant, run in turn (A/B/A/B) ROUNDS times.
  const variants = (process.env.PROBE_VARIANTS ?? '').split('|');
  const rounds = Number(process.env.PROBE_ROUNDS ?? 1);
  await withTempPgDatabase(url, async (db) => {
    const storefront = await seed(dir, db);
    for (let round = 0; round < rounds; round++)
    for (const variant of variants)
    for (const mode of which.split(',')) {
      const nodeArgs = variant.split(' ').filter(Boolean);
      const server = await startServer(path.join(dir, `${mode}-${round}-${variants.indexOf(variant)}`), db, true, '', nodeArgs);
      try {
        const writes = steadyWrites([server.port], mode === 'r' ? 0 : 500);
        await new Promise((r) => setTimeout(r, 1000));
        const run = mode === 'w' ? null : rateLoad(server.port, storefront, seconds, Number(process.env.PROBE_RATE ?? 10_000), 50);
        if (run) await run.started;
        else await new Promise((r) => setTimeout(r, 2000));
        const heap = process.env.PROBE_HEAP === '1';
        if (profileDir) await server.command(heap ? 'heap-start' : 'profile-start');
        await server.command('loop-start');
        const stats = knex({ client: 'pg', connection: db, pool: { min: 0, max: 1 } });
        const commits = async () =>
          Number(((await stats.raw('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')) as { rows: Array<{ xact_commit: string }> }).rows[0]?.xact_commit);
        const x0 = await commits();
        const c0 = await server.cpu();
        const t0 = performance.now();
        const before = await writes.stop().then(() => null).catch(() => null);
        void before;
        // writes.stop() stops them; restart a fresh writer for the window so its count is the window's
        const w2 = steadyWrites([server.port], mode === 'r' ? 0 : 500);
        const result = run ? await run.result : await new Promise((r) => setTimeout(r, seconds * 1000)).then(() => null);
        const c1 = await server.cpu();
        const transactions = (await commits()) - x0;
        await stats.destroy();
        const secs = (performance.now() - t0) / 1000;
        const loop = await server.command('loop-stop');
        if (profileDir) await server.command(heap ? `heap-stop ${path.join(profileDir, `${mode}.heapprofile`)}` : `profile-stop ${path.join(profileDir, `${mode}.cpuprofile`)}`);
        const w = await w2.stop();
        const cpu = c1.cpuMicros - c0.cpuMicros;
        const reads = result ? (result as { completed: number }).completed : 0;
        const p99 = result ? (result as { latency: { p99: number; p50: number } }).latency : null;
        console.log(JSON.stringify({ variant, mode, secs: Math.round(secs * 10) / 10, writesOk: w.ok, transactions, notAtHand: (c1 as unknown as { notAtHand: number }).notAtHand - (c0 as unknown as { notAtHand: number }).notAtHand, reads, cpuMs: Math.round(cpu / 1000), systemMs: Math.round((c1.systemMicros - c0.systemMicros) / 1000), perRead: reads ? Math.round(cpu / reads) : null, perWrite: mode === 'w' ? Math.round(cpu / w.ok) : null, gcMs: Math.round((c1.gcMicros - c0.gcMicros) / 1000), rssMb: c1.rssMb, latency: p99, loop, load: os.loadavg().map((l) => l.toFixed(2)).join(' ') }));
      } finally {
        await stopServer(server);
      }
    }
  });
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
