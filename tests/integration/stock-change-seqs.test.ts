/**
 * Issue 17 (stock speed): on SQLite a stock batch's change-log append runs in the same call as its
 * stock writes, with the sequence numbers written out from the number read in the batch's first
 * select (changes/change-log.ts NEXT_SEQ_SQLITE, inlineAppendSqlite). What that relies on, tested
 * here: the numbers stay gapless and in commit order when another process writes the same file
 * between batches (or deleted the newest entries), a batch whose write call fails leaves nothing
 * of itself, and a process killed mid-batch leaves whole batches only.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import sqlite3 from 'sqlite3';
import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { num } from '../../electron/core/util/db-helpers';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';

const CHILD = path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/stock/receive-child.ts');
const SKUS = 4;

type Child = ChildProcessByStdio<null, Readable, null>;

/** Starts the receiving child on the core's data folder; resolves once its core is open. */
async function startChild(core: TestCore, batches: number): Promise<{ child: Child; lines: string[]; exited: Promise<NodeJS.Signals | number | null> }> {
  const env = { ...process.env, DATABASE_URL: core.config.kind === 'pg' ? core.config.url : '' };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, core.dataDir, String(batches), String(SKUS)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const lines: string[] = [];
  let rest = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (line === 'ready') resolve();
        else lines.push(line);
      }
    });
    void exited.then((how) => reject(new Error(`the child exited (${String(how)}) before it was ready`)));
  });
  return { child, lines, exited };
}

/**
 * The log is whole: numbers strictly increasing (gapless on SQLite: AUTOINCREMENT in one writer
 * at a time; PostgreSQL's sequence may skip a number a rolled-back transaction took), every
 * movement carries the number of the stock.changed entry naming it and the other way round, and
 * the stock levels and totals equal the ledger.
 */
async function expectWholeLog(db: Knex, engine: Engine, checkLedger: () => Promise<{ ok: boolean }>): Promise<number[]> {
  const changes = (await db('changes').select('seq', 'type', 'payload').orderBy('seq')) as Array<{ seq: unknown; type: string; payload: string }>;
  const seqs = changes.map((c) => num(c.seq as number));
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
  if (engine === 'sqlite') expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  const named = new Map<string, number>();
  for (const c of changes) {
    if (c.type !== 'stock.changed') continue;
    for (const id of (JSON.parse(c.payload) as { movementIds: string[] }).movementIds) named.set(id, num(c.seq as number));
  }
  const movements = (await db('movements').select('id', 'seq')) as Array<{ id: string; seq: unknown }>;
  expect(new Map(movements.map((m) => [m.id, num(m.seq as number)]))).toEqual(named);
  expect((await checkLedger()).ok).toBe(true);
  return seqs;
}

/** A second connection to the same file, as another process (the CLI, a second server) has. */
async function otherConnection(file: string): Promise<{ exec(sql: string): Promise<void>; close(): Promise<void> }> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(d)));
  });
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
  await exec('PRAGMA busy_timeout = 10000');
  return { exec, close: () => new Promise<void>((resolve) => db.close(() => resolve())) };
}

const ENTRY_SQL = `INSERT INTO changes (type, product_id, sku, payload, created_at) VALUES ('product.updated', NULL, NULL, '{}', '2026-01-01T00:00:00.000Z')`;

