/**
 * Security regression (issue 12, "faults get a clear answer"): a database that is not SQLite, is
 * damaged, cannot be opened or is read-only stops every host at start with one sentence naming the
 * file and the fix, a non-zero exit and no stack trace; the server never listens, so /health never
 * says ok while every request would fail. PostgreSQL connection failures get one line each, without
 * the password.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { StartupError } from '../../electron/core/db/open-database';
import { PG_ADMIN_URL, productInput, startCore, tempDir } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';
import { freePort } from '../helpers/sshd';
import { mountTmpfs } from '../helpers/tmpfs';

const ROOT = path.resolve('.');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const isRoot = process.getuid?.() === 0;
/** The user the permission cases run as: as root, permission bits do not apply, so "nobody". */
const NOBODY = 65534;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = tempDir('stockfeed-startup-');
  dirs.push(dir);
  return dir;
}

type HostRun = { code: number | null; stdout: string; stderr: string; listened: boolean; healthAnswered: boolean };

/**
 * Runs the real headless server on a fixed port. If it ever starts listening, /health is asked
 * (the bug this guards against: a server that says ok while every request fails), then it is stopped.
 */
async function runServer(data: string, options: { env?: NodeJS.ProcessEnv; uid?: number } = {}): Promise<HostRun> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!options.env?.DATABASE_URL) delete env.DATABASE_URL;
  const spawnOptions: SpawnOptions = { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] };
  if (options.uid !== undefined) Object.assign(spawnOptions, { uid: options.uid, gid: options.uid, env: { ...env, HOME: data } });
  const child = spawn(TSX, ['electron/server/main.ts', '--data', data, '--port', String(port)], spawnOptions);
  let stdout = '';
  let stderr = '';
  let listened = false;
  let healthAnswered = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!listened && stdout.includes('listening on')) {
      listened = true;
      void fetch(`http://127.0.0.1:${port}/api/v1/health`)
        .then((res) => {
          healthAnswered = res.ok;
        })
        .catch(() => undefined)
        .finally(() => child.kill('SIGTERM'));
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const refused = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
    () => false,
    () => true,
  );
  return { code, stdout, stderr, listened: listened || !refused, healthAnswered };
}

function runCli(data: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const result = spawnSync(TSX, ['electron/cli/main.ts', ...args, '--data', data], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** One clear sentence: no "    at file:line" frames, no knex pool dump. */
function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('Acquire connection error');
}

function expectStoppedWith(run: HostRun, message: RegExp): void {
  expect(run.listened, `the server listened:\n${run.stdout}`).toBe(false);
  expect(run.healthAnswered).toBe(false);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^Stockfeed could not start: /);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expectNoStackTrace(run.stderr + run.stdout);
}

function sqliteAll(file: string, sql: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (openError) => {
      if (openError) return reject(openError);
      db.all(sql, (error, rows: Array<Record<string, unknown>>) => {
        db.close();
        if (error) reject(error);
        else resolve(rows);
      });
    });
  });
}

/** A real Stockfeed database with a few hundred products, closed cleanly (no WAL left). */
async function realDatabase(data: string): Promise<string> {
  const core = await startCore('sqlite', { dataDir: data });
  await Promise.all(Array.from({ length: 300 }, (_, i) => core.call('products.create', productInput(`DAMAGE-${i}`, { description: 'x'.repeat(200) }))));
  await core.close();
  const file = path.join(data, 'stockfeed.sqlite');
  expect(fs.existsSync(`${file}-wal`)).toBe(false);
  return file;
}

/**
 * Damages the products table (garbage over its root page), a table nothing reads at start: the
 * database still opens and migrates, so only an integrity check finds the damage before requests do.
 */
async function damage(file: string): Promise<void> {
  const [{ page_size: pageSize }] = (await sqliteAll(file, 'PRAGMA page_size')) as [{ page_size: number }];
  const [{ rootpage }] = (await sqliteAll(file, "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'products'")) as [{ rootpage: number }];
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  fs.closeSync(fd);
  // The damage is of the kind that lets the database open: without the check, start would succeed.
  expect(await sqliteAll(file, 'SELECT count(*) AS n FROM knex_migrations')).toHaveLength(1);
}

