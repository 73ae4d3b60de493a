/**
 * Issue 17 (import speed): a large import into a catalogue no larger than it drops the products
 * table's secondary indexes inside its transaction and builds them again at the end from their
 * own definitions (db/deferred-indexes.ts). These tests hold what that must never change: the
 * indexes afterwards are exactly sqlite_master's before, the database is sound and uses them,
 * another connection's prepared statement still answers right, a catalogue larger than the file
 * keeps its indexes in place, and a killed import leaves the old catalogue with its indexes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv, type CatalogDeps } from '../../electron/core/catalog/csv-import';
import { STREAM_ROWS } from '../../electron/core/catalog/import-stream';

/** The import's DEFER_INDEXES_ROWS: from this many new products it builds the indexes once. */
const DEFER_INDEXES_ROWS = 10_000;
import { openCore } from '../../electron/core/core';
import { withIndexesDeferred } from '../../electron/core/db/deferred-indexes';
import { num } from '../../electron/core/util/db-helpers';
import { startCore, tempDir, type TestCore } from '../helpers/core';

const HEADER = 'sku,title,gtin,price,currency,location,on_hand';

/** `count` new products from number `from`, with stock at the default location. */
function catalogue(count: number, from = 1, prefix = 'DEF'): string {
  const lines = [HEADER];
  for (let i = from; i < from + count; i++) lines.push(`${prefix}-${String(i).padStart(6, '0')},Deferred lamp ${i},,${(i % 50) + 1}.25,,,${i % 5}`);
  return `${lines.join('\n')}\n`;
}

type IndexDef = { type: string; name: string; tbl_name: string; sql: string | null };
const indexes = async (db: TestCore['db']) =>
  (await db.raw("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")) as IndexDef[];
