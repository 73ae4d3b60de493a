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
import { afterEach, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { num } from '../../electron/core/util/db-helpers';
import { productInput, startCore, type TestCore } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const skip = skipWithout('postgresql', 'write transactions on PostgreSQL');

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
