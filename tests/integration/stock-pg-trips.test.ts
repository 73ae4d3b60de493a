/**
 * Issues 17 and 20 (stock writes on PostgreSQL): a group-commit batch of stock movements runs
 * four statements on PostgreSQL: BEGIN with the writer lock (one simple query), the batch's read
 * (which also reads the change log's next number), one statement writing the change log, levels,
 * totals and movements and announcing the commit, and COMMIT. It made ten. The read goes out
 * behind BEGIN without waiting for its answer (pipeline mode), so the four are three round trips:
 * pg-write-transaction.test.ts tests that. What that relies on,
 * tested here: the numbers stay gapless and in commit order while a second server writes the same
 * database (and an older writer appends with the column's own sequence), a batch whose write
 * statement fails leaves nothing of itself, and every server hears every change in order.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import { openCore } from '../../electron/core/core';
import { num } from '../../electron/core/util/db-helpers';
import type { Change } from '../../shared/schemas/changes';
import { contract } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { productInput, startCore, tempDir, type TestCore } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const skip = skipWithout('postgresql', 'stock batches on PostgreSQL');
const CHILD = path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/stock/receive-child.ts');
const SKUS = 4;
/** write-queue.ts WRITER_LOCK_KEY: what every writer of the database takes before it writes. */
const WRITER_LOCK_KEY = 0x5f0c_feed;

type Trip = { tx: string | undefined; text: string; name: string | undefined };

/** Every query sent to PostgreSQL by any connection of this process, with the knex transaction it ran in. */
async function recordTrips(db: Knex): Promise<{ trips: Trip[]; stop(): void }> {
  const trips: Trip[] = [];
  // node-postgres' Client, as the pool hands it out (knex passes every query to its query()).
  const connection = (await db.client.acquireConnection()) as object;
  await db.client.releaseConnection(connection);
  const proto = Object.getPrototypeOf(connection) as { query: (this: { __knexTxId?: string }, config: unknown, ...rest: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: { __knexTxId?: string }, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '');
    trips.push({ tx: this.__knexTxId, text, name: typeof config === 'string' ? undefined : (config as { name?: string } | null)?.name });
    return original.call(this, config, ...rest);
  };
  return { trips, stop: () => (proto.query = original) };
}

