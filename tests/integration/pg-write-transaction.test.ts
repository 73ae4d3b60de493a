/**
 * Issues 17 and 20 (a stock write's CPU on PostgreSQL): the write queue's transactions run on a
 * node-postgres client taken from knex's pool, driven directly (db/pg-transaction.ts), instead of
 * a knex transaction (a knex instance, transactor and runner per transaction, knex's work per
 * statement). What that must keep, tested here: a stock batch builds no knex transaction and runs
 * no knex statement; every connection goes back to the pool in no transaction, whatever failed (a
 * statement, COMMIT, a lock_timeout, the job itself); a failure leaves nothing of the transaction;
 * a transaction with a failed statement is never reported as committed; knex's 'query' event still
 * tells of every statement; ctx.trx (a knex bound to the connection) works inside and refuses
 * statements once its transaction is over.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import { openCore } from '../../electron/core/core';
import { num } from '../../electron/core/util/db-helpers';
import { productInput, startCore, tempDir, type TestCore } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const skip = skipWithout('postgresql', 'write transactions on PostgreSQL');
/** write-queue.ts WRITER_LOCK_KEY. */
const WRITER_LOCK_KEY = 0x5f0c_feed;

type PooledConnection = { getTransactionStatus(): string | null; __knex__disposed?: unknown };
type Pool = { free: Array<{ resource: PooledConnection }>; used: Array<{ resource: PooledConnection }> };

/** The pool's connections once every write has finished: all idle, in no transaction, none disposed. */
function expectPoolClean(db: Knex): void {
  const pool = (db.client as { pool: Pool }).pool;
  expect(pool.used).toHaveLength(0);
  expect(pool.free.length).toBeGreaterThan(0);
  for (const { resource } of pool.free) {
    expect(resource.getTransactionStatus()).toBe('I');
    expect(resource.__knex__disposed).toBeUndefined();
  }
}

async function onHand(core: TestCore, sku: string): Promise<number> {
  return (await core.call('stock.get', { sku })).onHand;
}

async function changeCount(db: Knex): Promise<number> {
  return num(((await db('changes').count({ n: '*' }).first()) as { n: unknown }).n as number);
}

