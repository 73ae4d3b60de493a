/**
 * Issue 17 (import speed): a file of more than STREAM_FROM rows is written while it is still
 * read, batch by batch, in the import's one transaction (catalog/import-stream.ts). These tests
 * hold what that must not change: writes begin before the file's end, a problem anywhere still
 * leaves the database untouched and the report lists every bad row as the whole-file import does,
 * rows that depend on another batch (a SKU repeated far apart, a barcode another row moves off)
 * import exactly as before, the change log stays gapless, and progress only moves forward.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv, type ImportProgress } from '../../electron/core/catalog/csv-import';
import { STREAM_FROM, STREAM_ROWS } from '../../electron/core/catalog/import-stream';
import { gtin13 } from '../../bench/catalog-csv';
import { engines, lastSeq, rowCount, startCore, type TestCore } from '../helpers/core';

const HEADER = 'sku,title,gtin,price,currency,location,on_hand';
const ROWS = STREAM_FROM * 2 + 1500;
const sku = (i: number) => `ST-${String(i).padStart(6, '0')}`;
const line = (i: number, cells: { price?: string; onHand?: string; gtin?: string; location?: string; sku?: string } = {}) =>
  `${cells.sku ?? sku(i)},Stream lamp ${i},${cells.gtin ?? ''},${cells.price ?? `${(i % 40) + 1}.50`},EUR,${cells.location ?? 'main'},${cells.onHand ?? String(i % 7)}`;
/** The file's lines (header first); `edit` may replace a data row's line (i from 1). */
const lines = (count: number, edit: (i: number) => string | undefined = () => undefined) => [HEADER, ...Array.from({ length: count }, (_, k) => edit(k + 1) ?? line(k + 1))];
const text = (all: string[]) => `${all.join('\n')}\n`;

