/**
 * Publishing speed with 100,000 products: a full publish (feed XML + TSV + sitemap, then with the
 * JSON-LD files) against the file-system floor and against the way peers do it (the `sitemap`
 * package, node-product-catalog-feed, JSON.stringify + writeFileSync per product), into an empty
 * folder and as a forced rewrite over a folder published before (`publish --full`); the server's
 * start (API listening and answering while the publisher builds its cache); and the time from one
 * committed stock change to every affected file replaced (100,000 and 10,000 products).
 *
 * Each measurement runs in its own child process so that its peak memory is its own, on the core
 * bundled into one ES module and run by plain node: the way the desktop app runs it (electron-vite
 * bundles the main process). Through tsx, each process started ~30 MB bigger (the TypeScript
 * loader and its transform cache) before it did any work.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openCore, type Core } from '../electron/core/core';
import { silentLogger } from '../electron/core/logger';
import { newProductRow } from '../electron/core/products/product-service';
import { insertRows } from '../electron/core/util/db-helpers';
import { uuid7 } from '../electron/core/util/uuid7';
import { gtinCheckDigit } from '../shared/domain/gtin';
import { contract } from '../shared/contract';
import { parseInput } from '../shared/validation';
import { OPENAI_PART_ITEMS_SUGGESTED } from '../shared/schemas/settings';
import { line, loadAverage, median, ms, summarise } from './measure';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '..');
const SHOP = 'https://shop.example.com';
const TARGET = { feedSeconds: 3, feedPeakMb: 200, floorRatio: 1.5, peerRatio: 3, p95Ms100k: 300, p95Ms10k: 50, serveSeconds: 2 };

const DEPARTMENTS = ['Kitchen', 'Dining', 'Garden', 'Living', 'Office', 'Bath', 'Kids', 'Outdoor', 'Lighting', 'Storage'];

type PhaseResult = { seconds: number; peakMb: number; extra?: Record<string, number | string> };

/**
 * Flushes what earlier phases left dirty in the page cache before a phase starts: otherwise the
 * kernel writes back the 100,000 files of the phase before while the next one runs, and the same
 * phase measured 5.5 s or 10 s depending on what ran before it.
 */
function settleDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

function open(dataDir: string): Promise<Core> {
  return openCore({ dataDir, expirySweepMs: 0, webhooks: { worker: false } });
}

/** A catalogue like a real shop's: some variants, sale prices, GTINs; two thirds in stock. */
async function seed(dataDir: string, count: number): Promise<void> {
  const core = await open(dataDir);
  try {
    const settings = await core.handlers['settings.get']({});
    await core.handlers['settings.update'](
      parseInput(contract['settings.update'].input, {
        ...settings,
        shopName: 'Bench Shop',
        shopUrl: SHOP,
        productUrlTemplate: `${SHOP}/products/{slug}`,
        // Collections (issue 19): every category level and brand gets a page. Acme, the default
        // brand, holds two thirds of the catalogue: its collection file is the largest there is.
        collectionUrlTemplate: `${SHOP}/c/{slug}`,
        brandUrlTemplate: `${SHOP}/brands/{slug}`,
        defaultBrand: 'Acme',
        // Ready for the OpenAI feed (turned on per phase): the seller's country and return policy.
        openAiFeed: { ...settings.openAiFeed, storeCountry: 'DE', targetCountries: ['DE', 'AT'], returnPolicyUrl: `${SHOP}/returns` },
      }),
    );
    await core.queue.exclusive(async (ctx) => {
      const rows = [];
      for (let i = 0; i < count; i++) {
        const body = `400${String(i).padStart(9, '0')}`;
        rows.push(
          newProductRow(
            {
              sku: `SKU-${String(i).padStart(6, '0')}`,
              title: `Stoneware mug ${i}, hand glazed, 350 ml`,
              description: `A sturdy stoneware mug (${i}) with a hand-applied glaze & a comfortable handle. Dishwasher safe; 350 ml.`,
              brand: i % 3 === 0 ? 'Potter & Sons' : '',
              gtin: i % 2 === 0 ? `${body}${gtinCheckDigit(body)}` : null,
              mpn: i % 2 === 0 ? null : `MPN-${i}`,
              condition: 'new',
              price: '24.90',
              salePrice: i % 20 === 0 ? '19.90' : null,
              imageUrl: `https://cdn.example.com/img/${i}.jpg`,
              additionalImageUrls: [`https://cdn.example.com/img/${i}-b.jpg`],
              status: 'active',
              itemGroupId: i % 10 < 4 ? `GROUP-${Math.floor(i / 10)}` : null,
              allowBackorder: false,
              preorderDate: null,
              bufferStock: null,
              // 10 departments × 10 categories × 10 series: 1,110 category collections.
              productType: `${DEPARTMENTS[i % 10]} > Category ${Math.floor(i / 10) % 10} > Series ${Math.floor(i / 100) % 10}`,
              googleProductCategory: i % 2 === 0 ? '2169' : null,
            },
            { id: uuid7(), currency: 'EUR', slug: `mug-${i}`, now: ctx.now },
          ),
        );
      }
      await insertRows(ctx.trx, 'products', rows);
    });
    const counts = [];
    for (let i = 0; i < count; i++) if (i % 3 !== 0) counts.push(core.stock.count(parseInput(contract['stock.count'].input, { sku: `SKU-${String(i).padStart(6, '0')}`, quantity: 5 + (i % 7) })));
    await Promise.all(counts);
  } finally {
    await core.close();
  }
}

