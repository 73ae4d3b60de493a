/**
 * Issue 17 (import speed): an import's counts go to the stock engine in chunks whose planning
 * overlaps the statements of the chunk before (stock-engine.ts runChunks). A failure in a later
 * chunk, while an earlier chunk's statements are in flight or just written, must still roll the
 * whole import back, name the row when a row was refused, and leave progress moving only forward.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv, type ImportProgress } from '../../electron/core/catalog/csv-import';
import { planImport } from '../../electron/core/catalog/import-plan';
import { COUNT_CHUNK, ImportRejected, writeImport } from '../../electron/core/catalog/import-write';
import { parseValues } from '../../electron/core/catalog/import-rows';
import { engines, lastSeq, rowCount, startCore, type TestCore } from '../helpers/core';

const ROWS = COUNT_CHUNK * 2 + 500;
const sku = (i: number) => `OV-${String(i).padStart(5, '0')}`;
/** The row (as the file numbers it, the header being row 1) whose count a later chunk carries. */
const LATE_ROW = COUNT_CHUNK * 2 + 301;

const file = (onHand: (i: number) => number) =>
  `sku,title,price,currency,location,on_hand\n${Array.from({ length: ROWS }, (_, k) => `${sku(k + 1)},Overlap ${k + 1},3.00,EUR,main,${onHand(k + 1)}`).join('\n')}\n`;

for (const engine of engines()) {
  describe(`import counts in overlapping chunks, failures (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    const total = (table: string) => rowCount(core, table);
    const maxSeq = () => lastSeq(core);

    it('rolls everything back when a later chunk’s statements fail, with progress only moving forward', async () => {
      if (engine === 'sqlite') {
        await core.db.raw("CREATE TRIGGER refuse_thirteen BEFORE INSERT ON movements WHEN NEW.quantity = 13 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
      } else {
        await core.db.raw("CREATE FUNCTION refuse_thirteen() RETURNS trigger AS $$ BEGIN IF NEW.quantity = 13 THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        await core.db.raw('CREATE TRIGGER refuse_thirteen BEFORE INSERT ON movements FOR EACH ROW EXECUTE FUNCTION refuse_thirteen()');
      }
      const seqBefore = await maxSeq();
      const reports: ImportProgress[] = [];
      // Row LATE_ROW is product LATE_ROW - 1: in the third chunk of counts.
      const text = file((i) => (i === LATE_ROW - 1 ? 13 : 5));
      await expect(importCatalogCsv(core, Readable.from([text]), { name: 'late.csv', onProgress: (p) => reports.push(p) })).rejects.toThrow(/refused by the test/);
      expect([await total('products'), await total('movements'), await total('stock_levels'), await maxSeq()]).toEqual([0, 0, 0, seqBefore]);
      const written = reports.filter((p) => p.phase === 'writing').map((p) => p.written);
      expect(written).toEqual([...written].sort((a, b) => a - b));
      const percents = reports.map((p) => p.percent ?? 0);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect((await core.checkLedger()).ok).toBe(true);

      // Nothing half-applied: the same file without the refused figure goes in whole, numbered on from before.
      const report = await importCatalogCsv(core, Readable.from([file(() => 5)]), { name: 'late.csv' });
      expect(report).toMatchObject({ ok: true, created: ROWS, counts: ROWS });
      const seqs = ((await core.db('changes').where('seq', '>', seqBefore).orderBy('seq').select('seq')) as Array<{ seq: unknown }>).map((r) => Number(r.seq));
      // Consecutive; on PostgreSQL the rolled-back appends had taken numbers from the sequence, so
      // they start further on (as before chunks overlapped), on SQLite right after the last entry.
      const first = seqs[0] as number;
      expect(seqs).toEqual(seqs.map((_, i) => first + i));
      if (engine === 'sqlite') expect(first).toBe(seqBefore + 1);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('names the row the stock engine refused in a later chunk, and writes nothing', async () => {
      const text = file(() => 4);
      const rows = text
        .trim()
        .split('\n')
        .slice(1)
        .map((line, k) => {
          const [s, title, price, currency, location, onHand] = line.split(',');
          const parsed = parseValues({ sku: s, title, price, currency, location, on_hand: onHand }, k + 2);
          if (!parsed.row) throw new Error(JSON.stringify(parsed.issues));
          return parsed.row;
        });
      const settings = core.settings.current();
      const attempt = core.queue.exclusive(async (ctx) => {
        const plan = await planImport(
          { db: ctx.trx, now: ctx.now, locations: core.locations, defaultLocation: settings.defaultLocation, defaultCurrency: settings.currency, reference: 'late.csv' },
          rows,
        );
        expect(plan.issues).toEqual([]);
        // A count the engine must refuse (no such product), in the third chunk: planned while
        // the second chunk's statements run, after the first chunk's were written.
        const late = plan.counts.findIndex((c) => c.row === LATE_ROW);
        plan.counts[late] = { row: LATE_ROW, input: { ...(plan.counts[late] as (typeof plan.counts)[number]).input, sku: 'OV-MISSING' } };
        await writeImport(ctx, plan, core.queue, core.summary);
      });
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportRejected);
      expect((error as ImportRejected).issues).toEqual([{ row: LATE_ROW, column: 'on_hand', message: expect.stringContaining('OV-MISSING') }]);
      expect([await total('products'), await total('movements'), await total('stock_levels')]).toEqual([0, 0, 0]);
      expect((await core.checkLedger()).ok).toBe(true);
    });
  });
}
