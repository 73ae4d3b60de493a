/**
 * The SQLite write-ahead log is copied into the database file by a background checkpoint
 * (electron/core/db/wal-checkpointer.ts), not inside the commits of stock writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_SIZE_LIMIT, SAFETY_NET_PAGES, WalCheckpointer } from '../../electron/core/db/wal-checkpointer';
import type { Logger } from '../../electron/core/logger';
import { productInput, startCore, tempDir, type TestCore } from '../helpers/core';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('background WAL checkpoints on SQLite', () => {
  let core: TestCore;
  const skus = Array.from({ length: 64 }, (_, i) => `WAL-${i}`);
  beforeAll(async () => {
    core = await startCore('sqlite');
    for (const sku of skus) await core.call('products.create', productInput(sku));
  });
  afterAll(async () => core?.cleanup());

  it('the write connection keeps SQLite’s own checkpoint only as a larger safety net', async () => {
    const [auto] = (await core.db.raw('PRAGMA wal_autocheckpoint')) as Array<{ wal_autocheckpoint: number }>;
    expect(auto?.wal_autocheckpoint).toBe(SAFETY_NET_PAGES);
    const [limit] = (await core.db.raw('PRAGMA journal_size_limit')) as Array<{ journal_size_limit: number }>;
    expect(limit?.journal_size_limit).toBe(JOURNAL_SIZE_LIMIT);
  });

  it('pages reach the database file while writes go on, long before the safety net would copy them', async () => {
    const file = path.join(core.dataDir, 'stockfeed.sqlite');
    const wal = `${file}-wal`;
    const before = fs.statSync(file).size;
    let largestLog = 0;
    // ≈ 100 batches of 16 movements, ≈ 6,000 log pages: below the safety net (10,000), so without
    // the background checkpoint the database file would not grow at all until the writer stops.
    for (let round = 0; round < 100; round++) {
      await Promise.all(skus.slice(0, 16).map((sku, i) => core.call('stock.receive', { sku: skus[(i * 7 + round * 13) % skus.length] ?? sku, quantity: 1 })));
      if (round % 10 === 0) await sleep(5);
      largestLog = Math.max(largestLog, fs.statSync(wal).size);
    }
    await sleep(300);
    expect(fs.statSync(file).size).toBeGreaterThan(before);
    // Bounded by the safety net even though the writer never paused long enough to restart it.
    expect(largestLog).toBeLessThan((SAFETY_NET_PAGES + 200) * (4096 + 24));
    expect((await core.checkLedger()).ok).toBe(true);
  });
});

describe('WalCheckpointer', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function walDatabase(): Promise<{ file: string; db: sqlite3.Database }> {
    const dir = tempDir('stockfeed-wal-');
    dirs.push(dir);
    const file = path.join(dir, 'stockfeed.sqlite');
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, (err) => {
        if (err) return reject(err);
        db.exec('PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x TEXT); INSERT INTO t VALUES (randomblob(100000));', (e) =>
          e ? reject(e) : resolve({ file, db }),
        );
      });
    });
  }

  it('copies every committed page while the writer keeps its connection open', async () => {
    const { file, db } = await walDatabase();
    const checkpointer = new WalCheckpointer(file, { info() {}, warn() {}, error() {} }, { delayMs: 1 });
    checkpointer.start();
    checkpointer.committed();
    for (let i = 0; i < 50 && checkpointer.stats().runs === 0; i++) await sleep(10);
    const { runs, last } = checkpointer.stats();
    expect(runs).toBe(1);
    expect(last?.busy).toBe(false);
    expect(last?.logFrames).toBeGreaterThan(10);
    expect(last?.checkpointedFrames).toBe(last?.logFrames);
    await checkpointer.stop();
    await new Promise<void>((resolve) => db.close(() => resolve()));
  });

  it('after stop it neither runs nor holds the file open, and says once why a checkpoint failed', async () => {
    const warnings: string[] = [];
    const log: Logger = { info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const missing = path.join(tempDir('stockfeed-wal-'), 'absent.sqlite');
    dirs.push(path.dirname(missing));
    const checkpointer = new WalCheckpointer(missing, log, { delayMs: 1 });
    checkpointer.start();
    checkpointer.committed();
    await sleep(50);
    checkpointer.committed();
    await sleep(50);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(missing);
    expect(fs.existsSync(missing)).toBe(false);
    await checkpointer.stop();
    checkpointer.committed();
    await sleep(20);
    expect(checkpointer.stats().runs).toBe(0);
  });
});
