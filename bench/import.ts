/**
 * The catalogue import at 100,000 rows: into an empty database, then a second file over it that
 * changes every price and stock figure (updates and counts), then that file again (nothing to do).
 * Beside them, in the same run, two floors: the raw CSV parse alone, and the rows an import writes
 * (products, change-log entries, movements, stock rows) written alone by the same prepared
 * multi-row statements in one transaction. SQLite, and PostgreSQL when STOCKFEED_TEST_PG_URL is set.
 *
 * Each measurement runs in a child process of its own (through tsx) so that its peak memory is its
 * own; the figures are the work inside the process, without its start and the opening of the core.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openCore, type Core } from '../electron/core/core';
import { importCatalogCsv, type ImportReport } from '../electron/core/catalog/csv-import';
import { bulkInsert } from '../electron/core/db/bulk-insert';
import { withIndexesDeferred } from '../electron/core/db/deferred-indexes';
import { checkpointAfterCommit } from '../electron/core/db/sqlite-client';
import { newProductRow } from '../electron/core/products/product-service';
import type { ProductRow } from '../electron/core/products/product-repository';
import { uuid7 } from '../electron/core/util/uuid7';
import { catalogSku, gtin13, writeCatalogCsv } from './catalog-csv';
import { line } from './measure';
import { withTempPgDatabase } from './stock';

const HERE = fileURLToPath(import.meta.url);
const TARGET_SECONDS = 8;

type Result = { seconds: number; cpu: number; peakMb: number; report?: Pick<ImportReport, 'created' | 'updated' | 'unchanged' | 'counts' | 'countsUnchanged' | 'ok'>; progress?: number };

/** Where the core keeps its data: a folder (SQLite) or a PostgreSQL URL. */
type Target = { dataDir: string; databaseUrl?: string };

function open(target: Target): Promise<Core> {
  return openCore({ ...target, expirySweepMs: 0, webhooks: { worker: false }, channelPush: { worker: false }, backups: { checkEveryMs: 0 } });
}

/** Runs `work`, measuring its wall time and the process's CPU time (every thread: SQLite's too). */
async function measured(work: () => Promise<Partial<Result>>): Promise<Result> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const extra = await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6, peakMb: process.resourceUsage().maxRSS / 1024, ...extra };
}

/** The floor of reading: the file through csv-parse, nothing else. */
async function phaseParse(file: string): Promise<Result> {
  const { parse } = await import('csv-parse');
  return measured(async () => {
    let records = 0;
    for await (const _record of fs.createReadStream(file).pipe(parse({ relax_column_count: true, skip_empty_lines: true }))) records++;
    return { progress: records };
  });
}

/**
 * The floor of writing: the rows an import of `count` new products writes, built beforehand and
 * written by bulkInsert in one transaction (products; a product.created, a stock.changed and an
 * availability.changed entry each; a movement and a stock row each). With `deferred` (SQLite), the
 * products table's secondary indexes are dropped first and built once at the end, as a large
 * import into a small catalogue does (db/deferred-indexes.ts); without, they fill row by row. On
 * SQLite its COMMIT leaves the log to the background checkpointer, as the import's does.
 */
async function phaseWrite(target: Target, count: number, deferred = false): Promise<Result> {
  const core = await open(target);
  try {
    const location = (await core.db('locations').first('id')) as { id: string };
    const now = new Date().toISOString();
    const products: ProductRow[] = [];
    for (let i = 1; i <= count; i++) {
      products.push(
        newProductRow(
          { sku: catalogSku(i), title: `Blue Mug ${i}`, description: '', brand: '', gtin: gtin13(i), mpn: null, condition: 'new', price: '12.50', salePrice: null, imageUrl: null, additionalImageUrls: [], status: 'active', itemGroupId: `G-${Math.floor(i / 3)}`, allowBackorder: false, preorderDate: null, bufferStock: null, productType: null, googleProductCategory: null },
          { id: uuid7(), currency: 'EUR', slug: `blue-mug-${i}`, now },
        ),
      );
    }
    const actor = { actor_kind: 'system', actor_id: null, actor_name: 'bench' };
    const entry = (type: string, p: ProductRow, payload: unknown) => ({ type, product_id: p.id, sku: p.sku, payload: JSON.stringify(payload), created_at: now, ...actor });
    const changes = products.flatMap((p) => [
      entry('product.created', p, p),
      entry('stock.changed', p, { cause: 'count', counted: 5, movementIds: [p.id], stock: { sku: p.sku, onHand: 5, committed: 0, incoming: 0, available: 5, availability: 'in_stock', availabilityDate: null, byLocation: [{ location: 'main', onHand: 5, committed: 0, incoming: 0, available: 5 }] } }),
      entry('availability.changed', p, { sku: p.sku, from: 'out_of_stock', to: 'in_stock', onlineAvailable: 5, buffer: 0 }),
    ]);
    return await measured(async () => {
      await core.queue.exclusive(async (ctx) => {
        // As the import's own transaction: its COMMIT leaves the log to the background checkpointer.
        if (ctx.dialect === 'sqlite') await checkpointAfterCommit(ctx.trx);
        const insertProducts = () => bulkInsert(ctx.trx, 'products', Object.keys(products[0] ?? {}), products);
        if (deferred) await withIndexesDeferred(ctx.trx, 'products', { keep: ['products_sku_unique'], keyColumn: 'sku' }, insertProducts);
        else await insertProducts();
        const seqs = await bulkInsert(ctx.trx, 'changes', Object.keys(changes[0] ?? {}), changes, { returning: 'seq' });
        const movements = products.map((p, i) => ({ id: uuid7(), seq: seqs[i * 3 + 1], product_id: p.id, location_id: location.id, quantity: 5, kind: 'count', reason: 'CSV import', reference: 'bench.csv', created_at: now, ...actor }));
        await bulkInsert(ctx.trx, 'movements', Object.keys(movements[0] ?? {}), movements);
        const levels = products.map((p) => ({ product_id: p.id, location_id: location.id, on_hand: 5, committed: 0, incoming: 0, updated_at: now }));
        await bulkInsert(ctx.trx, 'stock_levels', Object.keys(levels[0] ?? {}), levels);
      });
      return {};
    });
  } finally {
    await core.close();
  }
}

