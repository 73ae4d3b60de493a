/**
 * Issue 17 (import speed): the change log's append writes each payload once, as it is, and hands
 * the bus changes whose payload is what a reader of the log gets. On SQLite the payload travels
 * inside the statement's JSON parameter as the object itself and is stored as its JSON text; the
 * sequence numbers come from the last rowid rather than a row per entry. Whatever the path, the
 * stored text must be JSON.stringify's, byte for byte, and the numbers the rows' own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NEXT_SEQ_PG, NEXT_SEQ_SQLITE, unreadPayloadText, type InlineAppend, type NewChange } from '../../electron/core/changes/change-log';
import type { WriteContext } from '../../electron/core/write-queue';
import { execInTransaction } from '../../electron/core/db/sqlite-client';
import { num } from '../../electron/core/util/db-helpers';
import type { Change } from '../../shared/schemas/changes';
import { engines, startCore, type TestCore } from '../helpers/core';

/** Text that JSON writes with escapes, and numbers whose spelling a re-encoding could change. */
const AWKWARD: Record<string, unknown> = {
  quotes: 'a "quoted" \\ back\\slash, a\nnewline, a\ttab, \u0000 and \u001f',
  unicode: 'Café “curly” — 😀 \u2028\u2029 </script>',
  lone: 'half a pair: \ud800',
  numbers: [0, -0, 1.5, 0.1 + 0.2, 1e21, 9007199254740991, -42, 5e-324],
  nested: { empty: {}, list: [], deep: [{ x: null, y: true, z: false }] },
  'a "key"': 'value',
};

