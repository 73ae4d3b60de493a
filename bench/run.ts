/**
 * `npm run bench [-- FILTER...] [--seconds N] [--callers N] [--products N] [--dir PATH]`
 *
 * Runs every benchmark section whose name starts with one of the filters (all when none is
 * given) and prints one report. Later features add a section to SECTIONS.
 * The temporary data folder is under --dir (default: the OS temp folder); put it on the disk
 * you want to measure, since fsync cost is most of a durable write.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { filesystemOf, loadAverage, tempDir } from './measure';
import { benchStockPg, benchStockSqlite, type StockBenchOptions } from './stock';
import { benchWebhooks } from './webhooks';
import { benchOrders } from './orders';
import { benchPublish } from './publish';
import { benchProductList } from './product-list';
import { benchProductBulk } from './product-bulk';
import { benchChannels } from './channels';
import { benchServe } from './serve';
import { benchImport } from './import';

type Context = { dir: string; stock: StockBenchOptions; pgUrl: string; seconds: number };

type Section = {
  name: string;
  /** Why the section cannot run here, or null. */
  unavailable(ctx: Context): string | null;
  run(ctx: Context): Promise<unknown>;
};

const SECTIONS: Section[] = [
  { name: 'stock:sqlite', unavailable: () => null, run: (ctx) => benchStockSqlite(ctx.dir, ctx.stock) },
  {
    name: 'stock:pg',
    unavailable: (ctx) => (ctx.pgUrl ? null : 'STOCKFEED_TEST_PG_URL is not set'),
    run: (ctx) => benchStockPg(ctx.dir, ctx.pgUrl, ctx.stock),
  },
  { name: 'webhooks', unavailable: () => null, run: (ctx) => benchWebhooks(ctx.dir, ctx.stock) },
  { name: 'orders', unavailable: () => null, run: (ctx) => benchOrders(ctx.dir, ctx.stock) },
  {
    name: 'publish',
    unavailable: () => null,
    // STOCKFEED_BENCH_PUBLISH_PRODUCTS shrinks the catalogue for a quick look (the targets are for 100,000);
    // STOCKFEED_BENCH_PUBLISH_ONLY=latency runs only the one-change latency phases.
    run: (ctx) =>
      benchPublish(ctx.dir, {
        products: Number(process.env.STOCKFEED_BENCH_PUBLISH_PRODUCTS ?? 100_000),
        smallProducts: 10_000,
        changes: 200,
        latencyOnly: process.env.STOCKFEED_BENCH_PUBLISH_ONLY === 'latency',
      }),
  },
  { name: 'channels', unavailable: () => null, run: (ctx) => benchChannels(ctx.dir) },
  {
    name: 'products:list',
    unavailable: () => null,
    // STOCKFEED_BENCH_LIST_PRODUCTS shrinks the catalogue for a quick look (the targets are for 100,000).
    run: (ctx) => benchProductList(ctx.dir, Number(process.env.STOCKFEED_BENCH_LIST_PRODUCTS ?? 100_000)),
  },
  {
    name: 'products:bulk',
    unavailable: () => null,
    // STOCKFEED_BENCH_LIST_PRODUCTS shrinks the catalogue here too.
    run: (ctx) => benchProductBulk(ctx.dir, Number(process.env.STOCKFEED_BENCH_LIST_PRODUCTS ?? 100_000)),
  },
  {
    name: 'import',
    unavailable: () => null,
    // STOCKFEED_BENCH_IMPORT_ROWS shrinks the file for a quick look (the target is for 100,000).
    run: (ctx) => benchImport(ctx.dir, Number(process.env.STOCKFEED_BENCH_IMPORT_ROWS ?? 100_000), ctx.pgUrl),
  },
  {
    name: 'serve',
    unavailable: (ctx) => (ctx.pgUrl ? null : 'STOCKFEED_TEST_PG_URL is not set (the servers share one PostgreSQL database)'),
    run: (ctx) => benchServe(ctx.dir, ctx.pgUrl, { seconds: ctx.seconds }),
  },
];

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number (got "${raw}")`);
  return value;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      callers: { type: 'string' },
      products: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const seconds = positiveNumber('seconds', values.seconds, 8);
  const stock: StockBenchOptions = {
    products: Math.round(positiveNumber('products', values.products, 1_000)),
    callers: Math.round(positiveNumber('callers', values.callers, 16)),
    warmupMs: 1_000,
    durationMs: seconds * 1_000,
    referenceMs: Math.min(seconds, 5) * 1_000,
  };
  const selected = SECTIONS.filter((s) => positionals.length === 0 || positionals.some((f) => s.name.startsWith(f)));
  if (selected.length === 0) {
    throw new Error(`no benchmark section matches ${positionals.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  }

  // Absolute: the publish folders below it go into the settings, which refuse a relative path.
  const dir = tempDir(path.resolve(values.dir ?? os.tmpdir()), 'stockfeed-bench-');
  const ctx: Context = { dir, stock, pgUrl: process.env.STOCKFEED_TEST_PG_URL ?? '', seconds };
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Stockfeed benchmark, ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus().length} × ${cpu}; ${os.type()} ${os.release()}; Node ${process.version}`);
  console.log(`load average (1/5/15 min) at start: ${loadAverage()}  — other work on the machine skews every figure`);
  console.log(`data folder: ${dir} on ${filesystemOf(dir)}`);

  let failed = false;
  try {
    for (const section of selected) {
      const reason = section.unavailable(ctx);
      if (reason) {
        console.log(`\n[${section.name}] skipped: ${reason}`);
        continue;
      }
      try {
        await section.run(ctx);
      } catch (error) {
        failed = true;
        console.log(`\n[${section.name}] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload average (1/5/15 min) at end: ${loadAverage()}`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