/**
 * How many entries a folder has, read a batch at a time: readdirSync of the 100,000 JSON-LD files
 * held every name at once and added ~14 MB to the peak RSS this process reports for the publish.
 */
function countEntries(dir: string): number {
  const d = fs.opendirSync(dir, { bufferSize: 1024 });
  let n = 0;
  try {
    while (d.readSync() !== null) n++;
  } finally {
    d.closeSync();
  }
  return n;
}

function peakMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * CPU seconds (user + system) of each of this process's threads by id, from Linux's
 * `/proc/self/task/<tid>/stat`; empty elsewhere. The machine's two cores are shared, so a phase's
 * wall time swings with what else runs: the CPU each thread used does not, and shows which thread
 * holds up a publish (the main thread builds every file but the JSON-LD files, a worker writes those).
 */
function threadCpu(): Map<number, { user: number; system: number }> {
  const out = new Map<number, { user: number; system: number }>();
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  const tick = 100; // USER_HZ: 100 on every Linux that node runs on.
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), { user: Number(f[11]) / tick, system: Number(f[12]) / tick });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/**
 * Where a phase's CPU (`total`, every thread, from process.cpuUsage) went: the main thread; the
 * threads that were there before it (V8's compiler and GC helpers, libuv's pool running SQLite's
 * queries and the early syncs); and the rest, threads started during it (the JSON-LD worker, which
 * has ended by then and is no longer listed), with its user time apart (its system time is the
 * file system's, which swings with the disk's state).
 */
function cpuByThread(
  before: Map<number, { user: number; system: number }>,
  after: Map<number, { user: number; system: number }>,
  total: { user: number; system: number },
): { cpuMain: number; cpuStarted: number; cpuStartedUser: number; cpuOther: number } {
  const main = { user: 0, system: 0 };
  const other = { user: 0, system: 0 };
  for (const [tid, cpu] of after) {
    const was = before.get(tid);
    const into = tid === process.pid ? main : was ? other : null;
    if (!into) continue;
    into.user += cpu.user - (was?.user ?? 0);
    into.system += cpu.system - (was?.system ?? 0);
  }
  const startedUser = Math.max(0, total.user - main.user - other.user);
  const startedSystem = Math.max(0, total.system - main.system - other.system);
  return { cpuMain: main.user + main.system, cpuStarted: startedUser + startedSystem, cpuStartedUser: startedUser, cpuOther: other.user + other.system };
}

/**
 * The process's I/O counters (Linux `/proc/self/io`): bytes handed to read/write calls, and bytes
 * it caused to be sent to the disk. Zeros elsewhere.
 */
function ioCounters(): { wchar: number; writeBytes: number; rchar: number } {
  try {
    const text = fs.readFileSync('/proc/self/io', 'utf8');
    const get = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { wchar: get('wchar'), writeBytes: get('write_bytes'), rchar: get('rchar') };
  } catch {
    return { wchar: 0, writeBytes: 0, rchar: 0 };
  }
}

/** The OpenAI feed and the redirects files on or off (issue 19's files). */
function withNewFiles(artifacts: Record<string, boolean>, on: boolean) {
  return { ...artifacts, openAiFeed: on, redirects: on };
}

/**
 * Our full publish, with or without the JSON-LD files, the collections, the OpenAI feed and
 * redirects: into a fresh folder, or (`out` already published) a forced rewrite over it, as
 * `publish --full` does.
 */
async function phaseOurs(dataDir: string, out: string, jsonLd: boolean, collections = true, newFiles = false): Promise<PhaseResult> {
  const core = await open(dataDir);
  let closeStarted = 0;
  try {
    const settings = await core.handlers['settings.get']({});
    await core.handlers['settings.update'](
      parseInput(contract['settings.update'].input, { ...settings, publishDir: out, artifacts: { ...withNewFiles(settings.artifacts, newFiles), jsonLd, collections } }),
    );
    const before = process.memoryUsage().rss / 1e6;
    const threads0 = threadCpu();
    const cpu0 = process.cpuUsage();
    const loop0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await core.publisher.runNow(true);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // The main thread's event loop idle: waiting for SQLite's next page, the worker, the syncs.
    const loopIdle = performance.eventLoopUtilization(loop0).idle / 1000;
    const threads = cpuByThread(threads0, threadCpu(), { user: cpu.user / 1e6, system: cpu.system / 1e6 });
    const status = await core.publisher.status();
    const bytes = status.artifacts.filter((a) => a.artifact !== 'jsonLd').reduce((n, a) => n + a.counts.bytes, 0);
    const collectionCounts = status.artifacts.find((a) => a.artifact === 'collections')?.counts;
    const files = fs.readdirSync(out).length + (jsonLd ? countEntries(path.join(out, 'jsonld')) : 0);
    // Closing waits for what a publish leaves for later (the replaced JSON-LD set removed): timed apart.
    const peakBeforeClose = peakMb();
    closeStarted = performance.now();
    await core.close();
    const closeSeconds = (performance.now() - closeStarted) / 1000;
    return {
      seconds,
      peakMb: peakMb(),
      extra: {
        files,
        mb: bytes / 1e6,
        rssBefore: before,
        cpuUser: cpu.user / 1e6,
        cpuSystem: cpu.system / 1e6,
        closeSeconds,
        peakBeforeClose,
        collections: collectionCounts?.items ?? 0,
        collectionsMb: (collectionCounts?.bytes ?? 0) / 1e6,
        // Per-thread figures where /proc lists the threads (Linux).
        ...(threads0.size > 0 ? threads : {}),
        loopIdle,
      },
    };
  } finally {
    if (closeStarted === 0) await core.close();
  }
}