for (const engine of engines()) {
  describe(`change log append (${engine})`, () => {
    let core: TestCore;
    beforeEach(async () => {
      core = await startCore(engine, { webhooks: { worker: false } });
    });
    afterEach(async () => {
      await core.cleanup();
    });

    it('hands out changes that read, copy and serialise like plain objects, payload included', async () => {
      const [change] = await core.queue.exclusive((ctx) => ctx.append([{ type: 'product.updated', productId: 'p-9', sku: 'PLAIN-1', payload: { title: 'Mug', n: 2 } }]));
      const c = change as Change;
      // The stored text, until the payload is first read; a copy is a plain object, without it.
      expect(unreadPayloadText(c)).toBe('{"title":"Mug","n":2}');
      expect(unreadPayloadText({ ...c })).toBeUndefined();
      expect(Object.keys(c)).toEqual(['seq', 'type', 'sku', 'productId', 'payload', 'actor', 'createdAt']);
      expect(JSON.parse(JSON.stringify(c))).toMatchObject({ sku: 'PLAIN-1', payload: { title: 'Mug', n: 2 } });
      const copy = { ...c };
      expect(copy.payload).toEqual({ title: 'Mug', n: 2 });
      expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
      expect(structuredClone(c)).toEqual({ ...c });
      // The parsed payload is the reader's own: one object per change, kept once read; a listener may replace it.
      expect(c.payload).toBe(c.payload);
      expect(unreadPayloadText(c)).toBeUndefined();
      c.payload = { replaced: true };
      expect(c.payload).toEqual({ replaced: true });
    });

    it('stores each payload as JSON.stringify writes it, and numbers the entries as their rows', async () => {
      const entries: NewChange[] = [
        { type: 'product.updated', productId: 'p-1', sku: 'AWK-1', payload: AWKWARD },
        { type: 'product.updated', productId: null, sku: null, payload: {} },
        // More than one statement's worth, in order.
        ...Array.from({ length: 12_001 }, (_, i): NewChange => ({ type: 'stock.changed', productId: `p-${i}`, sku: `S-${i}`, payload: { i, note: `"${i}"` } })),
      ];
      const emitted: Change[] = [];
      core.bus.subscribe((changes) => emitted.push(...changes));
      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      core.db.on('query', onQuery);
      const appended = await core.queue.exclusive((ctx) => ctx.append(entries));
      core.db.off('query', onQuery);
      // SQLite: 2,000 entries a statement (one JSON parameter), not 500.
      if (engine === 'sqlite') expect(statements.filter((s) => /^insert into [`"]?changes/i.test(s))).toHaveLength(7);

      const rows = (await core.db('changes').select('seq', 'type', 'product_id', 'sku', 'payload').where('seq', '>=', appended[0]?.seq ?? 0).orderBy('seq')) as Array<{
        seq: unknown;
        type: string;
        product_id: string | null;
        sku: string | null;
        payload: string;
      }>;
      expect(rows).toHaveLength(entries.length);
      rows.forEach((row, i) => {
        const entry = entries[i] as NewChange;
        expect(row.payload).toBe(JSON.stringify(entry.payload));
        expect([row.type, row.product_id, row.sku]).toEqual([entry.type, entry.productId, entry.sku]);
        expect(num(row.seq)).toBe(appended[i]?.seq);
      });
      // The bus got the same entries, with the payload as the log holds it (a parse of the text).
      expect(emitted.map((c) => c.seq)).toEqual(appended.map((c) => c.seq));
      expect(emitted[0]?.payload).toEqual(JSON.parse(JSON.stringify(AWKWARD)));
      expect(emitted[0]?.payload).not.toBe(AWKWARD);
      // A change serialises like any object (the SSE stream and webhooks send it as JSON).
      expect(JSON.parse(JSON.stringify(emitted[2]))).toMatchObject({ type: 'stock.changed', sku: 'S-0', payload: { i: 0, note: '"0"' } });
    });

    it('writes an append built ahead of its write exactly as one built at the write, in its own transaction only', async () => {
      const entries = (tag: string): NewChange[] => [
        { type: 'product.created', productId: `p-${tag}`, sku: `${tag}-AWK`, payload: AWKWARD },
        ...Array.from({ length: 4_001 }, (_, i): NewChange => ({ type: 'product.created', productId: `p-${tag}-${i}`, sku: `${tag}-${i}`, payload: { i, note: `'${i}' "q"` } })),
      ];
      const stored = async (appended: Change[]) =>
        (
          (await core.db('changes').select('seq', 'type', 'product_id', 'sku', 'payload').whereBetween('seq', [appended[0]?.seq ?? 0, appended[appended.length - 1]?.seq ?? 0]).orderBy('seq')) as Array<{
            seq: unknown;
            type: string;
            product_id: string | null;
            sku: string | null;
            payload: string;
          }>
        ).map((r) => ({ seq: num(r.seq), type: r.type, sku: r.sku?.replace(/^[A-Z]+-/, ''), productId: r.product_id?.replace(/^p-[A-Z]+/, ''), payload: r.payload }));
      const direct = await core.queue.exclusive((ctx) => ctx.append(entries('DIRECT')));
      const ahead = await core.queue.exclusive(async (ctx) => ctx.append(await ctx.prepareAppend(entries('AHEAD'))));
      const [a, b] = [await stored(direct), await stored(ahead)];
      expect(b).toHaveLength(4_002);
      // The same rows, numbered on from the direct append's, and the changes handed out are the rows.
      expect(b.map(({ seq: _seq, ...rest }) => rest)).toEqual(a.map(({ seq: _seq, ...rest }) => rest));
      expect(b.map((r) => r.seq)).toEqual(ahead.map((c) => c.seq));
      expect(b[0]?.seq).toBe((a[a.length - 1]?.seq ?? 0) + 1);
      expect(ahead[1]?.payload).toEqual({ i: 0, note: `'0' "q"` });
      // Built for one transaction, refused in another (its time and actor are that transaction's).
      const prepared = await core.queue.exclusive((ctx) => ctx.prepareAppend(entries('OTHER')));
      if (engine === 'sqlite') await expect(core.queue.exclusive((ctx) => ctx.append(prepared))).rejects.toThrow('an append prepared for another transaction');
    });

    it('keeps the log in sequence after a rolled-back append', async () => {
      await expect(
        core.queue.exclusive(async (ctx) => {
          await ctx.append([{ type: 'product.updated', productId: null, sku: 'GONE', payload: {} }]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      const [kept] = await core.queue.exclusive((ctx) => ctx.append([{ type: 'product.updated', productId: null, sku: 'KEPT', payload: { ok: true } }]));
      const row = (await core.db('changes').where({ sku: 'KEPT' }).first()) as { seq: unknown };
      expect(num(row.seq)).toBe(kept?.seq);
      expect(await core.db('changes').where({ sku: 'GONE' })).toHaveLength(0);
    });

    /** Runs an inline append as a writer does: SQLite in its call, PostgreSQL as a WITH clause whose final SELECT evaluates `finish`. */
    const runInline = async (ctx: WriteContext, append: InlineAppend): Promise<void> => {
      if (engine === 'sqlite') return execInTransaction(ctx.trx, append.sql);
      const finish = append.finish as NonNullable<InlineAppend['finish']>;
      await ctx.trx.raw(`WITH appended AS (${append.sql}) SELECT ${finish.sql} WHERE (SELECT count(*) FROM appended) >= 0`, [
        ...(append.bindings as string[]),
        ...(finish.bindings as string[]),
      ]);
    };

    it('stores the same rows when the append goes inline in a writer\'s own statements (appendWith)', async () => {
      // PostgreSQL text holds no NUL (an append of one fails either way); a lone surrogate it stores as U+FFFD.
      const odd = engine === 'sqlite' ? "it's \u0000 \ud800" : "it's \ud800";
      const entries: NewChange[] = [
        { type: 'product.updated', productId: 'p-1', sku: 'AWK-1', payload: AWKWARD },
        { type: 'product.updated', productId: null, sku: odd, payload: { text: "O'Brien" } },
        { type: 'stock.changed', productId: 'p-2', sku: 'S-2', payload: { list: [1, 2] } },
      ];
      const emitted: Change[] = [];
      core.bus.subscribe((changes) => emitted.push(...changes));
      const readNext = async () =>
        engine === 'sqlite'
          ? (((await core.db.raw(`SELECT ${NEXT_SEQ_SQLITE} AS next`)) as Array<{ next: number }>)[0]?.next as number)
          : num(((await core.db.raw(`SELECT ${NEXT_SEQ_PG} AS next`)) as { rows: Array<{ next: number }> }).rows[0]?.next as number);
      const next = await readNext();
      const appended = await core.queue.exclusive((ctx) =>
        ctx.appendWith(ctx.inlineAppend(entries, next), async (append) => {
          expect(append.changes.map((c) => c.seq)).toEqual([next, next + 1, next + 2]);
          await runInline(ctx, append);
        }),
      );
      const rows = (await core.db('changes').where('seq', '>=', next).orderBy('seq')) as Array<{ seq: unknown; sku: string | null; payload: string }>;
      expect(rows.map((r) => num(r.seq as number))).toEqual(appended.map((c) => c.seq));
      expect(rows.map((r) => r.payload)).toEqual(entries.map((e) => JSON.stringify(e.payload)));
      if (engine === 'sqlite') {
        // The same SKU text as the JSON path stores (a lone surrogate as JSON decodes it).
        const viaJson = ((await core.db.raw(`SELECT '"it''s \\u0000 \\ud800"' ->> '$' AS viaJson`)) as Array<{ viaJson: string }>)[0]?.viaJson;
        expect(rows[1]?.sku).toBe(viaJson);
      } else {
        // As append (a bound string) stores it.
        const [bound] = await core.queue.exclusive((ctx) => ctx.append([{ type: 'product.updated', productId: null, sku: odd, payload: {} }]));
        const boundRow = (await core.db('changes').where({ seq: bound?.seq }).first('sku')) as { sku: string };
        expect(rows[1]?.sku).toBe(boundRow.sku);
        expect(rows[1]?.sku).toBe("it's \ufffd");
        // The seq column's own sequence went on after the inline numbers: append (which leaves the number to it) followed on.
        expect(bound?.seq).toBe(next + 3);
      }
      await new Promise((r) => setTimeout(r, 20));
      expect(emitted.map((c) => c.seq).slice(0, 3)).toEqual(appended.map((c) => c.seq));
      // A number read before another append of the same transaction is refused, not reused.
      const later = await readNext();
      await expect(
        core.queue.exclusive(async (ctx) => {
          await ctx.append([{ type: 'product.updated', productId: null, sku: 'FIRST', payload: {} }]);
          return ctx.appendWith(ctx.inlineAppend(entries, later), async (append) => runInline(ctx, append));
        }),
      ).rejects.toThrow(/was read before entry/);
      expect(await core.db('changes').where({ sku: 'FIRST' })).toHaveLength(0);
    });
  });
}
