import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeBus } from '../../electron/core/changes/change-log';
import { createKnex } from '../../electron/core/db/connection';
import { migrateToLatest } from '../../electron/core/db/migrate';
import { silentLogger } from '../../electron/core/logger';
import { WriteQueue, type BatchHandler } from '../../electron/core/write-queue';
import type { Change } from '../../shared/schemas/changes';
import { AppError } from '../../shared/errors';
import { productInput, startCore, tempDir, type TestCore } from '../helpers/core';

describe('group commit', () => {
  let core: TestCore | undefined;
  let db: Knex | undefined;
  afterEach(async () => {
    await core?.cleanup();
    await db?.destroy();
    core = undefined;
    db = undefined;
  });

  it('lets concurrent writers share transactions instead of one commit each', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('GC-1'));
    let begins = 0;
    core.db.on('query', (q: { sql: string }) => {
      if (/\bBEGIN\b/i.test(q.sql)) begins++;
    });
    const results = await Promise.all(Array.from({ length: 64 }, () => core!.call('stock.receive', { sku: 'GC-1', quantity: 1 })));
    expect(results).toHaveLength(64);
    expect(begins).toBeGreaterThan(0);
    expect(begins).toBeLessThanOrEqual(4);
    // Every writer still got its own movement and change-log entry, in order.
    expect(new Set(results.map((r) => r.seq)).size).toBe(64);
    expect(results.map((r) => r.stock.onHand).sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
  });

  it('emits committed changes on the bus once, after the commit, in order', async () => {
    core = await startCore('sqlite');
    const seen: Change[] = [];
    core.bus.subscribe((changes) => seen.push(...changes));
    await core.call('products.create', productInput('BUS-1'));
    await Promise.all([1, 2, 3].map((q) => core!.call('stock.receive', { sku: 'BUS-1', quantity: q })));
    // The first receive brings BUS-1 into stock, so its availability.changed follows it.
    expect(seen.map((c) => c.type)).toEqual(['product.created', 'stock.changed', 'availability.changed', 'stock.changed', 'stock.changed']);
    const seqs = seen.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // A failed write emits nothing.
    await expect(core.call('stock.adjust', { sku: 'BUS-1', quantity: -100, reason: 'x' })).rejects.toMatchObject({ code: 'insufficient_stock' });
    expect(seen).toHaveLength(5);
  });

  it('retries each operation alone when a shared transaction fails, so one bad write cannot sink the others', async () => {
    const dir = tempDir();
    db = createKnex({ kind: 'sqlite', file: `${dir}/q.sqlite` });
    await migrateToLatest(db, silentLogger);
    type Op = { name: string; poison?: boolean };
    const handler: BatchHandler<Op, string> = async (ctx, ops) => {
      await ctx.append(ops.map((op) => ({ type: 'settings.updated', productId: null, sku: op.name, payload: {} })));
      if (ops.some((op) => op.poison)) throw new Error('database exploded');
      return ops.map((op) => ({ ok: true, value: `done ${op.name}` }));
    };
    const queue = new WriteQueue<Op, string>(db, new ChangeBus(), handler);
    const outcomes = await Promise.allSettled([
      queue.submit({ name: 'a' }),
      queue.submit({ name: 'b', poison: true }),
      queue.submit({ name: 'c' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('database exploded');
    const rows = (await db('changes').select('sku').orderBy('seq')) as Array<{ sku: string }>;
    expect(rows.map((r) => r.sku)).toEqual(['a', 'c']);
  });

  it('answers a large batch over several turns of the event loop, each answer after every entry is on the bus', async () => {
    const dir = tempDir();
    db = createKnex({ kind: 'sqlite', file: `${dir}/q.sqlite` });
    await migrateToLatest(db, silentLogger);
    const handler: BatchHandler<string, string> = async (ctx, ops) => {
      await ctx.append(ops.map((name) => ({ type: 'settings.updated', productId: null, sku: name, payload: {} })));
      return ops.map((name) => ({ ok: true, value: name }));
    };
    const bus = new ChangeBus();
    const delivered: string[] = [];
    bus.subscribe((changes) => delivered.push(...changes.map((c) => c.sku as string)));
    const queue = new WriteQueue<string, string>(db, bus, handler);
    // Counts the event loop's turns while the batch runs.
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const answers: Array<{ name: string; turn: number; delivered: number }> = [];
    const names = Array.from({ length: 40 }, (_, i) => `W-${i}`);
    // Submitted in one go: one batch, one transaction.
    await Promise.all(names.map((name) => queue.submit(name).then((value) => answers.push({ name: value, turn, delivered: delivered.length }))));
    counting = false;
    const rows = (await db('changes').select('sku').orderBy('seq')) as Array<{ sku: string }>;
    expect(rows.map((r) => r.sku)).toEqual(names);
    expect(answers.map((a) => a.name).sort()).toEqual([...names].sort());
    // No answer before the whole batch is on the bus (whoever is answered can read what it wrote)…
    expect(answers.every((a) => a.delivered === names.length)).toBe(true);
    // …and the 40 answers in turns of at most 16, so reads that arrive meanwhile are answered in between.
    const perTurn = new Map<number, number>();
    for (const a of answers) perTurn.set(a.turn, (perTurn.get(a.turn) ?? 0) + 1);
    expect(perTurn.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(16);
  });

  it('rejects a business failure without rolling back its neighbours', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('MIX-1'));
    const outcomes = await Promise.allSettled([
      core.call('stock.receive', { sku: 'MIX-1', quantity: 2 }),
      core.call('stock.receive', { sku: 'UNKNOWN-9', quantity: 2 }),
      core.call('stock.receive', { sku: 'MIX-1', quantity: 3 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    expect((await core.call('stock.get', { sku: 'MIX-1' })).onHand).toBe(5);
  });
});