/**
 * The server's start at this catalogue (publish folder up to date): the core opened, the API
 * listening and the publisher's start-up pass running behind it, as `npm run serve` does. Prints
 * the port once listening; the parent measures the API from outside.
 */
async function phaseServe(dataDir: string, out: string): Promise<void> {
  const { createApiServer } = await import('../electron/server/http/server');
  const core = await openCore({ dataDir, expirySweepMs: 0, webhooks: { worker: false } });
  const settings = await core.handlers['settings.get']({});
  if (settings.publishDir !== out) {
    await core.handlers['settings.update'](parseInput(contract['settings.update'].input, { ...settings, publishDir: out, artifacts: { ...settings.artifacts, jsonLd: true } }));
  }
  const staticDir = path.join(ROOT, 'out', 'renderer');
  const app = await createApiServer({ core, version: 'bench', staticDir, logger: silentLogger, rateLimit: false, allowedHosts: [] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const listenedAt = performance.now();
  core.publisher.start().catch((error: Error) => console.error(`publishing failed: ${error.message}`));
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, listenedAt: listenedAt / 1000 })}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await app.close();
  await core.close();
}

/** The floor: 100,000 small files written from one ready buffer. */
function phaseFloor(out: string, count: number): PhaseResult {
  const buffer = Buffer.alloc(1_600, 'x');
  fs.mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(out, `mug-${i}.json`), buffer);
  return { seconds: (performance.now() - t0) / 1000, peakMb: peakMb() };
}

type PeerRow = { sku: string; title: string; description: string; brand: string; gtin: string | null; mpn: string | null; slug: string; image_url: string; price_minor: number; currency: string };

type FeedProduct = Record<string, unknown>;
type FeedBuilderLike = { withTitle(t: string): FeedBuilderLike; withLink(l: string): FeedBuilderLike; withDescription(d: string): FeedBuilderLike; withProduct(p: FeedProduct): FeedBuilderLike; buildXml(): string };
type CatalogFeed = {
  FeedBuilder: new () => FeedBuilderLike;
  Product: new () => FeedProduct;
  ProductPrice: new (price: number, currency: string) => unknown;
};

/** What peers do: the same rows from the database, each output written with the usual npm tools. */
async function phasePeers(dataDir: string, out: string): Promise<PhaseResult> {
  const core = await open(dataDir);
  // Loaded here only, so that the peers' libraries are not counted in the other phases' memory.
  const feed = createRequire(import.meta.url)('node-product-catalog-feed') as CatalogFeed;
  const { SitemapAndIndexStream, SitemapStream } = await import('sitemap');
  fs.mkdirSync(path.join(out, 'jsonld'), { recursive: true });
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const rows = (await core.db('products').select('sku', 'title', 'description', 'brand', 'gtin', 'mpn', 'slug', 'image_url', 'price_minor', 'currency').orderBy('sku')) as PeerRow[];
    const levels = (await core.db('stock_levels').select('product_id', 'on_hand', 'committed')) as Array<{ product_id: string; on_hand: number; committed: number }>;
    const tRead = performance.now();
    void levels;

    // Sitemap: the `sitemap` package, index + parts.
    let part = 0;
    const partsWritten: Array<Promise<void>> = [];
    const sms = new SitemapAndIndexStream({
      limit: 50_000,
      getSitemapStream: (i: number) => {
        part = i;
        const stream = new SitemapStream({ hostname: SHOP });
        const ws = stream.pipe(fs.createWriteStream(path.join(out, `sitemap-${i}.xml`)));
        partsWritten.push(new Promise((resolve) => ws.on('finish', () => resolve())));
        return [`${SHOP}/sitemap-${i}.xml`, stream, ws];
      },
    });
    const indexDone = new Promise<void>((resolve, reject) => {
      const ws = fs.createWriteStream(path.join(out, 'sitemap.xml'));
      sms.pipe(ws).on('finish', () => resolve()).on('error', reject);
    });
    for (const r of rows) sms.write({ url: `${SHOP}/products/${r.slug}`, lastmod: new Date().toISOString() });
    sms.end();
    await indexDone;
    await Promise.all(partsWritten);
    const tSitemap = performance.now();

    // Feed: node-product-catalog-feed, built in memory and written at once.
    const builder = new feed.FeedBuilder().withTitle('Bench Shop').withLink(SHOP).withDescription('Feed');
    for (const r of rows) {
      const p = new feed.Product();
      Object.assign(p, {
        id: r.sku,
        title: r.title,
        description: r.description,
        link: `${SHOP}/products/${r.slug}`,
        imageLink: r.image_url,
        availability: 'in stock',
        price: new feed.ProductPrice(r.price_minor / 100, r.currency),
        brand: r.brand || 'Acme',
        condition: 'new',
      });
      if (r.gtin) p.gtin = r.gtin;
      if (r.mpn) p.mpn = r.mpn;
      builder.withProduct(p);
    }
    fs.writeFileSync(path.join(out, 'google-merchant.xml'), builder.buildXml());
    const tFeed = performance.now();

    // JSON-LD: JSON.stringify + writeFileSync per product.
    for (const r of rows) {
      const doc = {
        '@context': 'https://schema.org',
        '@type': 'Product',
        name: r.title,
        description: r.description,
        sku: r.sku,
        image: [r.image_url],
        offers: { '@type': 'Offer', price: (r.price_minor / 100).toFixed(2), priceCurrency: r.currency, availability: 'https://schema.org/InStock', url: `${SHOP}/products/${r.slug}` },
      };
      fs.writeFileSync(path.join(out, 'jsonld', `${r.slug}.json`), JSON.stringify(doc, null, 2));
    }
    const tLd = performance.now();
    const cpu = process.cpuUsage(cpu0);
    return {
      seconds: (tLd - t0) / 1000,
      peakMb: peakMb(),
      extra: { read: (tRead - t0) / 1000, sitemap: (tSitemap - tRead) / 1000, feed: (tFeed - tSitemap) / 1000, jsonld: (tLd - tFeed) / 1000, parts: part + 1, cpuUser: cpu.user / 1e6, cpuSystem: cpu.system / 1e6 },
    };
  } finally {
    await core.close();
  }
}