/** The numbers strictly increasing and gapless, each movement under its stock.changed entry's number, stock equal to the ledger. */
async function expectWholeLog(db: Knex, checkLedger: () => Promise<{ ok: boolean }>): Promise<number[]> {
  const changes = (await db('changes').select('seq', 'type', 'payload').orderBy('seq')) as Array<{ seq: unknown; type: string; payload: string }>;
  const seqs = changes.map((c) => num(c.seq as number));
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
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

describe.skipIf(skip)(titled('a stock batch on PostgreSQL', skip), () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('runs four statements: BEGIN with the writer lock, the read, one write statement that also announces the commit, COMMIT', async () => {
    core = await startCore('pg');
    for (let i = 0; i < SKUS; i++) await core.call('products.create', productInput(`TRIP-${i}`));
    const heard: Change[] = [];
    core.bus.subscribe((changes) => heard.push(...changes));
    const recorder = await recordTrips(core.db);
    let answers;
    try {
      answers = await Promise.all(Array.from({ length: 16 }, (_, i) => core!.call('stock.receive', { sku: `TRIP-${i % SKUS}`, quantity: 1 + i })));
    } finally {
      recorder.stop();
    }
    // The batch's transaction: the one that wrote the movements.
    const tx = recorder.trips.find((t) => /movements/i.test(t.text) && /insert/i.test(t.text))?.tx;
    expect(tx).toBeDefined();
    const batch = recorder.trips.filter((t) => t.tx === tx);
    const trips = batch.map((t) => t.text);
    expect(trips, trips.join('\n---\n')).toHaveLength(4);
    expect(trips[0]).toMatch(/^BEGIN;\s*SELECT pg_advisory_xact_lock/i);
    expect(trips[3]).toMatch(/^COMMIT/i);
    // One batch (16 answers), one statement for the change log, levels, totals, movements and NOTIFY.
    expect(trips[2]).toMatch(/insert into changes/i);
    expect(trips[2]).toMatch(/pg_notify/i);
    // The read and the write are prepared statements of their connection (parsed and planned once).
    expect(batch.map((t) => t.name)).toEqual([undefined, 'stockfeed_stock_read_sku', 'stockfeed_stock_write_01110', undefined]);
    const seqs = await expectWholeLog(core.db, () => core!.checkLedger());
    expect(new Set(answers.map((a) => a.seq)).size).toBe(16);
    expect(answers.every((a) => seqs.includes(a.seq))).toBe(true);
    // Each answer's stock is what was received: 1 + 2 + … per SKU, in the order the callers came.
    const onHand = await Promise.all(Array.from({ length: SKUS }, (_, i) => core!.call('stock.get', { sku: `TRIP-${i}` })));
    expect(onHand.map((s) => s.onHand)).toEqual([1 + 5 + 9 + 13, 2 + 6 + 10 + 14, 3 + 7 + 11 + 15, 4 + 8 + 12 + 16]);
    // The bus delivered the batch's entries, in order, once each.
    await new Promise((r) => setTimeout(r, 50));
    expect(heard.map((c) => c.seq)).toEqual(seqs.slice(seqs.length - heard.length));
    expect(heard.length).toBeGreaterThanOrEqual(16);
  });

  it('writes reservations and idempotency keys in the same statement: five statements with the read of stored keys, and a retried key gets the stored answer', async () => {
    core = await startCore('pg');
    for (let i = 0; i < SKUS; i++) await core.call('products.create', productInput(`KEY-${i}`));
    await Promise.all(Array.from({ length: SKUS }, (_, i) => core!.call('stock.receive', { sku: `KEY-${i}`, quantity: 50 })));
    const recorder = await recordTrips(core.db);
    let answers;
    try {
      answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => core!.call('reservations.create', { sku: `KEY-${i % SKUS}`, quantity: 2, reference: `order-${i}`, idempotencyKey: `key-${i}` })),
      );
    } finally {
      recorder.stop();
    }
    const tx = recorder.trips.find((t) => /insert into reservations/i.test(t.text))?.tx;
    expect(tx).toBeDefined();
    const batch = recorder.trips.filter((t) => t.tx === tx);
    // BEGIN with the lock, the products, the stored keys, the one write, COMMIT (thirteen before).
    expect(batch.map((t) => t.text), batch.map((t) => t.text).join('\n---\n')).toHaveLength(5);
    expect(batch[2]?.text).toMatch(/idempotency_keys/);
    expect(batch[3]?.name).toBe('stockfeed_stock_write_11101');
    expect(batch[3]?.text).toMatch(/insert into reservations[\s\S]*insert into idempotency_keys/i);
    // The stored answers are the callers' own, numbers included.
    const again = await Promise.all(
      Array.from({ length: 12 }, (_, i) => core!.call('reservations.create', { sku: `KEY-${i % SKUS}`, quantity: 2, reference: `order-${i}`, idempotencyKey: `key-${i}` })),
    );
    expect(again).toEqual(answers);
    expect(new Set(answers.map((a) => a.seq)).size).toBe(12);
    const committed = await Promise.all(Array.from({ length: SKUS }, (_, i) => core!.call('stock.get', { sku: `KEY-${i}` })));
    expect(committed.map((s) => s.committed)).toEqual([6, 6, 6, 6]);
    // Fulfilled in one batch: the reservations change status and the sales name them, in one statement.
    const fulfilled = await Promise.all(answers.map((a) => core!.call('reservations.fulfil', { id: a.id })));
    expect(fulfilled.every((f) => f.status === 'fulfilled')).toBe(true);
    const after = await Promise.all(Array.from({ length: SKUS }, (_, i) => core!.call('stock.get', { sku: `KEY-${i}` })));
    expect(after.map((s) => [s.onHand, s.committed])).toEqual(Array.from({ length: SKUS }, () => [44, 0]));
    await expectWholeLog(core.db, () => core!.checkLedger());
  });

  it('keeps the numbers gapless and in commit order while a second server and an older writer append to the same database', async () => {
    core = await startCore('pg');
    for (let i = 0; i < SKUS; i++) await core.call('products.create', productInput(`SEQ-${i}`));
    const url = core.config.kind === 'pg' ? core.config.url : '';
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, tempDir(), '30', String(SKUS)], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines: string[] = [];
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l !== 'ready'));
    });
    // An older writer: takes the writer lock and appends with the seq column's own sequence.
    const older = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    try {
      const answered: Array<[string, number]> = [];
      for (let b = 0; b < 30; b++) {
        const batch = Promise.all(
          Array.from({ length: 16 }, async (_, i): Promise<[string, number]> => {
            const reference = `parent-${b}-${i}`;
            return [reference, (await core!.call('stock.receive', { sku: `SEQ-${(b + i) % SKUS}`, quantity: 1, reference })).seq];
          }),
        );
        await older.transaction(async (trx) => {
          await trx.raw('SELECT pg_advisory_xact_lock(?)', [WRITER_LOCK_KEY]);
          await trx.raw("INSERT INTO changes (type, product_id, sku, payload, created_at) VALUES ('product.updated', NULL, NULL, '{}', '2026-01-01T00:00:00.000Z')");
        });
        answered.push(...(await batch));
      }
      expect(await exited).toBe(0);
      for (const line of lines) answered.push(...(JSON.parse(line) as Array<[string, number]>));
      expect(answered).toHaveLength(30 * 16 * 2);
      await expectWholeLog(core.db, () => core!.checkLedger());
      const stored = (await core.db('movements').select('reference', 'seq')) as Array<{ reference: string; seq: unknown }>;
      const byReference = new Map(stored.map((m) => [m.reference, num(m.seq as number)]));
      for (const [reference, seq] of answered) expect(byReference.get(reference), reference).toBe(seq);
      expect(num(((await core.db('changes').where({ type: 'product.updated' }).count({ n: '*' }).first()) as { n: number }).n)).toBe(30);
    } finally {
      child.kill('SIGKILL');
      await older.destroy();
    }
  }, 120_000);

  it('leaves nothing of a batch whose write statement fails, and numbers the next batch from where the log stands', async () => {
    core = await startCore('pg');
    await core.call('products.create', productInput('SEQ-0'));
    await core.call('stock.receive', { sku: 'SEQ-0', quantity: 5 });
    const before = await core.db('changes').max({ seq: 'seq' }).first();
    await core.db.raw(
      "CREATE FUNCTION fail_movement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.reference = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$",
    );
    await core.db.raw('CREATE TRIGGER fail_movement BEFORE INSERT ON movements FOR EACH ROW EXECUTE FUNCTION fail_movement()');
    await expect(core.call('stock.receive', { sku: 'SEQ-0', quantity: 3, reference: 'boom' })).rejects.toThrow('boom');
    expect(await core.db('changes').max({ seq: 'seq' }).first()).toEqual(before);
    expect((await core.call('stock.get', { sku: 'SEQ-0' })).onHand).toBe(5);
    const totals = (await core.db('products').where({ sku: 'SEQ-0' }).first('total_on_hand')) as { total_on_hand: unknown };
    expect(num(totals.total_on_hand as number)).toBe(5);
    const results = await Promise.allSettled([
      core.call('stock.receive', { sku: 'SEQ-0', quantity: 1, reference: 'fine-1' }),
      core.call('stock.receive', { sku: 'SEQ-0', quantity: 1, reference: 'boom' }),
      core.call('stock.receive', { sku: 'SEQ-0', quantity: 1, reference: 'fine-2' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await core.call('stock.get', { sku: 'SEQ-0' })).onHand).toBe(7);
    // An entry appended the other way (a product's change, through the seq column's sequence) follows on.
    await core.call('products.create', productInput('SEQ-1'));
    await expectWholeLog(core.db, () => core!.checkLedger());
  });

  it('tells every server of every change, in order, while two servers write stock at once', async () => {
    core = await startCore('pg');
    for (let i = 0; i < SKUS; i++) await core.call('products.create', productInput(`TWO-${i}`));
    const url = core.config.kind === 'pg' ? core.config.url : '';
    const dir = tempDir();
    const second = await openCore({ dataDir: dir, databaseUrl: url, expirySweepMs: 0, backups: { checkEveryMs: 0 } });
    try {
      const seenA: number[] = [];
      const seenB: number[] = [];
      core.bus.subscribe((changes) => seenA.push(...changes.map((c) => c.seq)));
      second.bus.subscribe((changes) => seenB.push(...changes.map((c) => c.seq)));
      const receiveB = second.handlers['stock.receive'];
      for (let b = 0; b < 10; b++) {
        await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            i % 2 === 0
              ? core!.call('stock.receive', { sku: `TWO-${i % SKUS}`, quantity: 1 })
              : receiveB(parseInput(contract['stock.receive'].input, { sku: `TWO-${i % SKUS}`, quantity: 1 })),
          ),
        );
      }
      const seqs = await expectWholeLog(core.db, () => core!.checkLedger());
      const last = seqs[seqs.length - 1] as number;
      const deadline = Date.now() + 10_000;
      while ((seenA[seenA.length - 1] !== last || seenB[seenB.length - 1] !== last) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const seen of [seenA, seenB]) {
        const first = seen[0] as number;
        expect(seen).toEqual(seqs.filter((s) => s >= first));
      }
      const onHand = await Promise.all(Array.from({ length: SKUS }, (_, i) => core!.call('stock.get', { sku: `TWO-${i}` })));
      expect(onHand.reduce((sum, s) => sum + s.onHand, 0)).toBe(160);
    } finally {
      await second.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
  it('stores text as a bound value would: a lone surrogate in a reason as U+FFFD, an escaped backslash as itself', async () => {
    core = await startCore('pg');
    await core.call('products.create', productInput('TEXT-0'));
    const reason = 'half a pair \ud800, a backslash then u: \\ud800, a pair 😀, quotes "\'"';
    await core.call('stock.adjust', { sku: 'TEXT-0', quantity: 2, reason });
    const stored = (await core.db('movements').first('reason')) as { reason: string };
    // What knex stored for the same text through a bound parameter (node writes a lone surrogate as U+FFFD).
    const bound = ((await core.db.raw('SELECT ?::text AS t', [reason])) as { rows: Array<{ t: string }> }).rows[0]?.t;
    expect(stored.reason).toBe(bound);
    expect(stored.reason).toBe('half a pair \ufffd, a backslash then u: \\ud800, a pair 😀, quotes "\'"');
  });

  it('answers a writer lock that could not be taken (lock_timeout) with an error, and leaves the connection in no transaction', async () => {
    core = await startCore('pg');
    await core.call('products.create', productInput('LOCK-0'));
    const url = core.config.kind === 'pg' ? core.config.url : '';
    const name = new URL(url).pathname.slice(1);
    await core.db.raw(`ALTER DATABASE ${name} SET lock_timeout = '200ms'`);
    const dir = tempDir();
    // A server whose connections have the timeout, with one connection: the next write gets the same one.
    const impatient = await openCore({ dataDir: dir, databaseUrl: url, expirySweepMs: 0, backups: { checkEveryMs: 0 } });
    const holder = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    const receive = (quantity: number) => impatient.handlers['stock.receive'](parseInput(contract['stock.receive'].input, { sku: 'LOCK-0', quantity }));
    try {
      await receive(1);
      let release: () => void = () => undefined;
      const held = holder.transaction(async (trx) => {
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [WRITER_LOCK_KEY]);
        await new Promise<void>((resolve) => (release = resolve));
      });
      await new Promise((r) => setTimeout(r, 100));
      await expect(receive(2)).rejects.toThrow(/lock timeout/i);
      release();
      await held;
      // Every connection of the pool is usable again: writes and reads go through, nothing of the failed one stayed.
      await Promise.all([receive(4), receive(8)]);
      expect((await impatient.handlers['stock.get'](parseInput(contract['stock.get'].input, { sku: 'LOCK-0' }))).onHand).toBe(13);
      await expectWholeLog(core.db, () => core!.checkLedger());
    } finally {
      await holder.destroy();
      await impatient.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
