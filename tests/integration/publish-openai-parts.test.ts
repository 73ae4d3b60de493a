/**
 * The OpenAI feed in parts (issue 19's latency target): past one part's worth of items (10,000;
 * 10 here) the feed is `openai-products-1.jsonl`, `-2`, … with every item exactly once, in the
 * Merchant feed's order, each line meeting the specification; while one part holds it, the file
 * keeps its documented name `openai-products.jsonl`. A stock change rewrites only the part that
 * holds the product; each part is replaced atomically, files no longer wanted go, and a publisher
 * killed mid-write leaves whole files that a restart brings up to date.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';
import { FIXTURES, goodProduct, insertCrashProducts, killWhenWriting, parseFeed, withOpenAiFeed } from '../fixtures/publish/helpers';
import { openAiLineProblems, readJsonLines } from '../fixtures/publish/openai-feed-spec';

const PER_PART = 10;

const PART = /^openai-products(-\d+)?\.jsonl$/;

const sku = (i: number) => `P-${String(i).padStart(3, '0')}`;

async function addProducts(c: TestCore, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    await c.call('products.create', goodProduct(sku(i), { itemGroupId: i % 7 === 0 ? 'G' : null }));
    await c.call('stock.receive', { sku: sku(i), quantity: 5 });
  }
}

/** The OpenAI feed files in the folder, by name. */
function aiFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => PART.test(n)).sort((a, b) => partNo(a) - partNo(b));
}