/**
 * 200 stock changes, each flipping a product between in stock and out of stock; time from commit
 * to files replaced. Every file is on unless said: feed, sitemap, JSON-LD, collections, the OpenAI
 * feed and the redirects.
 */
async function phaseIncremental(dataDir: string, out: string, changes: number, collections = true, newFiles = true, aiParts: number | boolean = true): Promise<PhaseResult> {
  const core = await open(dataDir);
  try {
    const settings = await core.handlers['settings.get']({});
    await core.handlers['settings.update'](
      parseInput(contract['settings.update'].input, {
        ...settings,
        publishDir: out,
        artifacts: { ...withNewFiles(settings.artifacts, newFiles), jsonLd: true, collections },
        openAiFeed: { ...settings.openAiFeed, partItems: aiParts === true ? OPENAI_PART_ITEMS_SUGGESTED : aiParts === false ? 0 : aiParts },
      }),
    );
    const t0 = performance.now();
    await core.publisher.start();
    const startSeconds = (performance.now() - t0) / 1000;
    const startPeak = peakMb();
    let committedAt = 0;
    core.bus.subscribe((c) => {
      if (c.some((x) => x.type === 'stock.changed')) committedAt = performance.now();
    });
    const total = Number(((await core.db('products').count({ n: '*' }).first()) as { n: number }).n);
    const flips: number[] = [];
    const quiet: number[] = [];
    const files: number[] = [];
    // CPU (every thread of the process) and I/O per flip: load-independent, unlike the wall time.
    let cpuMicros = 0;
    let wchar = 0;
    let rchar = 0;
    let writeBytes = 0;
    for (let i = 0; i < changes; i++) {
      const n = (i * 7919) % total;
      const sku = `SKU-${String(n).padStart(6, '0')}`;
      const now = (await core.stock.get(sku)).onHand;
      const cpu0 = process.cpuUsage();
      const io0 = ioCounters();
      // Out of stock ↔ in stock: the product's feed item, JSON-LD and lastmod all change.
      await core.stock.count(parseInput(contract['stock.count'].input, { sku, quantity: now > 0 ? 0 : 4 }));
      await core.publisher.idle();
      const cpu1 = process.cpuUsage(cpu0);
      const io1 = ioCounters();
      cpuMicros += cpu1.user + cpu1.system;
      wchar += io1.wchar - io0.wchar;
      rchar += io1.rchar - io0.rchar;
      writeBytes += io1.writeBytes - io0.writeBytes;
      flips.push((core.publisher.lastRun?.filesDoneAt ?? Number.NaN) - committedAt);
      files.push(core.publisher.lastRun?.outcome.changedFiles.length ?? 0);
      if (now === 0 && quiet.length < 50) {
        // 4 → 5 units: still in stock, so only the OpenAI feed's inventory_quantity changes.
        await core.stock.receive(parseInput(contract['stock.receive'].input, { sku, quantity: 1 }));
        const tq = committedAt;
        await core.publisher.idle();
        quiet.push(performance.now() - tq);
      }
    }
    const s = summarise(flips);
    const q = summarise(quiet);
    return {
      seconds: startSeconds,
      peakMb: peakMb(),
      extra: {
        p50: s.p50,
        p95: s.p95,
        max: s.max,
        quietP50: q.p50,
        quietP95: q.p95,
        filesPerChange: files.reduce((a, b) => a + b, 0) / files.length,
        startPeakMb: startPeak,
        cpuMsPerChange: cpuMicros / 1000 / changes,
        readMbPerChange: rchar / 1e6 / changes,
        writtenMbPerChange: wchar / 1e6 / changes,
        diskMbPerChange: writeBytes / 1e6 / changes,
      },
    };
  } finally {
    await core.close();
  }
}

