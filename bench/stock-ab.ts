/**
 * Two checkouts of Stockfeed, old and new, compared on the stock section's load in one process
 * (not a bench section): each opens its own core on its own database, then 16 callers each
 * awaiting one stock.receive run in short windows alternating between them, A B, B A, …, and each
 * window's main-thread CPU per group-commit batch (from /proc/self/task/<pid>/schedstat) is kept.
 * Both sides see the same machine load within seconds of each other, which separate runs on a
 * shared machine do not; the medians over many rounds are the figure (one round moves ±10–18 %).
 *
 *   tsx bench/stock-ab.ts OLD_CHECKOUT NEW_CHECKOUT [ROUNDS] [WINDOW_MS]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '../electron/core/core';
import { median, type LoadResult } from './measure';

type Loop = (options: { callers: number; warmupMs: number; durationMs: number; call: (caller: number, i: number) => Promise<unknown> }) => Promise<LoadResult>;
type Round = { main: number; other: number; movements: number };
type Side = { name: string; core: Core; receive: (caller: number, i: number, offset: number) => Promise<unknown>; closedLoop: Loop; batches: number; rounds: Round[] };

/** Nanoseconds run by this process's main thread and by all its other threads. */
function threadTimes(): { main: number; other: number } {
  let main = 0;
  let other = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      if (Number(tid) === process.pid) main += ns;
      else other += ns;
    } catch {
      // Gone since the listing.
    }
  }
  return { main, other };
}

/** One checkout's core, seeded with the stock section's 1,000 products, its code loaded from that checkout. */
async function openSide(name: string, checkout: string): Promise<Side> {
  const from = (file: string) => import(path.resolve(checkout, file));
  const { openCore } = (await from('electron/core/core.ts')) as typeof import('../electron/core/core');
  const { seedProducts } = (await from('bench/stock.ts')) as typeof import('./stock');
  const { closedLoop } = (await from('bench/measure.ts')) as typeof import('./measure');
  const { parseInput } = (await from('shared/validation.ts')) as typeof import('../shared/validation');
  const { contract } = (await from('shared/contract.ts')) as typeof import('../shared/contract');
  const core = await openCore({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), `stock-ab-${name}-`)), expirySweepMs: 0 });
  const skus = await seedProducts(core, 1000);
  const handler = core.handlers['stock.receive'];
  const schema = contract['stock.receive'].input;
  const side: Side = {
    name,
    core,
    closedLoop,
    batches: 0,
    rounds: [],
    receive: (caller, i, offset) =>
      handler(parseInput(schema, { sku: skus[(caller * 7919 + (i + offset) * 104_729) % skus.length] as string, quantity: 1, reference: `ab-${caller}-${i}` })),
  };
  core.queue.addCommitHook(async () => void side.batches++);
  return side;
}

let offset = 0;
function run(side: Side, durationMs: number): Promise<LoadResult> {
  const at = (offset += 1_000_003);
  return side.closedLoop({ callers: 16, warmupMs: 0, durationMs, call: (caller, i) => side.receive(caller, i, at) });
}

async function main(): Promise<void> {
  const [oldCheckout, newCheckout, roundsArg, windowArg] = process.argv.slice(2);
  if (!oldCheckout || !newCheckout) throw new Error('usage: tsx bench/stock-ab.ts OLD_CHECKOUT NEW_CHECKOUT [ROUNDS] [WINDOW_MS]');
  const rounds = Number(roundsArg ?? 20);
  const windowMs = Number(windowArg ?? 1200);
  const sides = [await openSide('old', oldCheckout), await openSide('new', newCheckout)] as const;
  const loads = [os.loadavg()[0]?.toFixed(2)];
  try {
    // Warm-up: every product gets its stock row, the statements are prepared, the code compiled.
    for (const side of sides) await run(side, 2000);
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 === 0 ? sides : [sides[1], sides[0]]) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const t0 = threadTimes();
        const b0 = side.batches;
        const result = await run(side, windowMs);
        const t1 = threadTimes();
        const n = side.batches - b0;
        side.rounds.push({ main: (t1.main - t0.main) / 1000 / n, other: (t1.other - t0.other) / 1000 / n, movements: result.acknowledged / n });
      }
      loads.push(os.loadavg()[0]?.toFixed(2));
    }
    for (const side of sides) {
      const mains = side.rounds.map((x) => x.main);
      console.log(
        `${side.name}: main thread µs a batch, median ${median(mains).toFixed(0)} [${mains.map((m) => m.toFixed(0)).join(' ')}]; ` +
          `other threads ${median(side.rounds.map((x) => x.other)).toFixed(0)}; movements a batch ${median(side.rounds.map((x) => x.movements)).toFixed(1)}`,
      );
    }
    const [a, b] = sides;
    const diffs = a.rounds.map((x, i) => (((b.rounds[i] as Round).main - x.main) / x.main) * 100);
    console.log(`new against old, main thread, round by round: ${diffs.map((d) => d.toFixed(1)).join(' ')} %; median ${median(diffs).toFixed(1)} %`);
    const otherDiffs = a.rounds.map((x, i) => (((b.rounds[i] as Round).other - x.other) / x.other) * 100);
    console.log(`new against old, other threads (SQLite's among them), round by round: ${otherDiffs.map((d) => d.toFixed(1)).join(' ')} %; median ${median(otherDiffs).toFixed(1)} %`);
    console.log(`load ${loads.join(' ')}`);
    for (const side of sides) console.log(`${side.name}: ledger ${(await side.core.checkLedger()).ok ? 'ok' : 'MISMATCH'}`);
  } finally {
    for (const side of sides) {
      await side.core.close();
      fs.rmSync(side.core.dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