describe('a SQLite stock batch appends to the change log in its write call', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('makes three calls: BEGIN, the read, and the writes with the append and COMMIT (no append of its own)', async () => {
    core = await startCore('sqlite');
    for (let i = 0; i < SKUS; i++) await core.call('products.create', productInput(`SEQ-${i}`));
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    core.db.on('query', onQuery);
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => core!.call('stock.receive', { sku: `SEQ-${i % SKUS}`, quantity: 1 })));
    core.db.off('query', onQuery);
    expect(statements.filter((s) => /\bBEGIN IMMEDIATE\b/i.test(s))).toHaveLength(1);
    expect(statements).toHaveLength(3);
    // The append is the write call's first statement, and COMMIT its last (write-queue.ts CommitWith).
    const writes = statements[2] as string;
    expect(writes).toMatch(/^INSERT OR ROLLBACK INTO changes /);
    expect(writes).toMatch(/;\s*COMMIT;$/);
    expect(statements.filter((s) => /insert (or rollback )?into [`"]?changes/i.test(s))).toEqual([writes]);
    // The answers' numbers are the entries' own.
    const seqs = await expectWholeLog(core.db, 'sqlite', () => core!.checkLedger());
    expect(answers.map((a) => a.seq).every((s) => seqs.includes(s))).toBe(true);
    expect(new Set(answers.map((a) => a.seq)).size).toBe(16);
  });

  it('keeps the numbers gapless and in commit order while another process writes the same file', async () => {
    core = await startCore('sqlite');
    for (let i = 0; i < SKUS; i++) await core.call('products.create', productInput(`SEQ-${i}`));
    const other = await otherConnection(path.join(core.dataDir, 'stockfeed.sqlite'));
    const { child, lines, exited } = await startChild(core, 30);
    try {
      const answered: Array<[string, number]> = [];
      // This process's batches, a second process's batches and a third writer's single entries
      // (each in a BEGIN IMMEDIATE of its own) interleave on the one file.
      for (let b = 0; b < 30; b++) {
        const batch = Promise.all(
          Array.from({ length: 16 }, async (_, i): Promise<[string, number]> => {
            const reference = `parent-${b}-${i}`;
            return [reference, (await core!.call('stock.receive', { sku: `SEQ-${(b + i) % SKUS}`, quantity: 1, reference })).seq];
          }),
        );
        await other.exec(`BEGIN IMMEDIATE; ${ENTRY_SQL}; COMMIT`);
        answered.push(...(await batch));
      }
      expect(await exited).toBe(0);
      for (const line of lines) answered.push(...(JSON.parse(line) as Array<[string, number]>));
      expect(answered).toHaveLength(30 * 16 * 2);

      await expectWholeLog(core.db, 'sqlite', () => core!.checkLedger());
      // Each caller was answered with the number its movement and entry were stored under.
      const stored = (await core.db('movements').select('reference', 'seq')) as Array<{ reference: string; seq: unknown }>;
      const byReference = new Map(stored.map((m) => [m.reference, num(m.seq as number)]));
      for (const [reference, seq] of answered) expect(byReference.get(reference), reference).toBe(seq);
      // The other writer's 30 entries are in the log too, between the batches.
      expect(await core.db('changes').where({ type: 'product.updated' }).count({ n: '*' }).first()).toEqual({ n: 30 });
    } finally {
      child.kill('SIGKILL');
      await other.close();
    }
  }, 120_000);

  it('never hands out again a number whose entry another process deleted', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('SEQ-0'));
    const first = await core.call('stock.receive', { sku: 'SEQ-0', quantity: 1 });
    const other = await otherConnection(path.join(core.dataDir, 'stockfeed.sqlite'));
    const top = first.seq + 3; // the receive's availability.changed entry and the other process's two
    try {
      await other.exec(`BEGIN IMMEDIATE; ${ENTRY_SQL}; ${ENTRY_SQL}; COMMIT`);
      expect(num(((await core.db('changes').max({ top: 'seq' }).first()) as { top: number }).top)).toBe(top);
      await other.exec(`DELETE FROM changes WHERE seq > ${first.seq}`);
    } finally {
      await other.close();
    }
    const next = await core.call('stock.receive', { sku: 'SEQ-0', quantity: 1 });
    expect(top).toBeGreaterThan(first.seq + 1);
    expect(next.seq).toBe(top + 1);
    const sequence = (await core.db('sqlite_sequence').where({ name: 'changes' }).first('seq')) as { seq: number };
    const entries = (await core.db('changes').where('seq', '>', first.seq).orderBy('seq')) as Array<{ seq: number }>;
    // After the numbers the deleted entries had: AUTOINCREMENT's own rule, kept by the inline append.
    expect(entries.map((e) => num(e.seq))[0]).toBe(next.seq);
    expect(sequence.seq).toBeGreaterThanOrEqual(next.seq);
  });

  it('leaves nothing of a batch whose write call fails after its append, and numbers the next batch from where the log stands', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('SEQ-0'));
    await core.call('stock.receive', { sku: 'SEQ-0', quantity: 5 });
    const before = await core.db('changes').max({ seq: 'seq' }).first();
    // The movements' insert is the last statement of the call, after the change log's and the levels'.
    await core.db.raw("CREATE TRIGGER fail_movement BEFORE INSERT ON movements WHEN NEW.reference = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END");
    await expect(core.call('stock.receive', { sku: 'SEQ-0', quantity: 3, reference: 'boom' })).rejects.toThrow('boom');
    expect(await core.db('changes').max({ seq: 'seq' }).first()).toEqual(before);
    expect((await core.call('stock.get', { sku: 'SEQ-0' })).onHand).toBe(5);
    const totals = (await core.db('products').where({ sku: 'SEQ-0' }).first('total_on_hand')) as { total_on_hand: number };
    expect(num(totals.total_on_hand)).toBe(5);
    // A batch with the failing operation in it: the others still go through (each alone), numbered on.
    const results = await Promise.allSettled([
      core.call('stock.receive', { sku: 'SEQ-0', quantity: 1, reference: 'fine-1' }),
      core.call('stock.receive', { sku: 'SEQ-0', quantity: 1, reference: 'boom' }),
      core.call('stock.receive', { sku: 'SEQ-0', quantity: 1, reference: 'fine-2' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await core.call('stock.get', { sku: 'SEQ-0' })).onHand).toBe(7);
    await expectWholeLog(core.db, 'sqlite', () => core!.checkLedger());
  });

  it('refuses a batch whose BEGIN IMMEDIATE cannot take the write lock, runs nothing of it, and writes on once the lock is free', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('SEQ-0'));
    await core.call('stock.receive', { sku: 'SEQ-0', quantity: 5 });
    const before = await core.db('changes').max({ seq: 'seq' }).first();
    // BEGIN goes straight to the connection (db/sqlite-client.ts); it waits busy_timeout, then fails.
    await core.db.raw('PRAGMA busy_timeout = 50');
    const other = await otherConnection(path.join(core.dataDir, 'stockfeed.sqlite'));
    try {
      await other.exec('BEGIN IMMEDIATE');
      await expect(core.call('stock.receive', { sku: 'SEQ-0', quantity: 3, reference: 'locked out' })).rejects.toThrow(/SQLITE_BUSY|database is locked/);
      await other.exec('ROLLBACK');
      // The connection went back to the pool in no transaction: the next write commits by itself.
      expect((await core.call('stock.receive', { sku: 'SEQ-0', quantity: 2 })).seq).toBeGreaterThan(Number((before as { seq: number }).seq));
      expect((await core.call('stock.get', { sku: 'SEQ-0' })).onHand).toBe(7);
      expect(await core.db('movements').where({ reference: 'locked out' }).first()).toBeUndefined();
    } finally {
      await other.close();
    }
    await expectWholeLog(core.db, 'sqlite', () => core!.checkLedger());
  });
});

describe.each(engines())('a process killed mid-batch on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('leaves whole batches only: every entry with its movements, stock equal to the ledger', async () => {
    core = await startCore(engine);
    for (let i = 0; i < SKUS; i++) await core.call('products.create', productInput(`SEQ-${i}`));
    // The child writes alone (this process's core stays open, idle, as a second server's would).
    const { child, lines, exited } = await startChild(core, 0);
    // Killed after a random number of batches, at a random moment inside one.
    const after = 5 + Math.floor(Math.random() * 20);
    while (lines.length < after) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const answered = lines.flatMap((line) => JSON.parse(line) as Array<[string, number]>);

    await expectWholeLog(core.db, engine, () => core!.checkLedger());
    // Every answered write survived the kill, under the number it was answered with.
    const stored = (await core.db('movements').select('reference', 'seq')) as Array<{ reference: string; seq: unknown }>;
    const byReference = new Map(stored.map((m) => [m.reference, num(m.seq as number)]));
    for (const [reference, seq] of answered) expect(byReference.get(reference), reference).toBe(seq);
    // And the log goes on from there.
    const next = await core.call('stock.receive', { sku: 'SEQ-0', quantity: 1 });
    expect(next.seq).toBeGreaterThan(Math.max(0, ...stored.map((m) => num(m.seq as number))));
    await expectWholeLog(core.db, engine, () => core!.checkLedger());
  }, 120_000);
});