/** Whether the server can run as "nobody" (the checkout must be readable by that user). */
function canRunAsNobody(): string | null {
  if (!isRoot) return null;
  const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(path.join(ROOT, 'electron/server/main.ts'))})`], {
    uid: NOBODY,
    gid: NOBODY,
  });
  return probe.status === 0 ? null : 'the checkout is not readable by the user "nobody", so permissions cannot be tested as root';
}

describe('a bad SQLite database stops the start with one clear message', () => {
  it('a file that is not a SQLite database: the server exits 1, names the file and says to restore a backup', async () => {
    const data = dataDir();
    const file = path.join(data, 'stockfeed.sqlite');
    fs.writeFileSync(file, 'these are my notes, not a database\n');
    const run = await runServer(data);
    expectStoppedWith(run, new RegExp(`${escape(file)} is not a SQLite database.*restore a backup`, 'i'));
    // Left as it was: nothing overwrote the owner's file.
    expect(fs.readFileSync(file, 'utf8')).toBe('these are my notes, not a database\n');
  });

  it('a damaged database (PRAGMA quick_check fails): the server never listens, the CLI exits 1, both say restore a backup', async () => {
    const data = dataDir();
    const file = await realDatabase(data);
    await damage(file);
    const run = await runServer(data);
    expectStoppedWith(run, new RegExp(`The database ${escape(file)} is damaged.*restore a backup`, 'i'));

    const cli = runCli(data, 'check');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(new RegExp(`^Stockfeed could not start: The database ${escape(file)} is damaged.*restore a backup`, 'i'));
    expectNoStackTrace(cli.stderr);

    await expect(openCore({ dataDir: data, expirySweepMs: 0 })).rejects.toBeInstanceOf(StartupError);
  });

  it('a folder where the database file should be: cannot be opened, with what to do', async () => {
    const data = dataDir();
    const file = path.join(data, 'stockfeed.sqlite');
    fs.mkdirSync(file);
    const run = await runServer(data);
    expectStoppedWith(run, new RegExp(`The database ${escape(file)} cannot be opened: it is a folder`, 'i'));
  });

  it('a database on a read-only disk: read-only, with what to do', async (ctx) => {
    const mount = mountTmpfs('64m');
    if (typeof mount === 'string') return ctx.skip(mount);
    try {
      const data = path.join(mount.dir, 'data');
      const file = await realDatabase(data);
      mount.remountReadOnly();
      const error = await openCore({ dataDir: data, expirySweepMs: 0 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toMatch(new RegExp(`The database ${escape(file)} is on a read-only disk`));
      expect((error as Error).message).toMatch(/read-write|writable/);
    } finally {
      mount.unmount();
    }
  });

  describe('permissions (run as a user other than root, for whom they apply)', () => {
    const reason = canRunAsNobody();
    const uid = isRoot ? NOBODY : undefined;
    /** The data folder and database owned by the user the server runs as. */
    const own = (target: string) => {
      if (uid !== undefined) fs.chownSync(target, uid, uid);
    };

    it.skipIf(reason !== null)('a read-only database file: the server exits 1 and says to fix the permissions', async () => {
      const data = dataDir();
      const file = await realDatabase(data);
      fs.chmodSync(data, 0o755);
      own(data);
      own(file);
      fs.chmodSync(file, 0o444);
      const run = await runServer(data, { uid });
      expectStoppedWith(run, new RegExp(`The database ${escape(file)} is read-only.*fix the permissions.*read and write ${escape(file)} and its folder`, 'i'));
    });

    it.skipIf(reason !== null)('a read-only data folder (SQLite writes its journal beside the file): the same clear answer', async () => {
      const data = dataDir();
      const file = await realDatabase(data);
      own(data);
      own(file);
      fs.chmodSync(data, 0o555);
      const run = await runServer(data, { uid });
      expectStoppedWith(run, new RegExp(`The database ${escape(file)} cannot be written: its folder ${escape(data)} is read-only.*fix the permissions`, 'i'));
    });

    it.skipIf(reason !== null)('a database file the user may not read: cannot be opened, fix the permissions', async () => {
      const data = dataDir();
      const file = await realDatabase(data);
      fs.chmodSync(data, 0o755);
      own(data);
      fs.chmodSync(file, 0o600);
      if (uid === undefined) fs.chmodSync(file, 0o000);
      const run = await runServer(data, { uid });
      expectStoppedWith(run, new RegExp(`The database ${escape(file)} cannot be opened: permission denied.*fix the permissions`, 'i'));
    });
  });
});

describe('PostgreSQL that cannot be reached or entered: one line each, without the password', () => {
  const PASSWORD = 'pw-Sup3r-secret';

  it('connection refused: names host and port; the server prints one line and never listens', async () => {
    const port = await freePort();
    const url = `postgres://stockfeed:${PASSWORD}@127.0.0.1:${port}/stockfeed`;
    const error = await openCore({ dataDir: dataDir(), databaseUrl: url, expirySweepMs: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} refused the connection.*DATABASE_URL`));
    expect((error as Error).message).not.toContain(PASSWORD);

    const run = await runServer(dataDir(), { env: { DATABASE_URL: url } });
    expectStoppedWith(run, /PostgreSQL at 127\.0\.0\.1:\d+ refused the connection/);
    expect(run.stderr + run.stdout).not.toContain(PASSWORD);
  });

  // Without PostgreSQL this says which package to install, and refuses to skip in CI.
  const skipPg = skipWithout('postgresql', 'startup errors of a PostgreSQL database');
  it.skipIf(skipPg !== null)(titled('a database that does not exist, and a user the server refuses', skipPg), async () => {
    const missing = new URL(PG_ADMIN_URL);
    missing.password = PASSWORD;
    missing.pathname = '/stockfeed_no_such_database';
    const noDb = await openCore({ dataDir: dataDir(), databaseUrl: missing.toString(), expirySweepMs: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(noDb).toBeInstanceOf(StartupError);
    expect((noDb as Error).message).toMatch(/has no database "stockfeed_no_such_database": create it .* or fix the database name in DATABASE_URL/);
    expect((noDb as Error).message).not.toContain(PASSWORD);

    const stranger = new URL(PG_ADMIN_URL);
    stranger.username = 'stockfeed_no_such_role';
    stranger.password = PASSWORD;
    const noLogin = await openCore({ dataDir: dataDir(), databaseUrl: stranger.toString(), expirySweepMs: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(noLogin).toBeInstanceOf(StartupError);
    expect((noLogin as Error).message).toMatch(/refused to log in as "stockfeed_no_such_role".*user name and password in DATABASE_URL/);
    expect((noLogin as Error).message).not.toContain(PASSWORD);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