/** The import itself, as the CLI runs it (with progress reported, as the CLI asks for it). */
async function phaseImport(target: Target, file: string): Promise<Result> {
  const core = await open(target);
  try {
    let reports = 0;
    return await measured(async () => {
      const report = await importCatalogCsv(core, fs.createReadStream(file), { name: path.basename(file), size: fs.statSync(file).size, onProgress: () => reports++ });
      if (!report.ok) throw new Error(`the import found problems: ${JSON.stringify(report.issues.slice(0, 3))}`);
      const { created, updated, unchanged, counts, countsUnchanged, ok } = report;
      return { report: { created, updated, unchanged, counts, countsUnchanged, ok }, progress: reports };
    });
  } finally {
    await core.close();
  }
}

function inChild(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', HERE, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`bench phase ${args[0]} failed (exit ${code}): ${output.slice(-500)}`));
      else resolve(JSON.parse(last) as Result);
    });
  });
}

const figures = (r: Result) => `${r.seconds.toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s, peak ${Math.round(r.peakMb)} MB`;
const verdict = (r: Result) => `target ≤ ${TARGET_SECONDS} s: ${r.seconds <= TARGET_SECONDS ? 'meets target' : 'MISSES target'}`;

async function runEngine(label: string, files: { first: string; second: string }, count: number, target: (name: string) => Target): Promise<void> {
  console.log(`  ${label}`);
  const floor = await inChild(['write', JSON.stringify(target('floor')), String(count)]);
  line('  floor: same rows written alone', `${figures(floor)} (prepared multi-row INSERTs, one transaction)`);
  if (label === 'SQLite') {
    // What the import does for new products into a small catalogue: the products indexes built once at the end.
    const deferred = await inChild(['write', JSON.stringify(target('floor-deferred')), String(count), 'deferred']);
    line('  floor, products indexes built once', `${figures(deferred)} (the same, the products indexes dropped and built again at the end)`);
  }
  const db = target('import');
  const first = await inChild(['import', JSON.stringify(db), files.first]);
  const r1 = first.report;
  line('  import, empty database', `${figures(first)}; ${r1?.created} created, ${r1?.counts} counts; ${(first.seconds / floor.seconds).toFixed(1)}× the write floor — ${verdict(first)}`);
  const second = await inChild(['import', JSON.stringify(db), files.second]);
  const r2 = second.report;
  line('  again, prices and counts changed', `${figures(second)}; ${r2?.updated} updated, ${r2?.counts} counts — ${verdict(second)}`);
  const third = await inChild(['import', JSON.stringify(db), files.second]);
  const r3 = third.report;
  line('  the same file once more', `${figures(third)}; ${r3?.unchanged} unchanged, ${r3?.countsUnchanged} counts unchanged, nothing written`);
  line('  progress reports', `${first.progress}, ${second.progress}, ${third.progress} (CLI prints them on stderr)`);
}

export async function benchImport(root: string, count: number, pgUrl: string): Promise<void> {
  const files = { first: path.join(root, 'import-1.csv'), second: path.join(root, 'import-2.csv') };
  writeCatalogCsv(files.first, count);
  writeCatalogCsv(files.second, count, 1);
  const mb = fs.statSync(files.first).size / 1e6;
  console.log(`\n[import] a ${count.toLocaleString('en')}-row catalogue CSV (${mb.toFixed(1)} MB; sku, title, gtin, price, currency, item group, location, on hand) — target ≤ ${TARGET_SECONDS} s, with progress`);
  const parse = await inChild(['parse', files.first]);
  line('floor: the raw CSV parse alone', `${figures(parse)} (csv-parse, ${parse.progress} records)`);

  await runEngine('SQLite', files, count, (name) => ({ dataDir: path.join(root, `import-${name}`) }));
  if (!pgUrl) {
    console.log('  PostgreSQL: skipped (STOCKFEED_TEST_PG_URL is not set)');
    return;
  }
  // One database per measurement series, dropped afterwards.
  await withTempPgDatabase(pgUrl, (floorUrl) =>
    withTempPgDatabase(pgUrl, async (importUrl) => {
      const urls: Record<string, string> = { floor: floorUrl, import: importUrl };
      await runEngine('PostgreSQL', files, count, (name) => ({ dataDir: path.join(root, `import-pg-${name}`), databaseUrl: urls[name] as string }));
    }),
  );
}

async function child(argv: string[]): Promise<void> {
  const [phase, a = '', b = '', c = ''] = argv;
  let result: Result;
  if (phase === 'parse') result = await phaseParse(a);
  else if (phase === 'write') result = await phaseWrite(JSON.parse(a) as Target, Number(b), c === 'deferred');
  else if (phase === 'import') result = await phaseImport(JSON.parse(a) as Target, b);
  else throw new Error(`unknown phase ${phase}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Compared as real paths: node_modules may be a symlink (a git worktree's), and the module's URL is the real path.
if (process.argv[1] && fs.realpathSync(path.resolve(process.argv[1])) === HERE) {
  child(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
