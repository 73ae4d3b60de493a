/**
 * Issue 17 (import speed): an import's large reads on SQLite come back as one JSON text per chunk
 * (db/json-read.ts) instead of a driver row object per row, which cost more than the queries: the
 * products it updates, their stock rows, and the stock engine's read of a batch of thousands of
 * counts. The rows must be exactly what the driver gives, and the import's outcome (stock,
 * change-log entries, reorder and availability crossings) the same on both engines.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import { countChunkFor } from '../../electron/core/catalog/import-write';
import { STREAM_FROM } from '../../electron/core/catalog/import-stream';
import { allAsJson, tableColumns } from '../../electron/core/db/json-read';
import { engines, startCore, type TestCore } from '../helpers/core';

const HEADER = 'sku,title,price,currency,location,on_hand';
/**
 * Thousands of counts in a chunk (the stock engine reads a batch as one JSON text on SQLite,
 * whatever its size) and more than INLINE_APPEND_MAX (PostgreSQL writes the batch's rows through
 * bulkInsert).
 */
const COUNT = 2100;
const sku = (i: number) => `JR-${String(i).padStart(4, '0')}`;

describe('allAsJson (sqlite)', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
  });
  afterEach(async () => {
    await core.cleanup();
  });

  it('answers the rows the driver gives, value for value', async () => {
    await core.db.raw('CREATE TABLE json_probe (id INTEGER PRIMARY KEY, words TEXT, amount INTEGER, flag boolean, maybe TEXT)');
    const texts = ['plain', 'a "quote" and a \\ backslash', "it's", 'émoji 😀 ü', 'new\nline\ttab\r', '\u0001\u001f control', '', '[1,2]', '{"a":1}', 'null'];
    const amounts = [0, -5, 9007199254740991, -9007199254740991, 42, null, 1, 2, 3, 4];
    await core.db('json_probe').insert(texts.map((words, i) => ({ id: i + 1, words, amount: amounts[i], flag: i % 2 === 0, maybe: i % 3 === 0 ? null : `m${i}` })));
    const driver = (await core.db.raw('SELECT * FROM json_probe ORDER BY id')) as unknown[];
    const columns = await tableColumns(core.db, 'json_probe');
    expect(columns).toEqual(['id', 'words', 'amount', 'flag', 'maybe']);
    const json = await allAsJson(core.db, columns, 'SELECT * FROM json_probe WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id', [JSON.stringify(texts.map((_, i) => i + 1))]);
    expect(json).toEqual(driver);
    // Key order too: a spread or JSON of the row is the same either way.
    expect(json.map((r) => JSON.stringify(r))).toEqual(driver.map((r) => JSON.stringify(r)));
    expect(await allAsJson(core.db, columns, 'SELECT * FROM json_probe WHERE id < 0', [])).toEqual([]);
  });

  it('reads a table’s columns once per transaction, and anew in the next', async () => {
    const pragmas: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/PRAGMA table_info/i.test(q.sql)) pragmas.push(q.sql);
    };
    core.db.on('query', onQuery);
    await core.db.transaction(async (trx) => {
      expect(await tableColumns(trx, 'locations')).toEqual(await tableColumns(trx, 'locations'));
    });
    expect(pragmas).toHaveLength(1);
    await core.db.raw('CREATE TABLE json_probe (id INTEGER PRIMARY KEY)');
    await core.db.transaction(async (trx) => {
      expect(await tableColumns(trx, 'json_probe')).toEqual(['id']);
    });
    await core.db.raw('ALTER TABLE json_probe ADD COLUMN words TEXT');
    await core.db.transaction(async (trx) => {
      expect(await tableColumns(trx, 'json_probe')).toEqual(['id', 'words']);
    });
    core.db.off('query', onQuery);
    expect(pragmas).toHaveLength(3);
  });

  it('reads the products’ columns once for a streamed import of several batches', async () => {
    const rows = STREAM_FROM * 2 + 100;
    const lines = Array.from({ length: rows }, (_, k) => `TC-${String(k + 1).padStart(6, '0')},Column ${k + 1},2.00,EUR,main,1`);
    const pragmas: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/PRAGMA table_info/i.test(q.sql)) pragmas.push(q.sql);
    };
    core.db.on('query', onQuery);
    const report = await importCatalogCsv(core, Readable.from([`${[HEADER, ...lines].join('\n')}\n`]), { name: 'tc.csv' });
    core.db.off('query', onQuery);
    expect(report).toMatchObject({ ok: true, created: rows });
    expect(pragmas.filter((sql) => /products/.test(sql))).toHaveLength(1);
  });
});