/** `ai-one-file`: the OpenAI feed as one file; `ai-part=N`: parts of N products; neither: the suggested parts. */
function aiPartsFlag(flags: string[]): number | boolean {
  if (flags.includes('ai-one-file')) return false;
  const n = flags.find((f) => f.startsWith('ai-part='));
  return n ? Number(n.slice('ai-part='.length)) : true;
}

let bundle: Promise<string> | null = null;

/**
 * This file and the core bundled into one ES module (packages stay in node_modules, as in the
 * app's build), under node_modules/.cache so that node resolves those packages from it. The
 * JSON-LD writer's worker thread is a second entry, bundled beside it as the app's build does.
 */
function phaseScript(): Promise<string> {
  bundle ??= (async () => {
    const { build } = await import('esbuild');
    // One folder per run: worktrees share node_modules, and a second run building into the same
    // folder replaced this one's bundle mid-run (another checkout's core, without its migrations).
    const outdir = path.join(ROOT, 'node_modules', '.cache', `stockfeed-bench-${process.pid}`);
    await build({
      entryPoints: { publish: HERE, 'jsonld-worker': path.join(ROOT, 'electron', 'core', 'publish', 'jsonld-worker.ts') },
      outdir,
      // .mjs: no package.json of type module applies inside node_modules.
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    return path.join(outdir, 'publish.mjs');
  })();
  return bundle;
}

/** Runs one phase in a child process (plain node, on the bundle) and returns what it measured. */
async function inChild(args: string[]): Promise<PhaseResult> {
  const script = await phaseScript();
  settleDisk();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`bench phase ${args[0]} failed (exit ${code}): ${output.slice(-500)}`));
      else resolve(JSON.parse(last) as PhaseResult);
    });
  });
}

