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
import { tempDir } from '../helpers/core';

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
    await Promise.all(['a', 'b', 'c'].map((name) => queue.submit({ name })));
    expect(knexTransactions).toBe(0);
    expect(((await db.raw('PRAGMA temp_store')) as Array<{ temp_store: number }>)[0]?.temp_store).toBe(2);
    await queue.exclusive(async (ctx) => ctx.append([{ type: 'settings.updated', productId: null, sku: 'x', payload: {} }]));
    expect(knexTransactions).toBe(1);
    expect(((await db.raw('PRAGMA temp_store')) as Array<{ temp_store: number }>)[0]?.temp_store).toBe(0);
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