function partNo(name: string): number {
  return Number(/-(\d+)\.jsonl$/.exec(name)?.[1] ?? 0);
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

type Manifest = { files: Array<{ name: string; bytes: number; sha256: string }> };

/** Every part whole and valid, every feed item once in the Merchant feed's order; returns the lines by part. */
function checkParts(dir: string, expectedNames: string[]): Array<Array<Record<string, unknown>>> {
  expect(aiFiles(dir)).toEqual(expectedNames);
  const parts = expectedNames.map((n) => readJsonLines(fs.readFileSync(path.join(dir, n), 'utf8')));
  for (const lines of parts) {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(PER_PART);
    for (const line of lines) expect(openAiLineProblems(line), String(line.item_id)).toEqual([]);
  }
  const all = parts.flat();
  const { items } = parseFeed(path.join(dir, 'google-merchant.xml'));
  expect(all.map((l) => l.item_id)).toEqual(items.map((i) => i['g:id']));
  // The manifest lists exactly these files, each with its size and SHA-256.
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const listed = manifest.files.filter((f) => PART.test(f.name));
  expect(listed.map((f) => f.name)).toEqual(expectedNames);
  for (const f of listed) {
    expect(f.bytes, f.name).toBe(fs.statSync(path.join(dir, f.name)).size);
    expect(f.sha256, f.name).toBe(sha256(path.join(dir, f.name)));
  }
  return parts;
}

const partNames = (n: number) => Array.from({ length: n }, (_, i) => `openai-products-${i + 1}.jsonl`);

describe.each(engines())('OpenAI feed in parts on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('splits the feed into parts of at most 10,000 items (10 here), complete and valid, listed in the manifest and the status', async () => {
    core = await startCore(engine, { openAiPartItems: PER_PART });
    const c = core;
    await withOpenAiFeed(c);
    await addProducts(c, 0, 25);
    // Left out of both feeds: not an item of any part.
    await c.call('products.create', goodProduct('ZZ-NOIMG', { imageUrl: null }));
    const status = await c.call('publish.run', { full: true });
    const dir = c.publisher.publishDir();
    const parts = checkParts(dir, partNames(3));
    expect(parts.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(parts.flat().some((l) => l.item_id === 'ZZ-NOIMG')).toBe(false);
    const artifact = status.artifacts.find((a) => a.artifact === 'openAiFeed');
    expect(artifact).toMatchObject({ enabled: true, files: partNames(3), counts: { items: 25, excluded: 1, files: 3 } });
  });

  it('rewrites only the part that holds a product whose stock changed, in the same publish as the Merchant feed', async () => {
    core = await startCore(engine, { openAiPartItems: PER_PART });
    const c = core;
    await withOpenAiFeed(c);
    await addProducts(c, 0, 25);
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    checkParts(dir, partNames(3));
    const inode = (n: string) => fs.statSync(path.join(dir, n)).ino;
    const before = new Map(partNames(3).map((n) => [n, inode(n)]));

    // 5 → 4 units of the 13th item (part 2): only that part's line says so.
    await c.call('stock.adjust', { sku: sku(12), quantity: -1, reason: 'damaged' });
    await c.publisher.idle();
    expect(c.publisher.lastRun?.full).toBe(false);
    expect(c.publisher.lastRun?.outcome.changedFiles.filter((n) => PART.test(n))).toEqual(['openai-products-2.jsonl']);
    expect(inode('openai-products-1.jsonl')).toBe(before.get('openai-products-1.jsonl'));
    expect(inode('openai-products-3.jsonl')).toBe(before.get('openai-products-3.jsonl'));
    expect(inode('openai-products-2.jsonl')).not.toBe(before.get('openai-products-2.jsonl'));
    let parts = checkParts(dir, partNames(3));
    expect(parts[1]?.find((l) => l.item_id === sku(12))).toMatchObject({ inventory_quantity: 4, availability: 'in_stock' });

    // Down to 0: out of stock in the Merchant feed and in part 3's line, in one publish.
    await c.call('stock.adjust', { sku: sku(22), quantity: -5, reason: 'damaged' });
    await c.publisher.idle();
    expect(c.publisher.lastRun?.outcome.changedFiles).toEqual(expect.arrayContaining(['google-merchant.xml', 'openai-products-3.jsonl']));
    expect(c.publisher.lastRun?.outcome.changedFiles.filter((n) => PART.test(n))).toEqual(['openai-products-3.jsonl']);
    parts = checkParts(dir, partNames(3));
    expect(parts[2]?.find((l) => l.item_id === sku(22))).toMatchObject({ inventory_quantity: 0, availability: 'out_of_stock' });
    expect(parseFeed(path.join(dir, 'google-merchant.xml')).items.find((i) => i['g:id'] === sku(22))?.['g:availability']).toBe('out_of_stock');
  });

  it('keeps openai-products.jsonl while one part holds the feed, and moves between it and numbered parts as the catalogue grows and shrinks', async () => {
    core = await startCore(engine, { openAiPartItems: PER_PART });
    const c = core;
    await withOpenAiFeed(c, { gzip: true });
    await addProducts(c, 0, 8);
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    checkParts(dir, ['openai-products.jsonl']);
    expect(fs.existsSync(path.join(dir, 'openai-products.jsonl.gz'))).toBe(true);

    // 13 items: two parts, and the single file (with its .gz copy) goes.
    await addProducts(c, 8, 13);
    await c.publisher.idle();
    expect(c.publisher.lastRun?.full).toBe(false);
    checkParts(dir, partNames(2));
    expect(fs.existsSync(path.join(dir, 'openai-products.jsonl.gz'))).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl.gz')).sort()).toEqual(partNames(2).map((n) => `${n}.gz`));

    // An item added in the first part moves the boundary: the parts after it follow.
    await c.call('products.create', goodProduct('P-000A'));
    await c.call('stock.receive', { sku: 'P-000A', quantity: 2 });
    await c.publisher.idle();
    const parts = checkParts(dir, partNames(2));
    expect(parts.map((p) => p.length)).toEqual([10, 4]);

    // Archived down to 7 items: one file again, under its documented name.
    for (const i of [1, 2, 3, 4, 5, 6, 7]) await c.call('products.update', { idOrSku: sku(i), status: 'archived' });
    await c.publisher.idle();
    checkParts(dir, ['openai-products.jsonl']);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl.gz'))).toEqual(['openai-products.jsonl.gz']);
    const status = await c.call('publish.status', {});
    expect(status.artifacts.find((a) => a.artifact === 'openAiFeed')?.files).toEqual(['openai-products.jsonl', 'openai-products.jsonl.gz']);

    // Turned off: every part goes.
    await addProducts(c, 30, 35);
    await c.publisher.idle();
    checkParts(dir, partNames(2));
    const current = await c.call('settings.get', {});
    await c.call('settings.update', { ...current, artifacts: { ...current.artifacts, openAiFeed: false } });
    await c.publisher.idle();
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('openai-products'))).toEqual([]);
  });
});