for (const engine of engines()) {
  describe(`streamed import (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    const total = (table: string) => rowCount(core, table);
    const maxSeq = () => lastSeq(core);

    it('writes the first products before the file has been read to its end', async () => {
      const all = lines(ROWS);
      let inserted = false;
      const onQuery = (q: { sql: string }) => {
        if (/^insert into "?products"?/i.test(q.sql)) inserted = true;
      };
      core.db.on('query', onQuery);
      let insertedBeforeEnd: boolean | null = null;
      // The file's last part is held back until a product has gone in (or 20 s have passed: then
      // nothing was written before the end, and the assertion below says so).
      async function* source() {
        yield text(all.slice(0, STREAM_FROM + 1000));
        for (let waited = 0; !inserted && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
        insertedBeforeEnd = inserted;
        yield text(all.slice(STREAM_FROM + 1000));
      }
      const reports: ImportProgress[] = [];
      const report = await importCatalogCsv(core, Readable.from(source()), { name: 'stream.csv', onProgress: (p) => reports.push(p) });
      core.db.off('query', onQuery);
      expect(insertedBeforeEnd).toBe(true);
      expect(report).toMatchObject({ ok: true, rows: ROWS, created: ROWS, counts: ROWS, issues: [] });
      expect(await total('products')).toBe(ROWS);
      expect(await total('movements')).toBe(ROWS);
      // The change log: a product.created and a stock.changed per product (and availability for
      // those in stock), numbered without a gap, in the file's order per kind.
      const seqs = ((await core.db('changes').orderBy('seq').select('seq', 'type', 'sku')) as Array<{ seq: unknown; type: string; sku: string }>);
      expect(seqs.map((r) => Number(r.seq))).toEqual(seqs.map((_, i) => Number(seqs[0]?.seq) + i));
      const created = seqs.filter((r) => r.type === 'product.created').map((r) => r.sku);
      expect(created).toEqual(Array.from({ length: ROWS }, (_, k) => sku(k + 1)));
      expect((await core.checkLedger()).ok).toBe(true);
      // Progress: writing while reading, never backwards, done with the total written.
      const percents = reports.map((p) => p.percent ?? 0);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(reports.some((p) => p.phase === 'writing' && p.written > 0 && p.toWrite === null)).toBe(true);
      expect(reports[reports.length - 1]).toEqual({ phase: 'done', rowsChecked: ROWS, written: 2 * ROWS, toWrite: 2 * ROWS, percent: 100 });
    });

    it('plans and writes a file of more than STREAM_FROM rows in batches of at most 2,000 rows', async () => {
      // A batch's parsed rows, plan and new product rows live until it is written; at 5,000 rows
      // that spanned ≈ 10 young-generation collections, so they were promoted to the old
      // generation (≈ 530 → 480 MB promoted over 100,000 new rows at 2,000; docs/benchmarks.md).
      // Each batch looks its rows' slugs up once: the lookups' sizes are the batches'.
      const slugLookups: number[] = [];
      const onQuery = (q: { sql: string; bindings?: unknown[] }) => {
        if (/^select [`"]slug[`"] from [`"]products[`"] where [`"]slug[`"] in/i.test(q.sql)) slugLookups.push(q.bindings?.length ?? 0);
      };
      core.db.on('query', onQuery);
      const rows = STREAM_FROM + 1600;
      const report = await importCatalogCsv(core, Readable.from([text(lines(rows))]), { name: 'batches.csv' });
      core.db.off('query', onQuery);
      expect(report).toMatchObject({ ok: true, created: rows, counts: rows, issues: [] });
      expect(STREAM_ROWS).toBeLessThanOrEqual(2000);
      // The rows read before the first batch is handed on go in batches of that size too.
      const cut = (n: number) => Array.from({ length: Math.ceil(n / STREAM_ROWS) }, (_, i) => Math.min(STREAM_ROWS, n - i * STREAM_ROWS));
      expect(slugLookups).toEqual([...cut(STREAM_FROM), ...cut(rows - STREAM_FROM)]);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('begins writing a text given all at once (the JSON operation) before it has all been parsed', async () => {
      const rows = 4 * STREAM_FROM;
      const reports: ImportProgress[] = [];
      const report = await importCatalogCsv(core, Readable.from([text(lines(rows))]), { name: 'whole.csv', onProgress: (p) => reports.push(p) });
      expect(report).toMatchObject({ ok: true, created: rows, counts: rows });
      // Reading stays at most a batch or two (and a piece of text) ahead of the writes.
      const first = reports.find((p) => p.phase === 'writing') as ImportProgress;
      expect(first.rowsChecked).toBeLessThan(rows / 2 + 2000);
    });

    it('writes changed products batch by batch with their entries in order: each product.updated before the availability change it causes', async () => {
      await importCatalogCsv(core, Readable.from([text(lines(ROWS))]), { name: 'first.csv' });
      const first = await maxSeq();
      // Every price changes; every 10th product is archived (out of the feed: an availability
      // change, written after the batch's product.updated entries).
      const archived = (i: number) => i % 10 === 0;
      const second = [`${HEADER},status`, ...Array.from({ length: ROWS }, (_, k) => `${line(k + 1, { price: `${((k + 1) % 40) + 2}.25` })},${archived(k + 1) ? 'archived' : 'active'}`)];
      const updates: string[] = [];
      const onQuery = (q: { sql: string }) => {
        if (/^update "?products"?/i.test(q.sql)) updates.push(q.sql);
      };
      core.db.on('query', onQuery);
      const report = await importCatalogCsv(core, Readable.from([text(second)]), { name: 'second.csv' });
      core.db.off('query', onQuery);
      expect(report).toMatchObject({ ok: true, rows: ROWS, created: 0, updated: ROWS, issues: [] });
      // A few statements a batch (one per set of changed columns), not one per product.
      expect(updates.length).toBeGreaterThanOrEqual(Math.ceil(ROWS / STREAM_ROWS));
      expect(updates.length).toBeLessThanOrEqual(3 * Math.ceil(ROWS / STREAM_ROWS));
      const log = (await core.db('changes').where('seq', '>', first).orderBy('seq').select('seq', 'type', 'sku')) as Array<{ seq: unknown; type: string; sku: string }>;
      expect(log.map((r) => Number(r.seq))).toEqual(log.map((_, i) => first + 1 + i));
      const updatedAt = new Map(log.filter((r) => r.type === 'product.updated').map((r) => [r.sku, Number(r.seq)]));
      expect(updatedAt.size).toBe(ROWS);
      const crossings = log.filter((r) => r.type === 'availability.changed');
      // Every archived product leaves the feed, in stock or not.
      const expected = Array.from({ length: ROWS }, (_, k) => k + 1).filter(archived).map(sku);
      expect(crossings.map((r) => r.sku).sort()).toEqual(expected.sort());
      for (const c of crossings) expect(Number(c.seq)).toBeGreaterThan(updatedAt.get(c.sku) as number);
      const stored = (await core.db('products').whereIn('sku', [sku(10), sku(11)]).orderBy('sku').select('sku', 'price_minor', 'status')) as Array<{ sku: string; price_minor: unknown; status: string }>;
      expect(stored.map((r) => [r.sku, Number(r.price_minor), r.status])).toEqual([
        [sku(10), 1225, 'archived'],
        [sku(11), 1325, 'active'],
      ]);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('leaves the database untouched when rows late in the file are bad, and reports every one as a dry run does', async () => {
      const seqBefore = await maxSeq();
      const bad = text(
        lines(ROWS, (i) =>
          i === STREAM_FROM + 200 ? line(i, { price: 'abc' }) : i === ROWS - 3 ? line(i, { onHand: '-4' }) : i === ROWS - 1 ? line(i, { location: 'nowhere' }) : undefined,
        ),
      );
      const dry = await importCatalogCsv(core, Readable.from([bad]), { name: 'bad.csv', dryRun: true });
      const report = await importCatalogCsv(core, Readable.from([bad]), { name: 'bad.csv' });
      expect(report.ok).toBe(false);
      expect(report.issues.map((i) => [i.row, i.column])).toEqual([
        [STREAM_FROM + 201, 'price'],
        [ROWS - 2, 'on_hand'],
        [ROWS, 'location'],
      ]);
      expect(report.issues).toEqual(dry.issues);
      expect({ ...report, elapsedMs: 0, dryRun: true }).toEqual({ ...dry, elapsedMs: 0 });
      expect([await total('products'), await total('movements'), await total('stock_levels'), await maxSeq()]).toEqual([0, 0, 0, seqBefore]);

      // Nothing half-applied: the good file goes in whole, numbered on from before.
      expect(await importCatalogCsv(core, Readable.from([text(lines(ROWS))]), { name: 'good.csv' })).toMatchObject({ ok: true, created: ROWS });
      const first = ((await core.db('changes').where('seq', '>', seqBefore).min({ seq: 'seq' })) as Array<{ seq: unknown }>)[0]?.seq;
      if (engine === 'sqlite') expect(Number(first)).toBe(seqBefore + 1);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('rolls everything back when a statement of a later batch fails while the next batch is planned', async () => {
      if (engine === 'sqlite') {
        await core.db.raw("CREATE TRIGGER refuse_thirteen BEFORE INSERT ON movements WHEN NEW.quantity = 13 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
      } else {
        await core.db.raw("CREATE FUNCTION refuse_thirteen() RETURNS trigger AS $$ BEGIN IF NEW.quantity = 13 THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        await core.db.raw('CREATE TRIGGER refuse_thirteen BEFORE INSERT ON movements FOR EACH ROW EXECUTE FUNCTION refuse_thirteen()');
      }
      const seqBefore = await maxSeq();
      // The second batch's last count: the third batch is being planned meanwhile.
      const file = text(lines(ROWS, (i) => (i === 2 * STREAM_FROM - 5 ? line(i, { onHand: '13' }) : undefined)));
      await expect(importCatalogCsv(core, Readable.from([file]), { name: 'late.csv' })).rejects.toThrow(/refused by the test/);
      expect([await total('products'), await total('movements'), await total('stock_levels'), await maxSeq()]).toEqual([0, 0, 0, seqBefore]);
      expect((await core.checkLedger()).ok).toBe(true);
      if (engine === 'sqlite') expect(await core.db.raw('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    });

    it('counts a SKU that comes again far below (another batch) at its second location, as the whole file does', async () => {
      await core.call('locations.create', { code: 'east', name: 'East' });
      const file = text([...lines(ROWS), line(2, { location: 'east', onHand: '9' })]);
      expect(await importCatalogCsv(core, Readable.from([file]), { name: 'again.csv' })).toMatchObject({ ok: true, created: ROWS, updated: 0, unchanged: 0, counts: ROWS + 1, issues: [] });
      const product = (await core.db('products').where({ sku: sku(2) }).first('total_on_hand')) as { total_on_hand: unknown };
      expect(Number(product.total_on_hand)).toBe(2 + 9);
      expect(await total('stock_levels')).toBe(ROWS + 1);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('lets a new product early in the file take a barcode that a row far below moves off a stored product', async () => {
      expect(await importCatalogCsv(core, Readable.from([text([HEADER, line(900_001, { sku: 'OLD-1', gtin: gtin13(77) })])]), { name: 'seed.csv' })).toMatchObject({ ok: true });
      const file = text([...lines(ROWS, (i) => (i === 10 ? line(10, { gtin: gtin13(77) }) : undefined)), line(900_001, { sku: 'OLD-1', gtin: gtin13(78) })]);
      expect(await importCatalogCsv(core, Readable.from([file]), { name: 'moves.csv' })).toMatchObject({ ok: true, created: ROWS, updated: 1, issues: [] });
      expect(await core.db('products').where({ sku: sku(10) }).first('gtin')).toEqual({ gtin: gtin13(77) });
      expect(await core.db('products').where({ sku: 'OLD-1' }).first('gtin')).toEqual({ gtin: gtin13(78) });
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('gives a new product far below the slug suffix the whole file gives it when an early row renames a stored product', async () => {
      const header = 'sku,title,slug,price,currency,location,on_hand';
      const row = (s: string, title: string, slug = '') => `${s},${title},${slug},4.00,EUR,main,1`;
      expect(await importCatalogCsv(core, Readable.from([text([header, row('OLD-2', 'Foo lamp')])]), { name: 'seed.csv' })).toMatchObject({ ok: true });
      expect(await core.db('products').where({ sku: 'OLD-2' }).first('slug')).toEqual({ slug: 'foo-lamp' });
      // The whole file is planned against the catalogue before it: foo-lamp is taken then.
      const file = text([header, row('OLD-2', 'Foo lamp', 'bar-lamp'), ...Array.from({ length: ROWS }, (_, k) => row(sku(k + 1), `Stream lamp ${k + 1}`)), row('NEW-1', 'Foo lamp')]);
      expect(await importCatalogCsv(core, Readable.from([file]), { name: 'rename.csv' })).toMatchObject({ ok: true, created: ROWS + 1, updated: 1, issues: [] });
      expect(await core.db('products').where({ sku: 'OLD-2' }).first('slug')).toEqual({ slug: 'bar-lamp' });
      expect(await core.db('products').where({ sku: 'NEW-1' }).first('slug')).toEqual({ slug: 'foo-lamp-2' });
    });
  });
}