const count = async (db: TestCore['db'], table: string) => num(((await db(table).count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n);

describe('large import with the products indexes built once (sqlite)', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
  });
  afterEach(async () => {
    await core.cleanup();
  });

  it('drops and rebuilds them in the transaction: afterwards exactly the definitions of sqlite_master, used by the planner', async () => {
    const before = await indexes(core.db);
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    core.db.on('query', onQuery);
    const report = await importCatalogCsv(core, Readable.from([catalogue(DEFER_INDEXES_ROWS)]), { name: 'big.csv' });
    core.db.off('query', onQuery);
    expect(report).toMatchObject({ ok: true, created: DEFER_INDEXES_ROWS });

    const dropped = statements.filter((s) => /^DROP INDEX/i.test(s));
    const productIndexes = before.filter((i) => i.tbl_name === 'products' && i.sql !== null);
    // Every secondary index of products but the SKU's, which the stock engine reads by, and (the
    // indexes go from the first of its two batches on) the slug's and barcode's, which the next
    // batch's plan reads by (import-stream.ts PLAN_INDEXES).
    expect(dropped).toHaveLength(productIndexes.length - 3);
    expect(dropped.join(' ')).not.toMatch(/products_(sku_unique|slug_unique|gtin_index)\b/);
    expect(await indexes(core.db)).toEqual(before);
    expect(await core.db.raw('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const plan = (await core.db.raw("EXPLAIN QUERY PLAN SELECT id FROM products WHERE slug = 'deferred-lamp-7'")) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toContain('products_slug_unique');
    expect(await core.db('products').where({ slug: 'deferred-lamp-7' }).first('sku')).toEqual({ sku: 'DEF-000007' });
    expect((await core.checkLedger()).ok).toBe(true);
    expect(await count(core.db, 'changes')).toBeGreaterThanOrEqual(2 * DEFER_INDEXES_ROWS);
  });

  it('puts back the statistics an earlier ANALYZE kept of the indexes it dropped', async () => {
    expect(await importCatalogCsv(core, Readable.from([catalogue(20)]), { name: 'small.csv' })).toMatchObject({ ok: true });
    await core.db.raw('ANALYZE');
    const stats = async () => (await core.db.raw("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'products' ORDER BY idx")) as unknown[];
    const before = await stats();
    expect(before.length).toBeGreaterThan(10);
    await core.queue.exclusive((ctx) => withIndexesDeferred(ctx.trx, 'products', { keep: [], keyColumn: 'sku' }, async () => undefined));
    expect(await stats()).toEqual(before);
  });

  it("another connection's prepared statement is prepared again after the import and answers from the new catalogue", async () => {
    const file = (core.db.client as { connectionSettings: { filename: string } }).connectionSettings.filename;
    const other = new sqlite3.Database(file);
    try {
      const bySlug = other.prepare('SELECT sku FROM products WHERE slug = ?');
      const get = (slug: string) => new Promise<unknown>((resolve, reject) => bySlug.get([slug], (err: Error | null, row: unknown) => (err ? reject(err) : resolve(row))));
      expect(await get('deferred-lamp-42')).toBeUndefined();
      expect(await importCatalogCsv(core, Readable.from([catalogue(DEFER_INDEXES_ROWS)]), { name: 'big.csv' })).toMatchObject({ ok: true });
      expect(await get('deferred-lamp-42')).toEqual({ sku: 'DEF-000042' });
      await new Promise<void>((resolve) => bySlug.finalize(() => resolve()));
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('writes even the first batch of a streamed import into an empty catalogue without the indexes', async () => {
    const before = await indexes(core.db);
    // The products' indexes as each call of the stock engine finds them (after its batch's products).
    const seen: Array<{ products: number; indexes: string[] }> = [];
    const deps: CatalogDeps = {
      ...core,
      queue: {
        exclusive: (run) => core.queue.exclusive(run),
        async applyInChunks(ctx, chunks, onChunk) {
          const names = (await ctx.trx.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'products' AND sql IS NOT NULL ORDER BY name")) as Array<{ name: string }>;
          seen.push({ products: await count(ctx.trx as unknown as TestCore['db'], 'products'), indexes: names.map((n) => n.name) });
          return core.queue.applyInChunks(ctx, chunks, onChunk);
        },
      },
    };
    // A file of its size (known, as the CLI, the API and the app know it): its new products are
    // projected over the whole file from its first batch.
    const rows = DEFER_INDEXES_ROWS + 500;
    const csv = catalogue(rows);
    expect(await importCatalogCsv(deps, Readable.from([csv]), { name: 'first.csv', size: Buffer.byteLength(csv) })).toMatchObject({ ok: true, created: rows });
    // The first batch's products went in with only what the import reads by kept.
    expect(seen[0]?.products).toBeGreaterThanOrEqual(STREAM_ROWS);
    expect(seen[0]?.products).toBeLessThan(rows);
    expect(seen[0]?.indexes).toEqual(['products_gtin_index', 'products_sku_unique', 'products_slug_unique']);
    // Built again at the end, exactly as they were.
    expect(await indexes(core.db)).toEqual(before);
    expect(await core.db.raw('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('keeps the indexes in place for a small file, and for new products fewer than the catalogue holds', async () => {
    const dropped: string[] = [];
    const onQuery = (q: { sql: string }) => /^DROP INDEX/i.test(q.sql) && dropped.push(q.sql);
    core.db.on('query', onQuery);
    expect(await importCatalogCsv(core, Readable.from([catalogue(DEFER_INDEXES_ROWS + 1000)]), { name: 'a.csv' })).toMatchObject({ ok: true });
    const afterFirst = dropped.length;
    expect(afterFirst).toBeGreaterThan(0);
    expect(await importCatalogCsv(core, Readable.from([catalogue(50, 900_000)]), { name: 'b.csv' })).toMatchObject({ ok: true, created: 50 });
    expect(await importCatalogCsv(core, Readable.from([catalogue(DEFER_INDEXES_ROWS, 500_000)]), { name: 'c.csv' })).toMatchObject({ ok: true, created: DEFER_INDEXES_ROWS });
    core.db.off('query', onQuery);
    expect(dropped).toHaveLength(afterFirst);
  });
});

describe('a large import killed while it writes (sqlite)', () => {
  it('leaves the catalogue as it was, with its indexes exactly as before', { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    try {
      const seed = await startCore('sqlite', { dataDir, webhooks: { worker: false } });
      expect(await importCatalogCsv(seed, Readable.from([catalogue(5, 1, 'OLD')]), { name: 'seed.csv' })).toMatchObject({ ok: true, created: 5 });
      const before = await indexes(seed.db);
      const changesBefore = await count(seed.db, 'changes');
      await seed.close();

      const file = path.join(dataDir, 'big.csv');
      fs.writeFileSync(file, catalogue(3 * DEFER_INDEXES_ROWS));
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../fixtures/import/import-child.ts'), dataDir, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      // Killed once the indexes are gone and the first products are in, well before the commit.
      const killed = await new Promise<boolean>((resolve) => {
        let dropped = false;
        let output = '';
        child.stdout.on('data', (d: Buffer) => {
          output += d.toString();
          const lines = output.split('\n');
          output = lines.pop() ?? '';
          for (const line of lines) {
            if (line === 'dropped') dropped = true;
            else if (line.startsWith('finished')) resolve(false);
            else if (dropped && line.startsWith('{') && (JSON.parse(line) as { phase: string; written: number }).phase === 'writing' && (JSON.parse(line) as { written: number }).written > 0) {
              child.kill('SIGKILL');
              resolve(true);
            }
          }
        });
        void exited.then(() => resolve(false));
      });
      expect(killed).toBe(true);
      expect(await exited).toBe('SIGKILL');

      const after = await openCore({ dataDir, expirySweepMs: 0, webhooks: { worker: false }, channelPush: { worker: false }, backups: { checkEveryMs: 0 } });
      try {
        expect(await indexes(after.db)).toEqual(before);
        expect(await after.db.raw('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        expect(await count(after.db, 'products')).toBe(5);
        expect(await count(after.db, 'changes')).toBe(changesBefore);
        expect((await after.checkLedger()).ok).toBe(true);
      } finally {
        await after.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
