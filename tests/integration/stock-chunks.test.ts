/**
 * Issue 17 (import speed): the stock engine's runChunks reads a chunk's rows before the chunk
 * before it writes, and plans it while those statements run. The outcomes, stock, ledger and
 * change-log numbers must be those of one applyIn after another: a chunk that names a product
 * of the chunk before is read after that chunk's writes, a refusal in a later chunk is answered
 * for its own operation, and a statement failing while the next chunk is planned fails the call.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogCsv } from '../../electron/core/catalog/csv-import';
import type { StockOp } from '../../electron/core/stock/stock-ops';
import { engines, lastSeq, startCore, type TestCore } from '../helpers/core';

const sku = (i: number) => `CH-${String(i).padStart(3, '0')}`;
const PRODUCTS = 120;

type Entry = { seq: number; type: string; sku: string; payload: string };

for (const engine of engines()) {
  describe(`stock engine, chunks applied in one transaction (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
      const lines = Array.from({ length: PRODUCTS }, (_, k) => `${sku(k + 1)},Chunk ${k + 1},4.00,EUR`);
      const report = await importCatalogCsv(core, Readable.from([`sku,title,price,currency\n${lines.join('\n')}\n`]), { name: 'seed.csv' });
      expect(report).toMatchObject({ ok: true, created: PRODUCTS });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    const maxSeq = () => lastSeq(core);
    const count = (from: number, to: number, quantity: number): StockOp[] =>
      Array.from({ length: to - from + 1 }, (_, k) => ({ op: 'stock.count', input: { sku: sku(from + k), quantity, reason: 'chunk test' } }));

    it('gives each chunk the outcomes, stock and gapless numbers of one call after another', async () => {
      const before = await maxSeq();
      const chunks: StockOp[][] = [
        count(1, 50, 5),
        count(51, 100, 7),
        // Names a product of the chunk before: read only after that chunk's writes (7 on hand, so -7 goes).
        [{ op: 'stock.adjust', input: { sku: sku(51), quantity: -7, reason: 'shrinkage' } }],
        // Refused in a later chunk, its neighbours written.
        [
          { op: 'stock.receive', input: { sku: sku(53), quantity: 2 } },
          { op: 'stock.adjust', input: { sku: sku(52), quantity: -8, reason: 'too many' } },
          { op: 'stock.count', input: { sku: sku(101), quantity: 3 } },
        ],
        [],
        count(102, 120, 1),
      ];
      const seen: Array<{ index: number; ok: boolean[] }> = [];
      await core.queue.exclusive((ctx) => core.queue.applyInChunks(ctx, chunks, (outcomes, index) => seen.push({ index, ok: outcomes.map((o) => o.ok) })));

      expect(seen.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(seen.map((s) => s.ok.filter((ok) => !ok).length)).toEqual([0, 0, 0, 1, 0, 0]);
      expect(seen[3]?.ok).toEqual([true, false, true]);
      expect((await core.call('stock.get', { sku: sku(51) })).onHand).toBe(0);
      expect((await core.call('stock.get', { sku: sku(52) })).onHand).toBe(7);
      expect((await core.call('stock.get', { sku: sku(53) })).onHand).toBe(9);
      expect((await core.call('stock.get', { sku: sku(120) })).onHand).toBe(1);

      // Numbered without a gap, in the chunks' order; each movement carries its own entry's number.
      const entries = (await core.db('changes').where('seq', '>', before).orderBy('seq')) as Entry[];
      expect(entries.map((e) => Number(e.seq))).toEqual(entries.map((_, i) => before + 1 + i));
      const stockSkus = entries.filter((e) => e.type === 'stock.changed').map((e) => e.sku);
      const refused = chunks[3]?.[1];
      expect(stockSkus).toEqual(chunks.flat().flatMap((op) => (op !== refused && 'sku' in op.input ? [op.input.sku] : [])));
      const linked = (await core.db('movements as m').join('changes as c', 'c.seq', 'm.seq').where('m.seq', '>', before).select('m.id', 'c.payload')) as Array<{ id: string; payload: string }>;
      expect(linked).toHaveLength(stockSkus.length);
      for (const m of linked) expect((JSON.parse(m.payload) as { movementIds: string[] }).movementIds).toEqual([m.id]);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('fails the whole call when a chunk’s statements fail while the next chunk is planned, and leaves nothing written', async () => {
      if (engine === 'sqlite') {
        await core.db.raw("CREATE TRIGGER refuse_thirteen BEFORE INSERT ON movements WHEN NEW.quantity = 13 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
      } else {
        await core.db.raw("CREATE FUNCTION refuse_thirteen() RETURNS trigger AS $$ BEGIN IF NEW.quantity = 13 THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        await core.db.raw('CREATE TRIGGER refuse_thirteen BEFORE INSERT ON movements FOR EACH ROW EXECUTE FUNCTION refuse_thirteen()');
      }
      const before = await maxSeq();
      const movements = async () => Number(((await core.db('movements').count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n);
      const movementsBefore = await movements();
      const seen: number[] = [];
      // The second chunk's write fails; the third chunk was read and is planned meanwhile.
      const chunks = [count(1, 40, 5), count(41, 80, 13), count(81, 120, 6)];
      await expect(core.queue.exclusive((ctx) => core.queue.applyInChunks(ctx, chunks, (_, index) => seen.push(index)))).rejects.toThrow(/refused by the test/);
      expect(seen).toEqual([0]);
      expect(await maxSeq()).toBe(before);
      expect(await movements()).toBe(movementsBefore);
      expect((await core.call('stock.get', { sku: sku(1) })).onHand).toBe(0);
      expect((await core.checkLedger()).ok).toBe(true);

      // The write path is whole again: the same chunks without the failing figure go in.
      await core.queue.exclusive((ctx) => core.queue.applyInChunks(ctx, [count(1, 40, 5), count(41, 80, 12), count(81, 120, 6)]));
      expect((await core.call('stock.get', { sku: sku(41) })).onHand).toBe(12);
      expect(await maxSeq()).toBe(before + PRODUCTS * 2);
      expect((await core.checkLedger()).ok).toBe(true);
    });

    it('writes nothing of a chunk sent ahead when SQLite rolled the transaction back by itself', async () => {
      // RAISE(ROLLBACK) ends the whole transaction, as SQLITE_FULL or SQLITE_IOERR may; the slow
      // first row keeps the second chunk's write running while the third chunk's is sent behind it.
      if (engine !== 'sqlite') return;
      await core.db.raw(
        "CREATE TRIGGER rollback_thirteen BEFORE INSERT ON movements WHEN NEW.quantity = 13 BEGIN SELECT length(hex(randomblob(40000000))); SELECT RAISE(ROLLBACK, 'rolled back by the test'); END",
      );
      const before = await maxSeq();
      const sent: number[] = [];
      const chunks = [count(1, 40, 5), count(41, 80, 13), count(81, 120, 6)];
      await expect(core.queue.exclusive((ctx) => core.queue.applyInChunks(ctx, chunks, (_, index) => sent.push(index)))).rejects.toThrow(/rolled back by the test/);
      // Nothing of the third chunk committed on its own, outside the transaction.
      expect(await maxSeq()).toBe(before);
      expect((await core.call('stock.get', { sku: sku(81) })).onHand).toBe(0);
      expect((await core.call('stock.get', { sku: sku(1) })).onHand).toBe(0);
      expect((await core.checkLedger()).ok).toBe(true);
      await core.db.raw('DROP TRIGGER rollback_thirteen');
      await core.queue.exclusive((ctx) => core.queue.applyInChunks(ctx, chunks));
      expect((await core.call('stock.get', { sku: sku(81) })).onHand).toBe(6);
      expect(await maxSeq()).toBe(before + PRODUCTS * 2);
    });

    it('runs the append hooks of one chunk at a time, in the chunks’ order', async () => {
      const seen: string[] = [];
      let calls = 0;
      core.queue.addAppendHook(
        Object.assign(
          async (_trx: unknown, _now: string, added: Array<{ seq: number }>) => {
            const first = added[0]?.seq ?? 0;
            seen.push(`in ${first}`);
            // The first chunk's hook is slow: the second chunk's write is answered meanwhile.
            if (calls++ === 0) await new Promise((resolve) => setTimeout(resolve, 200));
            seen.push(`out ${first}`);
          },
          { idleFor: () => true },
        ),
      );
      const chunks = [count(1, 40, 5), count(41, 80, 6), count(81, 120, 7)];
      await core.queue.exclusive((ctx) => core.queue.applyInChunks(ctx, chunks));
      const firsts = seen.filter((e) => e.startsWith('in ')).map((e) => Number(e.slice(3)));
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
      expect(seen).toEqual(firsts.flatMap((f) => [`in ${f}`, `out ${f}`]));
    });

    it('sends a chunk’s write behind the one before only when that one’s append hooks have nothing to write', async () => {
      // What the log holds once a chunk's hook has waited 100 ms: a later chunk's entries when its
      // write was sent behind this one, only this chunk's when it waited for the hook.
      const newestSeenByHook = async (idle: boolean): Promise<boolean[]> => {
        const aheadOf: boolean[] = [];
        const hook = Object.assign(
          async (trx: { raw(sql: string): Promise<unknown> }, _now: string, added: Array<{ seq: number }>) => {
            await new Promise((resolve) => setTimeout(resolve, 100));
            const rows = (await trx.raw('SELECT max(seq) AS seq FROM changes')) as Array<{ seq: number }>;
            aheadOf.push(Number(rows[0]?.seq) > (added[added.length - 1]?.seq ?? 0));
          },
          { idleFor: () => idle },
        );
        // Hooks stay once added: the second call has both, and one that writes is enough.
        core.queue.addAppendHook(hook as never);
        const quantity = idle ? 5 : 6;
        await core.queue.exclusive((ctx) => core.queue.applyInChunks(ctx, [count(1, 40, quantity), count(41, 80, quantity), count(81, 120, quantity)]));
        return aheadOf;
      };
      if (engine === 'sqlite') expect(await newestSeenByHook(true)).toContain(true);
      // A hook that writes (webhook deliveries, the channels' outbox) is never run beside a later write.
      expect(await newestSeenByHook(false)).toEqual([false, false, false]);
      expect((await core.checkLedger()).ok).toBe(true);
    });
  });
}
