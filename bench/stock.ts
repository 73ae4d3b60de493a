/**
 * Stock movements per second through the service layer (the same handler every host calls, input
 * parsed by the contract first), against the reference of raw single-row autocommit inserts with
 * the same driver on the same disk.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import sqlite3 from 'sqlite3';
import { openCore, type Core } from '../electron/core/core';
import { contract, type Input } from '../shared/contract';
import { parseInput } from '../shared/validation';
import { closedLoop, int, line, ms, secondsSince, serialLoop, type LoadResult } from './measure';

export type StockBenchOptions = {
  products: number;
  callers: number;
  warmupMs: number;
  durationMs: number;
  referenceMs: number;
};

/** The target for SQLite on a 2-core machine. */
export const TARGET = { perSecond: 5_000, p99Ms: 20 };

export type ServiceResult = LoadResult & {
  setupSeconds: string;
  ledgerOk: boolean;
  movementsInLedger: number;
  /** Distinct transaction timestamps: a lower bound on the number of commits, for the batch size. */
  commitsAtLeast: number;
};

export async function seedProducts(core: Core, count: number): Promise<string[]> {
  const skus = Array.from({ length: count }, (_, i) => `BENCH-${String(i).padStart(6, '0')}`);
  // One transaction for the catalogue: the bench measures stock writes, not product creation.
  await core.queue.exclusive(async (ctx) => {
    for (const sku of skus) {
      const input: Input<'products.create'> = { sku, title: `Bench product ${sku}`, price: '9.99' };
      await core.products.insert(ctx, parseInput(contract['products.create'].input, input));
    }
  });
  return skus;
}

/** 16 callers (by default) each awaiting one `stock.receive` at a time. */
export async function serviceLoad(core: Core, options: StockBenchOptions): Promise<ServiceResult> {
  const t0 = performance.now();
  const skus = await seedProducts(core, options.products);
  const setupSeconds = secondsSince(t0);
  const before = await core.db('movements').count({ n: '*' }).first();
  const receive = core.handlers['stock.receive'];
  const schema = contract['stock.receive'].input;

  const result = await closedLoop({
    callers: options.callers,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    call: (caller, i) => {
      const input: Input<'stock.receive'> = {
        sku: skus[(caller * 7919 + i * 104_729) % skus.length] as string,
        quantity: 1,
        reference: `bench-${caller}-${i}`,
      };
      return receive(parseInput(schema, input));
    },
  });

  const report = await core.checkLedger();
  const after = await core.db('movements').count({ n: '*' }).first();
  const commits = await core.db('movements').countDistinct({ n: 'created_at' }).first();
  return {
    ...result,
    setupSeconds,
    ledgerOk: report.ok,
    movementsInLedger: Number(after?.n ?? 0) - Number(before?.n ?? 0),
    commitsAtLeast: Number(commits?.n ?? 0),
  };
}

function runSql(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}

/** Raw sqlite3: one INSERT per autocommit transaction, same pragmas as the app, one at a time. */
export async function rawSqliteInserts(file: string, durationMs: number): Promise<{ count: number; perSecond: number }> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(d)));
  });
  try {
    await runSql(
      db,
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;' +
        'CREATE TABLE raw_movements (id TEXT PRIMARY KEY, product_id TEXT NOT NULL, quantity INTEGER NOT NULL, reference TEXT, created_at TEXT NOT NULL)',
    );
    const stmt = db.prepare('INSERT INTO raw_movements (id, product_id, quantity, reference, created_at) VALUES (?, ?, ?, ?, ?)');
    const result = await serialLoop(durationMs, (i) => {
      return new Promise<void>((resolve, reject) =>
        stmt.run([randomUUID(), `p${i % 1000}`, 1, `raw-${i}`, new Date().toISOString()], (err) => (err ? reject(err) : resolve())),
      );
    });
    await new Promise<void>((resolve, reject) => stmt.finalize((err) => (err ? reject(err) : resolve())));
    return result;
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** The slice of node-postgres' Client used here (knex hands out the driver's own connection). */
type PgClient = { query(config: { name: string; text: string; values: unknown[] } | string): Promise<unknown> };

