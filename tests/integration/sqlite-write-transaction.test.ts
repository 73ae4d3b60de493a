/**
 * The write queue's group-commit transactions on SQLite drive the connection directly
 * (db/sqlite-transaction.ts), not through a knex transaction, with their statement journals in
 * memory (write-queue.ts SQLITE_BATCH). What that must keep: a failed batch leaves nothing and the
 * connection in no transaction, a knex kept past its batch cannot write, exclusive jobs keep
 * SQLite's default temporary storage.
 */
import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeBus } from '../../electron/core/changes/change-log';
import { createKnex } from '../../electron/core/db/connection';
import { migrateToLatest } from '../../electron/core/db/migrate';
import { silentLogger } from '../../electron/core/logger';
import { WriteQueue, type BatchHandler } from '../../electron/core/write-queue';
import { productInput, startCore, tempDir, type TestCore } from '../helpers/core';

type Op = { name: string; fail?: boolean };

describe('a group-commit batch on SQLite', () => {
  let db: Knex | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  async function open(handler: BatchHandler<Op, string>): Promise<{ db: Knex; queue: WriteQueue<Op, string> }> {
    db = createKnex({ kind: 'sqlite', file: `${tempDir()}/q.sqlite` });
    await migrateToLatest(db, silentLogger);
    return { db, queue: new WriteQueue<Op, string>(db, new ChangeBus(), handler) };
  }

  it('runs without a knex transaction, its journals in memory, and an exclusive job sets them back', async () => {
    const { db, queue } = await open(async (ctx, ops) => {
      await ctx.append(ops.map((op) => ({ type: 'settings.updated', productId: null, sku: op.name, payload: {} })));
      return ops.map((op) => ({ ok: true, value: op.name }));
    });
    let knexTransactions = 0;
    const client = db.client as { transaction(...args: unknown[]): unknown };
    const transaction = client.transaction.bind(client);
    client.transaction = (...args: unknown[]) => {
      knexTransactions++;
      return transaction(...args);
    };
    const tempStore = async () => ((await db.raw('PRAGMA temp_store')) as Array<{ temp_store: number }>)[0]?.temp_store;
    const seen: string[] = [];
    db.on('query', (q: { sql: string }) => seen.push(q.sql));
    await Promise.all(['a', 'b', 'c'].map((name) => queue.submit({ name })));
    expect(knexTransactions).toBe(0);
    // Memory for the batch's journals from its BEGIN on, the default again for everything after.
    expect(seen[0]).toBe('PRAGMA temp_store = MEMORY; BEGIN IMMEDIATE; PRAGMA temp_store = DEFAULT;');
    expect(await tempStore()).toBe(0);
    await db.raw('PRAGMA temp_store = MEMORY');
    await queue.exclusive(async (ctx) => ctx.append([{ type: 'settings.updated', productId: null, sku: 'x', payload: {} }]));
    expect(knexTransactions).toBe(1);
    expect(await tempStore()).toBe(0);
    expect(((await db('changes').select('sku').orderBy('seq')) as Array<{ sku: string }>).map((r) => r.sku)).toEqual(['a', 'b', 'c', 'x']);
  });

  it('rolls back a batch that failed after writing, and leaves the connection in no transaction', async () => {
    const { db, queue } = await open(async (ctx, ops) => {
      await ctx.append(ops.map((op) => ({ type: 'settings.updated', productId: null, sku: op.name, payload: {} })));
      if (ops.some((op) => op.fail)) throw new Error('failed after writing');
      return ops.map((op) => ({ ok: true, value: op.name }));
    });
    await expect(queue.submit({ name: 'lost', fail: true })).rejects.toThrow('failed after writing');
    expect(await db('changes').where({ sku: 'lost' }).first()).toBeUndefined();
    // A write outside the queue autocommits: the connection is in no transaction.
    await db.raw('BEGIN IMMEDIATE');
    await db.raw('ROLLBACK');
    expect(await queue.submit({ name: 'kept' })).toBe('kept');
    expect(((await db('changes').select('sku')) as Array<{ sku: string }>).map((r) => r.sku)).toEqual(['kept']);
  });

  it('does not write again a batch that failed after it committed in its write call', async () => {
    let calls = 0;
    const { db, queue } = await open(async (ctx, ops) => {
      calls++;
      const [row] = (await ctx.trx.raw("SELECT coalesce(max(seq), 0) + 1 AS next FROM changes")) as Array<{ next: number }>;
      const inline = ctx.inlineAppend(ops.map((op) => ({ type: 'settings.updated', productId: null, sku: op.name, payload: {} })), Number(row?.next));
      await ctx.appendWith(inline, async (append, commit) => {
        expect(commit).not.toBeNull();
        await (commit as NonNullable<typeof commit>)(append.sql);
      });
      if (ops.some((op) => op.fail)) throw new Error('a bug after the commit');
      return ops.map((op) => ({ ok: true, value: op.name }));
    });
    const outcomes = await Promise.allSettled([queue.submit({ name: 'a' }), queue.submit({ name: 'b', fail: true })]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason.message)).toMatch(/after its transaction committed: a bug after the commit/);
    // Committed once, and not retried operation by operation.
    expect(calls).toBe(1);
    expect(((await db('changes').select('sku').orderBy('seq')) as Array<{ sku: string }>).map((r) => r.sku)).toEqual(['a', 'b']);
  });

  it('begins a batch while its operations are still arriving, before the turn in which it is planned', async () => {
    const planned: number[] = [];
    let begins = 0;
    const { db, queue } = await open(async (ctx, ops) => {
      planned.push(ops.length);
      return ops.map((op) => ({ ok: true, value: op.name }));
    });
    db.on('query', (q: { sql: string }) => {
      if (/\bBEGIN IMMEDIATE\b/.test(q.sql)) begins++;
    });
    const first = queue.submit({ name: 'a' });
    // Microtasks only: the batch is planned on a later turn of the event loop (setImmediate).
    for (let i = 0; i < 20 && begins === 0; i++) await Promise.resolve();
    expect(begins).toBe(1);
    expect(planned).toEqual([]);
    const second = queue.submit({ name: 'b' });
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    // Both in the transaction begun for the first: one BEGIN, one batch.
    expect(planned).toEqual([2]);
    expect(begins).toBe(1);
  });

  it('refuses a statement of a knex kept past its batch', async () => {
    let kept: Knex.Transaction | undefined;
    const { queue } = await open(async (ctx, ops) => {
      kept = ctx.trx;
      return ops.map((op) => ({ ok: true, value: op.name }));
    });
    await queue.submit({ name: 'a' });
    await expect((kept as Knex.Transaction)('changes').insert({ type: 'x', payload: '{}', created_at: 'now' })).rejects.toThrow(/after its write transaction ended/);
  });
});