for (const engine of engines()) {
  describe(`import over existing stock, a large batch (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    const run = (lines: string[]) => importCatalogCsv(core, Readable.from([`${[HEADER, ...lines].join('\n')}\n`]), { name: 'jr.csv' });
    const rows = (onHand: (i: number) => number, title = (i: number) => `Jar ${i}`) =>
      Array.from({ length: COUNT }, (_, k) => k + 1).map((i) => `${sku(i)},${title(i)},9.50,EUR,main,${onHand(i)}`);

    it('counts thousands of existing products with the same stock, entries and crossings', async () => {
      expect(await run(rows(() => 5))).toMatchObject({ ok: true, created: COUNT, counts: COUNT });
      await core.call('locations.create', { code: 'back', name: 'Back room' });
      await core.call('stock.count', { sku: sku(9), location: 'back', quantity: 4 });
      await core.call('products.reorder.set', { idOrSku: sku(7), location: 'main', reorderPoint: 3, reorderQuantity: 10 });
      const since = (await core.call('changes.list', { since: 0, limit: 1 })).next;
      const before = (await core.db('changes').max({ seq: 'seq' })) as Array<{ seq: unknown }>;

      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      core.db.on('query', onQuery);
      // Every product counted again: 6, but 7 falls to its reorder point and 8 sells out; 10 gets a new title.
      const report = await run(rows((i) => (i === 7 ? 2 : i === 8 ? 0 : 6), (i) => (i === 10 ? 'Jar ten' : `Jar ${i}`)));
      core.db.off('query', onQuery);
      expect(report).toMatchObject({ ok: true, created: 0, updated: 1, unchanged: COUNT - 1, counts: COUNT, countsUnchanged: 0 });
      if (engine === 'sqlite') expect(statements.filter((s) => s.includes('json_group_array')).length).toBeGreaterThanOrEqual(3);
      // The counts go to the stock engine in chunks (import-write.ts countChunkFor: 250 on SQLite,
      // 1,000 on PostgreSQL): each call's entries fit the inline append, so a call is its read and
      // one write.
      expect(statements.filter((s) => /FROM products AS p LEFT JOIN stock_levels/i.test(s))).toHaveLength(Math.ceil(COUNT / countChunkFor(engine)));

      const seq = Number(before[0]?.seq);
      const entries = (await core.db('changes').where('seq', '>', seq).orderBy('seq')) as Array<{ type: string; sku: string; payload: string }>;
      const of = (type: string) => entries.filter((e) => e.type === type);
      expect(of('stock.changed')).toHaveLength(COUNT);
      expect(of('product.updated').map((e) => [e.sku, JSON.parse(e.payload).changed])).toEqual([[sku(10), ['title']]]);
      expect(of('reorder.needed').map((e) => [e.sku, JSON.parse(e.payload).location, JSON.parse(e.payload).position])).toEqual([[sku(7), 'main', 2]]);
      expect(of('availability.changed').map((e) => [e.sku, JSON.parse(e.payload).to])).toEqual([[sku(8), 'out_of_stock']]);
      // The product counted at two locations: the entry's snapshot has both, the other as it was.
      const nine = JSON.parse(of('stock.changed').find((e) => e.sku === sku(9))?.payload ?? '{}');
      expect(nine).toMatchObject({ cause: 'count', counted: 6, stock: { onHand: 10, byLocation: [{ location: 'back', onHand: 4 }, { location: 'main', onHand: 6 }] } });
      expect((await core.call('changes.list', { since, limit: 1 })).changes).toHaveLength(1);

      // Each movement carries the number of its own stock.changed entry, which names it.
      const linked = (await core.db('movements as m').join('changes as c', 'c.seq', 'm.seq').where('m.seq', '>', seq).select('m.id', 'm.product_id', 'c.type', 'c.product_id as entry_product', 'c.payload')) as Array<{ id: string; product_id: string; type: string; entry_product: string; payload: string }>;
      expect(linked).toHaveLength(COUNT);
      for (const m of linked) {
        expect([m.type, m.entry_product, (JSON.parse(m.payload) as { movementIds: string[] }).movementIds]).toEqual(['stock.changed', m.product_id, [m.id]]);
      }

      const stock = await core.call('stock.get', { sku: sku(9) });
      expect(stock.onHand).toBe(10);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('writes a batch past the inline append (a 3PL count file) with the same links between entries and movements', async () => {
      expect(await run(rows(() => 5))).toMatchObject({ ok: true, created: COUNT, counts: COUNT });
      const before = Number(((await core.db('changes').max({ seq: 'seq' })) as Array<{ seq: unknown }>)[0]?.seq);
      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      core.db.on('query', onQuery);
      const ops = Array.from({ length: COUNT }, (_, k) => ({ op: 'stock.count' as const, input: { sku: sku(k + 1), quantity: k % 7, reason: 'cycle count' } }));
      const outcomes = await core.queue.exclusive((ctx) => core.queue.applyIn(ctx, ops));
      core.db.off('query', onQuery);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      // PostgreSQL: the entries, stock rows and movements as bulkInsert's 1,000-row prepared
      // statements (knex's were 500 rows at most, each planned anew).
      const tuples = (table: string) => Math.max(0, ...statements.filter((s) => s.startsWith(`insert into "${table}"`)).map((s) => s.split('),(').length));
      if (engine === 'pg') expect([tuples('changes'), tuples('stock_levels'), tuples('movements')]).toEqual([1000, 1000, 1000]);

      const linked = (await core.db('movements as m').join('changes as c', 'c.seq', 'm.seq').where('m.seq', '>', before).select('m.id', 'm.product_id', 'm.quantity', 'c.type', 'c.product_id as entry_product', 'c.payload')) as Array<{ id: string; product_id: string; quantity: unknown; type: string; entry_product: string; payload: string }>;
      expect(linked).toHaveLength(COUNT);
      for (const m of linked) {
        const payload = JSON.parse(m.payload) as { movementIds: string[]; counted: number; stock: { onHand: number } };
        expect([m.type, m.entry_product, payload.movementIds, payload.stock.onHand - Number(m.quantity)]).toEqual(['stock.changed', m.product_id, [m.id], 5]);
      }
      expect((await core.checkLedger()).ok).toBe(true);
    });
  });
}