/** Raw pg: one INSERT per autocommit transaction on one connection, one at a time, no knex in between. */
export async function rawPgInserts(url: string, durationMs: number): Promise<{ count: number; perSecond: number }> {
  const db = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  const client = (await db.client.acquireConnection()) as PgClient;
  try {
    await client.query(
      'CREATE TABLE raw_movements (id TEXT PRIMARY KEY, product_id TEXT NOT NULL, quantity INTEGER NOT NULL, reference TEXT, created_at TEXT NOT NULL)',
    );
    return await serialLoop(durationMs, (i) =>
      client.query({
        name: 'raw-insert',
        text: 'INSERT INTO raw_movements (id, product_id, quantity, reference, created_at) VALUES ($1, $2, $3, $4, $5)',
        values: [randomUUID(), `p${i % 1000}`, 1, `raw-${i}`, new Date().toISOString()],
      }),
    );
  } finally {
    await db.client.releaseConnection(client);
    await db.destroy();
  }
}

/** A fresh database on the test server, dropped afterwards. */
export async function withTempPgDatabase<T>(adminUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `stockfeed_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.destroy();
  }
}

function printService(result: ServiceResult, options: StockBenchOptions): void {
  line('setup', `${int(options.products)} products in ${result.setupSeconds} s`);
  line('load', `${options.callers} concurrent callers, each awaiting one stock.receive at a time`);
  line('window', `${options.warmupMs / 1000} s warm-up (not counted), then ${result.seconds} s measured`);
  line('acknowledged movements/s', `${int(result.perSecond)}  (${int(result.acknowledged)} in the window)`);
  line('latency ms', `p50 ${ms(result.latency.p50)}  p95 ${ms(result.latency.p95)}  p99 ${ms(result.latency.p99)}  max ${ms(result.latency.max)}`);
  line('CPU per movement', `${int(result.cpuMicrosPerCall)} µs (every thread of the process; less moved by other work than the rate)`);
  if (result.failed > 0) line('FAILED calls', `${int(result.failed)}; first: ${result.firstError ?? ''}`);
  const perCommit = result.commitsAtLeast > 0 ? result.movementsInLedger / result.commitsAtLeast : 0;
  line('group commit', `≈ ${perCommit.toFixed(1)} movements per transaction (${int(result.commitsAtLeast)} transactions or more)`);
  line('ledger check', `${result.ledgerOk ? 'ok' : 'MISMATCH'}; ${int(result.movementsInLedger)} movements written in total`);
}

function printVerdict(result: ServiceResult, rawPerSecond: number, label: string): void {
  line(`reference: raw ${label}`, `${int(rawPerSecond)} rows/s (one INSERT per autocommit transaction)`);
  line('ratio service ÷ raw', `${(result.perSecond / rawPerSecond).toFixed(2)}×`);
}

export async function benchStockSqlite(dir: string, options: StockBenchOptions): Promise<ServiceResult> {
  console.log('\n[stock:sqlite] stock movements through the service layer — SQLite (WAL, synchronous=FULL)');
  const coreDir = path.join(dir, 'service');
  const core = await openCore({ dataDir: coreDir, expirySweepMs: 0 });
  let result: ServiceResult;
  try {
    result = await serviceLoad(core, options);
  } finally {
    await core.close();
  }
  printService(result, options);
  const raw = await rawSqliteInserts(path.join(dir, 'raw.sqlite'), options.referenceMs);
  printVerdict(result, raw.perSecond, 'sqlite3');
  const met = result.perSecond >= TARGET.perSecond && result.latency.p99 < TARGET.p99Ms;
  line(
    'target',
    `≥ ${int(TARGET.perSecond)} movements/s and p99 < ${TARGET.p99Ms} ms → ${met ? 'MET' : 'NOT MET'}`,
  );
  fs.rmSync(coreDir, { recursive: true, force: true });
  return result;
}

export async function benchStockPg(dir: string, adminUrl: string, options: StockBenchOptions): Promise<ServiceResult> {
  console.log('\n[stock:pg] stock movements through the service layer — PostgreSQL (STOCKFEED_TEST_PG_URL)');
  const result = await withTempPgDatabase(adminUrl, async (url) => {
    const core = await openCore({ dataDir: path.join(dir, 'pg-service'), databaseUrl: url, expirySweepMs: 0 });
    try {
      return await serviceLoad(core, options);
    } finally {
      await core.close();
      fs.rmSync(core.dataDir, { recursive: true, force: true });
    }
  });
  printService(result, options);
  const raw = await withTempPgDatabase(adminUrl, (url) => rawPgInserts(url, options.referenceMs));
  printVerdict(result, raw.perSecond, 'pg');
  line('target', `(set for SQLite; shown for comparison) p99 < ${TARGET.p99Ms} ms → ${result.latency.p99 < TARGET.p99Ms ? 'yes' : 'no'}`);
  return result;
}
