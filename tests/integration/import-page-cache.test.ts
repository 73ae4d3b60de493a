/**
 * Issue 17 (import speed): a large import runs with a larger SQLite page cache (128 MB) for its
 * transaction, and the connection gets its own size back afterwards, whether the import wrote
 * anything or found problems. Synchronous stays FULL throughout.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { startCore, type TestCore } from '../helpers/core';

const HEADER = 'sku,title,gtin,price,currency,location,on_hand';
const file = (count: number, bad = false) =>
  [HEADER, ...Array.from({ length: count }, (_, i) => `PC-${i + 1},Cache mug ${i + 1},,${bad && i === 7 ? 'twelve' : '12.50'},,,3`)].join('\n');

describe('import page cache (sqlite)', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
  });
  afterEach(async () => {
    await core.cleanup();
  });

  const pragma = async (name: string) => Object.values(((await core.db.raw(`PRAGMA ${name}`)) as Array<Record<string, unknown>>)[0] ?? {})[0];

  it('raises the cache for a large import and puts it back, keeping synchronous FULL', async () => {
    const before = await pragma('cache_size');
    const seen: string[] = [];
    const onQuery = (q: { sql: string }) => /^PRAGMA (cache_size|synchronous)/i.test(q.sql) && seen.push(q.sql);
    core.db.on('query', onQuery);
    expect(await importCatalogCsv(core, Readable.from([file(1500)]), { name: 'c.csv' })).toMatchObject({ ok: true, created: 1500 });
    // A file with a bad row is checked without a write transaction: no raise, nothing to put back.
    expect(await importCatalogCsv(core, Readable.from([file(1500, true)]), { name: 'c.csv' })).toMatchObject({ ok: false });
    core.db.off('query', onQuery);
    expect(seen.filter((s) => /cache_size = -131072/.test(s))).toHaveLength(1);
    expect(await pragma('cache_size')).toBe(before);
    expect(await pragma('synchronous')).toBe(2);
  });

  it('leaves a small import on the default cache', async () => {
    const seen: string[] = [];
    const onQuery = (q: { sql: string }) => /^PRAGMA cache_size =/i.test(q.sql) && seen.push(q.sql);
    core.db.on('query', onQuery);
    expect(await importCatalogCsv(core, Readable.from([file(10)]), { name: 'c.csv' })).toMatchObject({ ok: true, created: 10 });
    core.db.off('query', onQuery);
    expect(seen).toEqual([]);
  });
});