const BENCH_TOKEN = 'sf_bench_token_0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Starts the server phase in a child and measures from outside, from the moment it was spawned:
 * when it listens, when the API first answers, and how long requests take (the products list and
 * the publish status, one after the other, as the UI's first screen asks) while the publisher's
 * start-up pass runs, until that pass is over.
 */
async function measureServe(dataDir: string, out: string): Promise<Record<string, number>> {
  const script = await phaseScript();
  settleDisk();
  const t0 = performance.now();
  const child = spawn(process.execPath, [script, 'serve', dataDir, out], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, STOCKFEED_API_TOKEN: BENCH_TOKEN } });
  try {
    const first = await new Promise<{ port: number; listenedAt: number }>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { port: number; listenedAt: number });
      });
      child.on('exit', (code) => reject(new Error(`bench phase serve exited (${code})`)));
    });
    const listening = (performance.now() - t0) / 1000;
    const base = `http://127.0.0.1:${first.port}`;
    const get = async (p: string) => {
      const s = performance.now();
      const r = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`${p}: ${r.status} ${body.slice(0, 200)}`);
      return { ms: performance.now() - s, body };
    };
    let answered = Number.NaN;
    let ui = Number.NaN;
    const latencies: number[] = [];
    let sawRunning = false;
    const deadline = performance.now() + 180_000;
    while (performance.now() < deadline) {
      const list = await get('/api/v1/products?limit=50');
      const status = await get('/api/v1/publish/status');
      if (Number.isNaN(answered)) {
        answered = (performance.now() - t0) / 1000;
        const page = await fetch(`${base}/`);
        await page.text();
        if (page.status === 200) ui = (performance.now() - t0) / 1000;
      }
      latencies.push(list.ms, status.ms);
      const running = (JSON.parse(status.body) as { running: boolean; seq: number | null }).running;
      if (running) sawRunning = true;
      else if (sawRunning) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const built = (performance.now() - t0) / 1000;
    const l = summarise(latencies);
    return { listening, answered, ui, built, p50: l.p50, p95: l.p95, max: l.max, requests: latencies.length, sawRunning: sawRunning ? 1 : 0 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const s2 = (n: number) => `${n.toFixed(2)} s`;
const mb = (n: number) => `${Math.round(n)} MB`;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
/** CPU seconds (user + system, every thread) a publish phase used. */
const cpuOf = (r: PhaseResult) => Number(r.extra?.cpuUser) + Number(r.extra?.cpuSystem);
/** A publish phase's CPU by thread (Linux; see cpuByThread). */
const threadsOf = (r: PhaseResult) =>
  r.extra?.cpuMain === undefined ? '' : `: main thread ${s2(Number(r.extra.cpuMain))} (waiting ${s2(Number(r.extra.loopIdle))}), JSON-LD worker ${s2(Number(r.extra.cpuStarted))} (user ${s2(Number(r.extra.cpuStartedUser))}), other threads ${s2(Number(r.extra.cpuOther))}`;

/**
 * `latencyOnly`: only the one-change latency (seeding the catalogues and the incremental phases),
 * for iterating on it without the full publishes, the floor, the peers and the server start.
 * `peersOnly` (or STOCKFEED_BENCH_PUBLISH_ONLY=peers): only the publish into an empty folder and
 * `publish --full` against the peers, `rounds` times alternated (STOCKFEED_BENCH_PUBLISH_ROUNDS,
 * 1 by default) with the medians, for iterating on the 3× target in a minute or two a round
 * instead of the whole section's ~8 minutes.
 */
export type PublishBenchOptions = { products: number; smallProducts: number; changes: number; latencyOnly?: boolean; peersOnly?: boolean; rounds?: number };

export async function benchPublish(root: string, options: PublishBenchOptions): Promise<void> {
  try {
    const env = process.env;
    // Read here too: bench/run.ts passes latencyOnly only.
    await benchPublishPhases(root, { ...options, peersOnly: options.peersOnly ?? env.STOCKFEED_BENCH_PUBLISH_ONLY === 'peers', rounds: options.rounds ?? Math.max(1, Number(env.STOCKFEED_BENCH_PUBLISH_ROUNDS ?? 1) || 1) });
  } finally {
    if (bundle) fs.rmSync(path.dirname(await bundle), { recursive: true, force: true });
  }
}

async function benchPublishPhases(root: string, options: PublishBenchOptions): Promise<void> {
  const big = path.join(root, 'publish-big');
  const small = path.join(root, 'publish-small');
  console.log(`\n[publish] ${options.products.toLocaleString('en')} products (one third without stock, 40% in variant groups)`);
  const t0 = performance.now();
  await seed(big, options.products);
  console.log(`  (catalogue set up in ${s2((performance.now() - t0) / 1000)})`);
  if (options.peersOnly) return peerPhases(root, big, options.rounds ?? 1);
  if (!options.latencyOnly) await fullPhases(root, big, options);
  await latencyPhases(root, big, small, options);
}

/**
 * The full publishes the 3× target compares, alone: into an empty folder and `publish --full`
 * over it, then the peers, `rounds` times in a row (each round's folders kept until the run's
 * end: removing 100,000 files slows the file creations that follow, see fullPhases).
 */
async function peerPhases(root: string, big: string, rounds: number): Promise<void> {
  // As in fullPhases: the figures are for a catalogue whose every product was recorded before.
  await inChild(['ours', big, path.join(root, 'out-first'), 'true', 'no-collections']);
  const ours: PhaseResult[] = [];
  const overs: PhaseResult[] = [];
  const peers: PhaseResult[] = [];
  for (let i = 1; i <= rounds; i++) {
    const out = path.join(root, `out-all-${i}`);
    const all = await inChild(['ours', big, out, 'true', 'no-collections']);
    const over = await inChild(['ours', big, out, 'true', 'no-collections']);
    const peer = await inChild(['peers', big, path.join(root, `out-peers-${i}`)]);
    ours.push(all);
    overs.push(over);
    peers.push(peer);
    line(`round ${i}: into an empty folder`, `${s2(all.seconds)}, peak ${mb(all.peakMb)}, CPU ${s2(cpuOf(all))}${threadsOf(all)}; ${(peer.seconds / all.seconds).toFixed(2)}× the peers`);
    line(`round ${i}: publish --full over it`, `${s2(over.seconds)}, peak ${mb(over.peakMb)}, CPU ${s2(cpuOf(over))}${threadsOf(over)}; ${(peer.seconds / over.seconds).toFixed(2)}× the peers`);
    line(`round ${i}: peers`, `${s2(peer.seconds)}, peak ${mb(peer.peakMb)}, CPU ${s2(cpuOf(peer))} [load ${loadAverage()}]`);
  }
  const peerSeconds = median(peers.map((p) => p.seconds));
  const allSeconds = median(ours.map((r) => r.seconds));
  const overSeconds = median(overs.map((r) => r.seconds));
  line('medians: peers', `${s2(peerSeconds)}, CPU ${s2(median(peers.map(cpuOf)))}`);
  line('medians: into an empty folder', `${s2(allSeconds)}, CPU ${s2(median(ours.map(cpuOf)))}, main thread ${s2(median(ours.map((r) => Number(r.extra?.cpuMain))))}, peak ${mb(median(ours.map((r) => r.peakMb)))}; ${(peerSeconds / allSeconds).toFixed(2)}× the peers — target ≥ ${TARGET.peerRatio}×: ${verdict(peerSeconds / allSeconds >= TARGET.peerRatio)}`);
  line('medians: publish --full', `${s2(overSeconds)}, CPU ${s2(median(overs.map(cpuOf)))}, main thread ${s2(median(overs.map((r) => Number(r.extra?.cpuMain))))}, peak ${mb(median(overs.map((r) => r.peakMb)))}; ${(peerSeconds / overSeconds).toFixed(2)}× the peers — target ≥ ${TARGET.peerRatio}×: ${verdict(peerSeconds / overSeconds >= TARGET.peerRatio)}`);
}

/** The full publishes against the floor and the peers, and the server's start. */
async function fullPhases(root: string, big: string, options: PublishBenchOptions): Promise<void> {
  // The first publish of a catalogue also records every product (what it published, its lastmod);
  // the figures against the targets are a full republish of a catalogue published before, which is
  // what `publish --full`, a settings change or a restart does.
  const first = await inChild(['ours', big, path.join(root, 'out-first'), 'false']);
  line('first publish of the catalogue', `${s2(first.seconds)}, peak ${mb(first.peakMb)} (feed + sitemap, every product recorded)`);
  fs.rmSync(path.join(root, 'out-first'), { recursive: true, force: true });
  // The same full publish without the collection files, in the same run: what they cost.
  // The targets compare the same work as the peers do: feed, TSV, sitemap and JSON-LD. Issue 19's
  // collection pages (which the peers do not make) are measured beside them, on.
  const bare = await inChild(['ours', big, path.join(root, 'out-bare'), 'false', 'no-collections']);
  line('feed XML + TSV + sitemap, full', `${s2(bare.seconds)}, peak ${mb(bare.peakMb)} (process before the publish: ${mb(Number(bare.extra?.rssBefore))}; ${Number(bare.extra?.mb).toFixed(0)} MB written; CPU ${s2(cpuOf(bare))}) — target < ${TARGET.feedSeconds} s and < ${TARGET.feedPeakMb} MB: ${verdict(bare.seconds < TARGET.feedSeconds && bare.peakMb < TARGET.feedPeakMb)}`);
  const feed = await inChild(['ours', big, path.join(root, 'out-feed'), 'false']);
  line('  + collection pages', `${s2(feed.seconds)}, peak ${mb(feed.peakMb)} (${Number(feed.extra?.mb).toFixed(0)} MB written, of which ${Number(feed.extra?.collections)} collection files ${Number(feed.extra?.collectionsMb).toFixed(0)} MB; CPU ${s2(cpuOf(feed))})`);
  const more = await inChild(['ours', big, path.join(root, 'out-newfiles'), 'false', 'collections', 'new-files']);
  line('  + OpenAI feed + redirects, full', `${s2(more.seconds)}, peak ${mb(more.peakMb)} (${Number(more.extra?.mb).toFixed(0)} MB written; CPU ${s2(cpuOf(more))})`);
  // Creating 100,000 small files varies a lot on a shared disk (3 to 20 s seen here): the floor is
  // measured before and after the publish, and the publish compared with their mean.
  // Folders of 100,000 files are removed only at the end, with the run's data folder: deleting one
  // makes the disk busy (discards) for a while and slows whatever runs next (the publisher start
  // at 100,000 products took 12.3 s after such deletions, 8.7 s on a quiet disk).
  const floorBefore = await inChild(['floor', path.join(root, 'out-floor-1'), String(options.products)]);
  // A JSON-LD publish of a catalogue whose JSON-LD was published before (its records say so).
  const warm = await inChild(['ours', big, path.join(root, 'out-warm'), 'true', 'no-collections']);
  const all = await inChild(['ours', big, path.join(root, 'out-all'), 'true', 'no-collections']);
  const floorAfter = await inChild(['floor', path.join(root, 'out-floor-2'), String(options.products)]);
  const floor = (floorBefore.seconds + floorAfter.seconds) / 2;
  line('FS floor: 100k small files, ready buffer', `${s2(floorBefore.seconds)} before, ${s2(floorAfter.seconds)} after (mean ${s2(floor)})`);
  const ratio = all.seconds / floor;
  line('whole publish incl. JSON-LD, full', `${s2(all.seconds)}, peak ${mb(all.peakMb)}, CPU ${s2(cpuOf(all))} on 2 cores${threadsOf(all)}; ${ratio.toFixed(2)}× the floor — target ≤ ${TARGET.floorRatio}×: ${verdict(ratio <= TARGET.floorRatio)} (first JSON-LD publish, records updated: ${s2(warm.seconds)}) [load ${loadAverage()}]`);
  // `publish --full` over a folder published before (feed, TSV, sitemap and 100,000 JSON-LD files in place).
  const over = await inChild(['ours', big, path.join(root, 'out-all'), 'true', 'no-collections']);
  // Everything on that the targets leave out: the collection pages too (the peers make none).
  const overAll = await inChild(['ours', big, path.join(root, 'out-all'), 'true']);
  const peers = await inChild(['peers', big, path.join(root, 'out-peers')]);
  const e = peers.extra ?? {};
  line('peers (sitemap pkg, catalog-feed, stringify)', `${s2(peers.seconds)}, peak ${mb(peers.peakMb)}, CPU ${s2(cpuOf(peers))} (read ${s2(Number(e.read))}, sitemap ${s2(Number(e.sitemap))}, feed ${s2(Number(e.feed))}, JSON-LD ${s2(Number(e.jsonld))}) [load ${loadAverage()}]`);
  const speedup = peers.seconds / all.seconds;
  // The wall-clock ratio swings with what else runs (the file system is shared); CPU seconds are printed beside it.
  line('speed-up over peers, into an empty folder', `${speedup.toFixed(1)}× — target ≥ ${TARGET.peerRatio}×: ${verdict(speedup >= TARGET.peerRatio)} (CPU ${s2(cpuOf(all))} against the peers' ${s2(cpuOf(peers))}) [load ${loadAverage()}]`);
  const overSpeedup = peers.seconds / over.seconds;
  line('full rewrite over the published folder', `${s2(over.seconds)}, peak ${mb(over.peakMb)}, CPU ${s2(cpuOf(over))}${threadsOf(over)}; ${overSpeedup.toFixed(1)}× the peers — target ≥ ${TARGET.peerRatio}× and ≤ ${TARGET.feedPeakMb} MB: ${verdict(overSpeedup >= TARGET.peerRatio && over.peakMb <= TARGET.feedPeakMb)} (peak ${mb(Number(over.extra?.peakBeforeClose))} until the files were in place; then the replaced set removed in the background: ${s2(Number(over.extra?.closeSeconds))}) [load ${loadAverage()}]`);

  line('  + collection pages', `${s2(overAll.seconds)}, peak ${mb(overAll.peakMb)}, CPU ${s2(cpuOf(overAll))} (${Number(overAll.extra?.collections)} collection files)`);

  const serve = await measureServe(big, path.join(root, 'out-all'));
  line('server start, publish folder up to date', `listening ${s2(serve.listening ?? 0)}, API answers ${s2(serve.answered ?? 0)}, UI page ${s2(serve.ui ?? 0)} after start — target ≤ ${TARGET.serveSeconds} s: ${verdict((serve.answered ?? Infinity) <= TARGET.serveSeconds)}`);
  line('  while the publisher builds its cache', `${serve.sawRunning ? 'built' : 'done before the first answer, at'} ${s2(serve.built ?? 0)}; API requests meanwhile p50 ${ms(serve.p50 ?? 0)} ms, p95 ${ms(serve.p95 ?? 0)} ms, max ${ms(serve.max ?? 0)} ms (${serve.requests} requests)`);

}

/** One stock change at a time, at both catalogue sizes, with the files on and off (load printed beside each). */
async function latencyPhases(root: string, big: string, small: string, options: PublishBenchOptions): Promise<void> {
  await seed(small, options.smallProducts);
  for (const [name, dataDir, target] of [
    [`${options.products.toLocaleString('en')} products`, big, TARGET.p95Ms100k],
    [`${options.smallProducts.toLocaleString('en')} products`, small, TARGET.p95Ms10k],
  ] as const) {
    const r = await inChild(['incremental', dataDir, path.join(root, dataDir === big ? 'out-inc-big' : 'out-inc-small'), String(options.changes)]);
    const x = r.extra ?? {};
    line(`one stock change, ${name}, every file on (OpenAI feed in parts)`, `commit → files replaced p50 ${ms(Number(x.p50))} ms, p95 ${ms(Number(x.p95))} ms, max ${ms(Number(x.max))} ms over ${options.changes} changes (${Number(x.filesPerChange).toFixed(1)} files each) — target p95 < ${target} ms: ${verdict(Number(x.p95) < target)} [load ${loadAverage()}]`);
    line('  per change: CPU, bytes read / written by calls, bytes to disk', `${ms(Number(x.cpuMsPerChange))} ms CPU; ${Number(x.readMbPerChange).toFixed(1)} MB read, ${Number(x.writtenMbPerChange).toFixed(1)} MB written, ${Number(x.diskMbPerChange).toFixed(1)} MB to disk`);
    line('  a change only the OpenAI feed shows (4 → 5)', `p50 ${ms(Number(x.quietP50))} ms, p95 ${ms(Number(x.quietP95))} ms (its inventory_quantity spliced in)`);
    line('  publisher start (cache built)', `${s2(r.seconds)}, peak ${mb(Number(x.startPeakMb))}`);
    if (dataDir === big) {
      // The OpenAI feed as one file (the default setting): the whole feed spliced on every change.
      const one = await inChild(['incremental', dataDir, path.join(root, 'out-inc-big-one'), String(options.changes), 'collections', 'new-files', 'ai-one-file']);
      const z = one.extra ?? {};
      line('  the same with the OpenAI feed as one file (default)', `p50 ${ms(Number(z.p50))} ms, p95 ${ms(Number(z.p95))} ms, max ${ms(Number(z.max))} ms [load ${loadAverage()}]`);
      // The same changes with collections off, in the same run: what the collection files cost.
      const off = await inChild(['incremental', dataDir, path.join(root, 'out-inc-big-off'), String(options.changes), 'no-collections']);
      const y = off.extra ?? {};
      line('  the same with collections off', `p50 ${ms(Number(y.p50))} ms, p95 ${ms(Number(y.p95))} ms (${Number(y.filesPerChange).toFixed(1)} files each) [load ${loadAverage()}]`);
    }
    // The same changes without issue 19's files, in the same run: what the OpenAI feed and the redirects add.
    const base = await inChild(['incremental', dataDir, path.join(root, dataDir === big ? 'out-inc-big-0' : 'out-inc-small-0'), String(options.changes), 'collections', 'no-new-files']);
    const y = base.extra ?? {};
    line('  the same without the OpenAI feed and redirects', `p50 ${ms(Number(y.p50))} ms, p95 ${ms(Number(y.p95))} ms, max ${ms(Number(y.max))} ms (${Number(y.filesPerChange).toFixed(1)} files each); unchanged stock count: p95 ${ms(Number(y.quietP95))} ms, nothing rewritten [load ${loadAverage()}]`);
  }
}

async function child(argv: string[]): Promise<void> {
  const [phase, a = '', b = '', c = ''] = argv;
  let result: PhaseResult;
  const flags = argv.slice(4);
  if (phase === 'ours') result = await phaseOurs(a, b, c === 'true', !flags.includes('no-collections'), flags.includes('new-files'));
  else if (phase === 'floor') result = phaseFloor(a, Number(b));
  else if (phase === 'peers') result = await phasePeers(a, b);
  else if (phase === 'incremental') result = await phaseIncremental(a, b, Number(c), !flags.includes('no-collections'), !flags.includes('no-new-files'), aiPartsFlag(flags));
  else if (phase === 'serve') return phaseServe(a, b);
  else if (phase === 'seed') {
    const t0 = performance.now();
    await seed(a, Number(b));
    result = { seconds: (performance.now() - t0) / 1000, peakMb: peakMb() };
  }
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