describe.each(engines())('the OpenAI feed split only when the owner asks for it, on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('stays one openai-products.jsonl however long by default; openAiFeed.partItems splits it, 0 joins it again', async () => {
    // No openAiPartItems override: the settings decide, as in the app.
    core = await startCore(engine);
    const c = core;
    await withOpenAiFeed(c);
    await addProducts(c, 0, 150);
    await c.publisher.start();
    await c.publisher.idle();
    const dir = c.publisher.publishDir();
    const lines = (name: string) => readJsonLines(fs.readFileSync(path.join(dir, name), 'utf8'));
    expect(aiFiles(dir)).toEqual(['openai-products.jsonl']);
    expect(lines('openai-products.jsonl')).toHaveLength(150);

    const current = await c.call('settings.get', {});
    expect(current.openAiFeed.partItems).toBe(0);
    await expect(c.call('settings.update', { ...current, openAiFeed: { ...current.openAiFeed, partItems: 50 } })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('partItems is 0 (one file) or a whole number of products a part, 100–500,000'),
    });
    await c.call('settings.update', { ...current, openAiFeed: { ...current.openAiFeed, partItems: 100 } });
    await c.publisher.idle();
    expect(aiFiles(dir)).toEqual(partNames(2));
    expect([lines('openai-products-1.jsonl').length, lines('openai-products-2.jsonl').length]).toEqual([100, 50]);
    const items = [...lines('openai-products-1.jsonl'), ...lines('openai-products-2.jsonl')].map((l) => l.item_id);
    expect(items).toEqual(parseFeed(path.join(dir, 'google-merchant.xml')).items.map((i) => i['g:id']));

    await c.call('settings.update', { ...current, openAiFeed: { ...current.openAiFeed, partItems: 0 } });
    await c.publisher.idle();
    expect(aiFiles(dir)).toEqual(['openai-products.jsonl']);
    expect(lines('openai-products.jsonl').map((l) => l.item_id)).toEqual(items);
  });
});

const CRASH_PRODUCTS = 3_000;
const CRASH_PER_PART = 500;

describe.each(engines())('OpenAI feed parts, a publisher killed mid-write on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('leaves every part whole, and a restart brings the parts up to date with the database', async () => {
    core = await startCore(engine, { openAiPartItems: CRASH_PER_PART });
    const c = core;
    await withOpenAiFeed(c);
    await insertCrashProducts(c, CRASH_PRODUCTS);
    await c.call('publish.run', {});
    const dir = c.publisher.publishDir();
    const names = partNames(CRASH_PRODUCTS / CRASH_PER_PART);
    checkWhole(dir, names, 'Test "Shop" GmbH');
    await c.publisher.stop();
    // What the killed child was publishing when it died: a new seller name on every line.
    const current = await c.call('settings.get', {});
    await c.call('settings.update', { ...current, openAiFeed: { ...current.openAiFeed, sellerName: 'Version 2' } });

    const env = { ...process.env, DATABASE_URL: c.config.kind === 'pg' ? c.config.url : '' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(FIXTURES, 'crash-child.ts'), c.dataDir, String(CRASH_PER_PART)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // Wait until the child is writing a part's temporary file, then kill it without warning.
    const temp = new RegExp(`^\\.openai-products-\\d+\\.jsonl\\.tmp-${child.pid}-`);
    await killWhenWriting(child, exited, dir, temp);

    // Every part a reader can open is whole: old or new, never half-written.
    checkWhole(dir, names, null);

    const restarted = await openCore({ dataDir: c.dataDir, databaseUrl: env.DATABASE_URL || undefined, expirySweepMs: 0, openAiPartItems: CRASH_PER_PART });
    try {
      await restarted.publisher.start();
      checkWhole(dir, names, 'Version 2');
      expect(fs.readdirSync(dir).filter((n) => temp.test(n))).toEqual([]);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
      for (const f of manifest.files.filter((x) => PART.test(x.name))) expect(sha256(path.join(dir, f.name)), f.name).toBe(f.sha256);
    } finally {
      await restarted.close();
    }
  }, 240_000);
});

/** Every part present and whole (each line valid); `seller`: the seller name every line must carry, when known. */
function checkWhole(dir: string, names: string[], seller: string | null): void {
  expect(aiFiles(dir)).toEqual(names);
  const ids: unknown[] = [];
  for (const n of names) {
    const lines = readJsonLines(fs.readFileSync(path.join(dir, n), 'utf8'));
    expect(lines, n).toHaveLength(CRASH_PER_PART);
    for (const l of lines) {
      expect(openAiLineProblems(l)).toEqual([]);
      if (seller !== null) expect(l.seller_name).toBe(seller);
      ids.push(l.item_id);
    }
  }
  expect(ids).toEqual(Array.from({ length: CRASH_PRODUCTS }, (_, i) => `CRASH-${String(i).padStart(6, '0')}`));
}