describe('a stock batch on SQLite commits in its write call', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  /** The calls made to SQLite for one receive, as announced. */
  async function callsOf(run: () => Promise<unknown>): Promise<string[]> {
    const calls: string[] = [];
    const onQuery = (q: { sql: string }) => calls.push(q.sql);
    (core as TestCore).db.on('query', onQuery);
    try {
      await run();
    } finally {
      (core as TestCore).db.off('query', onQuery);
    }
    return calls;
  }

  it('when no append hook has anything to do, and in a COMMIT of its own once a webhook subscribes', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('FOLD-1'));
    const folded = await callsOf(() => core!.call('stock.receive', { sku: 'FOLD-1', quantity: 1 }));
    expect(folded.filter((sql) => /COMMIT/.test(sql))).toHaveLength(1);
    expect(folded.at(-1)).toMatch(/^INSERT OR ROLLBACK INTO changes [\s\S]*;\s*COMMIT;$/);

    const hook = await core.call('webhooks.create', { url: 'https://hooks.example.com/stockfeed', eventTypes: ['stock.changed'] });
    const own = await callsOf(() => core!.call('stock.receive', { sku: 'FOLD-1', quantity: 1 }));
    // The hook's rows name the entries, so they go in after the writes and before a COMMIT of its own.
    expect(own.at(-1)).toBe('COMMIT;');
    expect(own.some((sql) => /insert into [`"]?webhook_deliveries/i.test(sql))).toBe(true);
    // Statements follow the writes in that transaction: a conflict there undoes the statement alone.
    expect(own.some((sql) => /\bOR ROLLBACK\b/.test(sql))).toBe(false);
    const deliveries = (await core.db('webhook_deliveries').where({ subscription_id: hook.id })) as unknown[];
    expect(deliveries).toHaveLength(1);
    expect((await core.checkLedger()).ok).toBe(true);
  });

  it('with its append and totals rolling the whole transaction back on a conflict (no statement journal for them), the totals read from their VALUES list directly', async () => {
    core = await startCore('sqlite');
    for (const sku of ['ROLL-1', 'ROLL-2']) await core.call('products.create', productInput(sku));
    const calls = await callsOf(() => Promise.all(['ROLL-1', 'ROLL-2'].map((sku, i) => core!.call('stock.receive', { sku, quantity: 2 + i }))));
    const writes = calls.at(-1) as string;
    expect(writes).toMatch(/^INSERT OR ROLLBACK INTO changes \(/);
    // The totals straight from their VALUES list, the ones every row shares as literals.
    expect(writes).toMatch(
      /;\nUPDATE OR ROLLBACK products SET total_on_hand = v\.column2, total_committed = 0, total_incoming = 0 FROM \(VALUES \('[^']+', 2\), \('[^']+', 3\)\) AS v WHERE products\.id = v\.column1 AND \(total_on_hand IS NOT v\.column2 OR total_committed IS NOT 0 OR total_incoming IS NOT 0\);\n/,
    );
    expect(await core.db('products').whereIn('sku', ['ROLL-1', 'ROLL-2']).orderBy('sku').pluck('total_on_hand')).toEqual([2, 3]);
    // The levels and movements as before (their foreign keys keep a statement journal anyway).
    expect(writes).toMatch(/;\nINSERT INTO stock_levels /);
    expect(writes).toMatch(/;\nINSERT INTO movements /);
  });

  it('leaves nothing of a batch whose append SQLite rolled back itself, answers the others alone and keeps the connection', async () => {
    core = await startCore('sqlite');
    for (const sku of ['ROLL-1', 'CLASH']) await core.call('products.create', productInput(sku));
    await core.call('stock.receive', { sku: 'ROLL-1', quantity: 5 });
    const before = (await core.db('changes').max({ seq: 'seq' }).first()) as { seq: number };
    // Takes the number the CLASH entry is given, so the append's primary key refuses it.
    await core.db.raw(
      "CREATE TRIGGER clash BEFORE INSERT ON changes WHEN NEW.sku = 'CLASH' AND NEW.type = 'stock.changed' " +
        "BEGIN INSERT INTO changes (seq, type, product_id, sku, payload, created_at) VALUES (NEW.seq, 'settings.updated', NULL, 'taken', '{}', NEW.created_at); END",
    );
    const calls: string[] = [];
    const onQuery = (q: { sql: string }) => calls.push(q.sql);
    core.db.on('query', onQuery);
    const results = await Promise.allSettled([
      core.call('stock.receive', { sku: 'ROLL-1', quantity: 1 }),
      core.call('stock.receive', { sku: 'CLASH', quantity: 1 }),
      core.call('stock.receive', { sku: 'ROLL-1', quantity: 1 }),
    ]);
    core.db.off('query', onQuery);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed: changes\.seq/);
    // SQLite had rolled the transaction back: the ROLLBACK after it found none, and the connection
    // went back to the pool in no transaction (not disposed: the writes below use it).
    expect(calls.filter((sql) => sql === 'ROLLBACK').length).toBeGreaterThan(0);
    expect(calls.some((sql) => /^INSERT OR ROLLBACK INTO changes /.test(sql))).toBe(true);
    await core.db.raw('DROP TRIGGER clash');
    expect((await core.call('stock.get', { sku: 'ROLL-1' })).onHand).toBe(7);
    expect((await core.call('stock.get', { sku: 'CLASH' })).onHand).toBe(0);
    expect(await core.db('changes').where({ sku: 'taken' }).count({ n: '*' }).first()).toEqual({ n: 0 });
    const seqs = ((await core.db('changes').where('seq', '>', before.seq).orderBy('seq')) as Array<{ seq: number }>).map((r) => Number(r.seq));
    expect(seqs).toEqual([before.seq + 1, before.seq + 2]);
    await core.call('stock.receive', { sku: 'CLASH', quantity: 4 });
    expect((await core.call('stock.get', { sku: 'CLASH' })).onHand).toBe(4);
    expect((await core.checkLedger()).ok).toBe(true);
  });
});
