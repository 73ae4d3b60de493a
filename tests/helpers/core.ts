/**
 * Opens a real core on a temporary data folder: SQLite by default, or PostgreSQL on a fresh
 * database created for the test file when the engine is 'pg'.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { openCore, type Core, type CoreOptions } from '../../electron/core/core';
import { contract, type Input, type OperationName, type Output } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { skipWithout } from './system-services';

export type Engine = 'sqlite' | 'pg';

/** Admin URL of the test PostgreSQL server (CI starts one on 127.0.0.1). */
export const PG_ADMIN_URL = process.env.STOCKFEED_TEST_PG_URL ?? '';

/**
 * Engines the integration suites run on: PostgreSQL too when a server is configured. Without one
 * the PostgreSQL runs are skipped outside CI and named in npm test's summary; in CI they are
 * mandatory (see system-services.ts).
 */
export function engines(): Engine[] {
  return skipWithout('postgresql', 'the PostgreSQL runs of the integration suites') === null ? ['sqlite', 'pg'] : ['sqlite'];
}

export function tempDir(prefix = 'stockfeed-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A fresh PostgreSQL database on the test server; with `template`, a copy of that database (which
 * nobody may be connected to while it is copied).
 */
export async function createPgDatabase(template?: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `stockfeed_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
  await admin.raw(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const a = knexFactory({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
      await a.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.destroy();
    },
  };
}

export type TestCore = Core & {
  /** Calls an operation the way every host does: input parsed by the contract first. */
  call<K extends OperationName>(op: K, input: Input<K>): Promise<Output<K>>;
  cleanup(): Promise<void>;
};

export async function startCore(engine: Engine, options: Partial<CoreOptions> = {}): Promise<TestCore> {
  const dataDir = options.dataDir ?? tempDir();
  const pg = engine === 'pg' ? await createPgDatabase() : undefined;
  // No daily backup or pruning behind a test's back; the suites that test them call runDailyTasks.
  const core = await openCore({ dataDir, databaseUrl: pg?.url, expirySweepMs: 0, backups: { checkEveryMs: 0 }, ...options });
  const call = async <K extends OperationName>(op: K, input: Input<K>) =>
    (core.handlers[op] as (i: unknown) => Promise<Output<K>>)(parseInput(contract[op].input, input));
  return Object.assign(core, {
    call,
    async cleanup() {
      await core.close();
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** How many rows `table` holds (PostgreSQL counts come back as strings). */
export async function rowCount(core: Core, table: string): Promise<number> {
  return Number(((await core.db(table).count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n);
}

/** The change log's last sequence number, 0 when it is empty. */
export async function lastSeq(core: Core): Promise<number> {
  return Number(((await core.db('changes').max({ seq: 'seq' })) as Array<{ seq: unknown }>)[0]?.seq ?? 0);
}

/** A minimal valid product for tests that only care about stock. */
export function productInput(sku: string, extra: Partial<Input<'products.create'>> = {}): Input<'products.create'> {
  return { sku, title: `Product ${sku}`, price: '9.99', ...extra };
}