describe.skipIf(skip)(titled('the write queue on PostgreSQL', skip), () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('runs a stock batch without a knex transaction or a knex statement, and tells each statement on the query event', async () => {
    core = await startCore('pg');
    for (let i = 0; i < 4; i++) await core.call('products.create', productInput(`THIN-${i}`));
    await core.call('stock.receive', { sku: 'THIN-0', quantity: 1 });
    const client = core.db.client as { transaction: (...args: unknown[]) => unknown; runner: (...args: unknown[]) => unknown };
    const proto = Object.getPrototypeOf(client) as typeof client;
    const counts = { transactions: 0, runners: 0 };
    const { transaction, runner } = proto;
    proto.transaction = function (this: unknown, ...args: unknown[]) {
      counts.transactions++;
      return transaction.apply(this, args);
    };
    proto.runner = function (this: unknown, ...args: unknown[]) {
      counts.runners++;
      return runner.apply(this, args);
    };
    const events: Array<{ sql: string; __knexTxId?: string }> = [];
    const onQuery = (q: { sql: string; __knexTxId?: string }) => events.push(q);
    core.db.on('query', onQuery);
    try {
      const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => core!.call('stock.receive', { sku: `THIN-${i % 4}`, quantity: 1 })));
      expect(new Set(answers.map((a) => a.seq)).size).toBe(16);
    } finally {
      proto.transaction = transaction;
      proto.runner = runner;
      core.db.off('query', onQuery);
    }
    expect(counts).toEqual({ transactions: 0, runners: 0 });
    // BEGIN with the lock, the read, the write, COMMIT: one transaction, as knex would report it.
    const write = events.find((e) => /insert into changes/i.test(e.sql));
    expect(write?.__knexTxId).toMatch(/^trx/);
    const statements = events.filter((e) => e.__knexTxId === write?.__knexTxId).map((e) => e.sql);
    expect(statements).toHaveLength(4);
    expect(statements[0]).toMatch(/^BEGIN; SELECT pg_advisory_xact_lock/);
    expect(statements[1]).toMatch(/^SELECT .* = ANY\(\$1::text\[\]\)/);
    expect(statements[3]).toBe('COMMIT');
    expectPoolClean(core.db);
  });

  it('sends the batch read right behind BEGIN and the writer lock, without waiting for their answer (one round trip for both)', async () => {
    core = await startCore('pg');
    for (let i = 0; i < 4; i++) await core.call('products.create', productInput(`PIPE-${i}`));
    await core.call('stock.receive', { sku: 'PIPE-0', quantity: 1 });
    // node-postgres' Client, as the pool hands it out: which statements were sent while BEGIN was unanswered.
    const connection = (await core.db.client.acquireConnection()) as object;
    await core.db.client.releaseConnection(connection);
    const proto = Object.getPrototypeOf(connection) as { query: (this: unknown, config: unknown, ...rest: unknown[]) => unknown };
    const original = proto.query;
    let unanswered = 0;
    const sent: Array<{ text: string; behindBegin: boolean }> = [];
    proto.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
      const text = typeof config === 'string' ? config : ((config as { text?: string }).text ?? '');
      sent.push({ text, behindBegin: unanswered > 0 });
      const result = original.call(this, config, ...rest);
      if (text.startsWith('BEGIN')) {
        unanswered++;
        void (result as Promise<unknown>).then(
          () => unanswered--,
          () => unanswered--,
        );
      }
      return result;
    };
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => core!.call('stock.receive', { sku: `PIPE-${i % 4}`, quantity: 1 })));
    } finally {
      proto.query = original;
    }
    const begin = sent.findIndex((s) => s.text.startsWith('BEGIN'));
    expect(sent[begin + 1]?.text).toMatch(/^SELECT .* = ANY\(\$1::text\[\]\)/);
    expect(sent[begin + 1]?.behindBegin).toBe(true);
    // Only the read: the write waits for the read's answer, COMMIT for the write's.
    expect(sent.filter((s) => s.behindBegin).map((s) => s.text.slice(0, 6))).toEqual(sent.filter((s) => s.text.startsWith('BEGIN')).map(() => 'SELECT'));
    expectPoolClean(core.db);
    expect(await onHand(core, 'PIPE-0')).toBe(3);
  });

  it('leaves nothing of a job whose statement failed after others had run, and hands its connection back in no transaction', async () => {
    core = await startCore('pg');
    await core.call('products.create', productInput('FAIL-0'));
    await core.call('stock.receive', { sku: 'FAIL-0', quantity: 5 });
    const before = await changeCount(core.db);
    await expect(
      core.queue.exclusive(async (ctx) => {
        await ctx.append([{ type: 'product.updated', productId: null, sku: null, payload: { step: 1 } }]);
        await ctx.trx('movements').update({ reason: 'rewritten' });
        await ctx.trx.raw('SELECT 1 / 0');
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await changeCount(core.db)).toBe(before);
    expect(await core.db('movements').where({ reason: 'rewritten' }).first()).toBeUndefined();
    expectPoolClean(core.db);
    // The next writes go through on the same connections.
    await Promise.all([1, 2, 3].map((quantity) => core!.call('stock.receive', { sku: 'FAIL-0', quantity })));
    expect(await onHand(core, 'FAIL-0')).toBe(11);
    expectPoolClean(core.db);
  });

  it('runs nothing of a job whose first statement was sent behind a writer lock that could not be taken', async () => {
    core = await startCore('pg');
    const url = core.config.kind === 'pg' ? core.config.url : '';
    await core.db.raw(`ALTER DATABASE ${new URL(url).pathname.slice(1)} SET lock_timeout = '200ms'`);
    const dir = tempDir();
    const impatient = await openCore({ dataDir: dir, databaseUrl: url, expirySweepMs: 0, backups: { checkEveryMs: 0 } });
    const holder = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    try {
      const before = await changeCount(core.db);
      let release: () => void = () => undefined;
      const held = holder.transaction(async (trx) => {
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [WRITER_LOCK_KEY]);
        await new Promise<void>((resolve) => (release = resolve));
      });
      await new Promise((r) => setTimeout(r, 100));
      // The insert is the job's first statement: on the wire right behind BEGIN and the lock.
      await expect(
        impatient.queue.exclusive(async (ctx) => {
          await ctx.query("INSERT INTO changes (type, payload, created_at) VALUES ('product.updated', '{}', '2026-01-01T00:00:00.000Z')", []);
          await ctx.query("INSERT INTO changes (type, payload, created_at) VALUES ('product.updated', '{}', '2026-01-01T00:00:00.000Z')", []);
        }),
      ).rejects.toThrow(/lock timeout/i);
      release();
      await held;
      expect(await changeCount(core.db)).toBe(before);
      expectPoolClean(impatient.db);
      await impatient.queue.exclusive((ctx) => ctx.append([{ type: 'product.updated', productId: null, sku: null, payload: {} }]));
      expect(await changeCount(core.db)).toBe(before + 1);
    } finally {
      await holder.destroy();
      await impatient.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not report a transaction with a failed statement as committed, even when the job caught the error', async () => {
    core = await startCore('pg');
    await core.call('products.create', productInput('CAUGHT-0'));
    // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error: knex resolved it.
    await expect(
      core.queue.exclusive(async (ctx) => {
        await ctx.trx('products').where({ sku: 'CAUGHT-0' }).update({ title: 'never' });
        await ctx.trx.raw('SELECT 1 / 0').catch(() => undefined);
        return 'done';
      }),
    ).rejects.toThrow(/rolled the transaction back/);
    expect(((await core.db('products').where({ sku: 'CAUGHT-0' }).first('title')) as { title: string }).title).not.toBe('never');
    expectPoolClean(core.db);
  });

  it('answers a COMMIT that fails (a deferred constraint) with its error, leaving nothing and a clean connection', async () => {
    core = await startCore('pg');
    await core.call('products.create', productInput('DEFER-0'));
    await core.call('stock.receive', { sku: 'DEFER-0', quantity: 2 });
    await core.db.raw(
      "CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.reference = 'at-commit' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NEW; END $$",
    );
    await core.db.raw('CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON movements DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_at_commit()');
    const before = await changeCount(core.db);
    await expect(core.call('stock.receive', { sku: 'DEFER-0', quantity: 3, reference: 'at-commit' })).rejects.toThrow(/refused at commit/);
    expect(await changeCount(core.db)).toBe(before);
    expect(await onHand(core, 'DEFER-0')).toBe(2);
    expectPoolClean(core.db);
    await core.call('stock.receive', { sku: 'DEFER-0', quantity: 1 });
    expect(await onHand(core, 'DEFER-0')).toBe(3);
  });

  it('gives a job a knex on its transaction that refuses statements once the transaction is over', async () => {
    core = await startCore('pg');
    await core.call('products.create', productInput('KEPT-0'));
    let kept: Knex.Transaction | undefined;
    const inside = await core.queue.exclusive(async (ctx) => {
      kept = ctx.trx;
      // The knex and the direct statements share the one transaction: each sees the other's writes.
      await ctx.trx('products').where({ sku: 'KEPT-0' }).update({ title: 'inside' });
      const [row] = await ctx.query<{ title: string }>('SELECT title FROM products WHERE sku = ?', ['KEPT-0']);
      const locked = (await ctx.trx.raw('SELECT count(*)::int AS n FROM pg_locks WHERE locktype = ? AND pid = pg_backend_pid()', ['advisory'])) as { rows: Array<{ n: number }> };
      return { title: row?.title, locks: locked.rows[0]?.n };
    });
    expect(inside).toEqual({ title: 'inside', locks: 1 });
    await expect(kept!.raw('SELECT 1')).rejects.toThrow(/after its write transaction ended/);
    expect(((await core.db('products').where({ sku: 'KEPT-0' }).first('title')) as { title: string }).title).toBe('inside');
    expectPoolClean(core.db);
  });
});
