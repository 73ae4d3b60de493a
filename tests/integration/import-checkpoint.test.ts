/**
 * Issue 17 (import speed): a large import's COMMIT on SQLite leaves the write-ahead log to the
 * background checkpointer (db/sqlite-client.ts checkpointAfterCommit) instead of meeting the write
 * connection's own automatic checkpoint, which copied every page into the database file and
 * fsynced it before the import heard back. The connection's own checkpoint comes back when the
 * transaction ends, committed or rolled back; synchronous stays FULL and the log is still fsynced.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { createKnex } from '../../electron/core/db/connection';
import { checkpointAfterCommit } from '../../electron/core/db/sqlite-client';
import { SAFETY_NET_PAGES } from '../../electron/core/db/wal-checkpointer';
import { startCore, tempDir, type TestCore } from '../helpers/core';

const pragma = async (db: Knex | Knex.Transaction, name: string) => Object.values(((await db.raw(`PRAGMA ${name}`)) as Array<Record<string, unknown>>)[0] ?? {})[0];

describe('a COMMIT that leaves the log to the background checkpointer (sqlite)', () => {
  let db: Knex | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  /** A WAL database on the write connection's settings, its own checkpoint lowered to 50 pages so a small write reaches it. */
  async function open(): Promise<{ db: Knex; file: string }> {
    const file = `${tempDir()}/c.sqlite`;
    db = createKnex({ kind: 'sqlite', file });
    await db.raw('CREATE TABLE t (x BLOB)');
    await db.raw('PRAGMA wal_autocheckpoint = 50');
    return { db, file };
  }

  /** ≈ 250 pages of rows in one transaction. */
  const write = (trx: Knex.Transaction) => trx.raw('INSERT INTO t SELECT randomblob(4000) FROM generate_series(1, 250)').catch(() =>
    // Without the series extension: a recursive CTE.
    trx.raw('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250) INSERT INTO t SELECT randomblob(4000) FROM n'),
  );

  it('commits without copying the log into the database file, and puts the connection’s checkpoint back', async () => {
    const { db, file } = await open();
    const before = fs.statSync(file).size;
    await db.transaction(async (trx) => {
      await checkpointAfterCommit(trx);
      expect(await pragma(trx, 'wal_autocheckpoint')).toBe(0);
      await write(trx);
    });
    // Committed and in the log, not yet in the database file.
    expect(fs.statSync(file).size).toBe(before);
    expect(((await db.raw('SELECT count(*) AS n FROM t')) as Array<{ n: number }>)[0]?.n).toBe(250);
    expect(await pragma(db, 'wal_autocheckpoint')).toBe(50);
    expect(await pragma(db, 'synchronous')).toBe(2);

    // The same write without it: the COMMIT copies the log into the file itself.
    await db.transaction(async (trx) => write(trx));
    expect(fs.statSync(file).size).toBeGreaterThan(before + 250 * 4000);
  });

  it('puts the connection’s checkpoint back after a rollback too', async () => {
    const { db, file } = await open();
    const before = fs.statSync(file).size;
    await expect(
      db.transaction(async (trx) => {
        await checkpointAfterCommit(trx);
        await write(trx);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await pragma(db, 'wal_autocheckpoint')).toBe(50);
    expect(((await db.raw('SELECT count(*) AS n FROM t')) as Array<{ n: number }>)[0]?.n).toBe(0);
    // The next transaction's COMMIT checkpoints as before.
    await db.transaction(async (trx) => write(trx));
    expect(fs.statSync(file).size).toBeGreaterThan(before + 250 * 4000);
  });
});

describe('a large import’s COMMIT (sqlite)', () => {
  let core: TestCore;
  afterEach(async () => core?.cleanup());

  const HEADER = 'sku,title,gtin,price,currency,location,on_hand';
  const file = (count: number, prefix = 'CK', badAt = -1) =>
    [HEADER, ...Array.from({ length: count }, (_, i) => `${prefix}-${i + 1},Checkpoint mug ${i + 1},,${i === badAt ? 'twelve' : '12.50'},,,3`)].join('\n');

  it('leaves the log to the background checkpointer, then the write connection has its safety net back', async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    const seen: string[] = [];
    const onQuery = (q: { sql: string }) => /^(PRAGMA wal_autocheckpoint|COMMIT)/i.test(q.sql) && seen.push(q.sql.trim());
    core.db.on('query', onQuery);
    // 7,000 rows: streamed in batches of 5,000 (import-stream.ts).
    expect(await importCatalogCsv(core, Readable.from([file(7000)]), { name: 'c.csv' })).toMatchObject({ ok: true, created: 7000 });
    // 1,500 rows: one batch, the whole-file path (csv-import.ts).
    expect(await importCatalogCsv(core, Readable.from([file(1500, 'CL')]), { name: 'c.csv' })).toMatchObject({ ok: true, created: 1500 });
    core.db.off('query', onQuery);
    const round = ['PRAGMA wal_autocheckpoint', 'PRAGMA wal_autocheckpoint = 0', 'COMMIT;', `PRAGMA wal_autocheckpoint = ${SAFETY_NET_PAGES};`];
    expect(seen).toEqual([...round, ...round]);
    expect(await pragma(core.db, 'wal_autocheckpoint')).toBe(SAFETY_NET_PAGES);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('puts the safety net back when a streamed import is rolled back', async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    // The bad row is in the second batch: the first is written, then everything rolls back.
    const report = await importCatalogCsv(core, Readable.from([file(7000, 'CK', 5400)]), { name: 'c.csv' });
    expect(report.ok).toBe(false);
    expect(await pragma(core.db, 'wal_autocheckpoint')).toBe(SAFETY_NET_PAGES);
    expect(((await core.db.raw('SELECT count(*) AS n FROM products')) as Array<{ n: number }>)[0]?.n).toBe(0);
  });
});
