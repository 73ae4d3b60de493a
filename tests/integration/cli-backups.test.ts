/**
 * `backup [--to FILE]`, `backups` and `restore FILE|ID` from the command line, including the way
 * back from a database that cannot be opened at all, and PostgreSQL's answer (pg_dump).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { openCore } from '../../electron/core/core';
import { contract } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { productInput, tempDir } from '../helpers/core';

async function cli(env: NodeJS.ProcessEnv, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function seed(dataDir: string, onHand: number): Promise<void> {
  const core = await openCore({ dataDir, expirySweepMs: 0, backups: { checkEveryMs: 0 } });
  try {
    if (!(await core.db('products').where({ sku: 'CLI-B1' }).first())) await core.handlers['products.create'](parseInput(contract['products.create'].input, productInput('CLI-B1')));
    await core.handlers['stock.count'](parseInput(contract['stock.count'].input, { sku: 'CLI-B1', quantity: onHand }));
  } finally {
    await core.close();
  }
}

async function stockOf(dataDir: string): Promise<number> {
  const core = await openCore({ dataDir, expirySweepMs: 0, backups: { checkEveryMs: 0 } });
  try {
    return (await core.handlers['stock.get'](parseInput(contract['stock.get'].input, { sku: 'CLI-B1' }))).onHand;
  } finally {
    await core.close();
  }
}

describe('backup commands', () => {
  const dirs: string[] = [];
  const dir = (prefix = 'stockfeed-cli-') => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('backs up, lists, and restores by id or by file', async () => {
    const data = dir();
    await seed(data, 4);
    const made = await cli({}, 'backup', '--data', data);
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^Backed up to .*stockfeed-\d{8}T\d{9}Z-manual\.sqlite .*integrity check: ok\.$/);

    const outside = path.join(dir('stockfeed-usb-'), 'shop.sqlite');
    const to = await cli({}, 'backup', '--to', outside, '--data', data);
    expect(to.code).toBe(0);
    expect(fs.existsSync(outside)).toBe(true);
    const again = await cli({}, 'backup', '--to', outside, '--data', data);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists already/);

    const listed = await cli({}, 'backups', '--data', data);
    expect(listed.code).toBe(0);
    const id = /(\d{8}T\d{9}Z-manual)/.exec(listed.out)?.[1] ?? '';
    expect(listed.out).toContain('change-log sequence');

    await seed(data, 9);
    const byId = await cli({}, 'restore', id, '--data', data);
    expect(byId.code).toBe(0);
    expect(byId.out).toMatch(/backed up as \d{8}T\d{9}Z-pre-restore/);
    expect(await stockOf(data)).toBe(4);

    await seed(data, 11);
    const byFile = await cli({}, 'restore', outside, '--data', data);
    expect(byFile.code).toBe(0);
    expect(await stockOf(data)).toBe(4);

    const foreign = path.join(dir(), 'notes.txt');
    fs.writeFileSync(foreign, 'hello');
    const refused = await cli({}, 'restore', foreign, '--data', data);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/cannot be restored: it is not a SQLite database/);
  });

  it('restores over a database that cannot be opened, keeping the damaged file', async () => {
    const data = dir();
    await seed(data, 6);
    const copy = path.join(dir('stockfeed-usb-'), 'good.sqlite');
    expect((await cli({}, 'backup', '--to', copy, '--data', data)).code).toBe(0);
    const dbFile = path.join(data, 'stockfeed.sqlite');
    fs.writeFileSync(dbFile, 'this is not a database any more');
    expect((await cli({}, 'check', '--data', data)).err).toMatch(/not a SQLite database/);

    const restored = await cli({}, 'restore', copy, '--data', data);
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/kept as .*stockfeed\.sqlite\.unusable-/);
    // Who may sign in could not be kept from the unusable file: it says so.
    expect(restored.out).toContain('Accounts, browser sessions and storefront tokens are the backup\'s');
    expect(await stockOf(data)).toBe(6);
    const kept = fs.readdirSync(data).find((n) => n.includes('.unusable-')) ?? '';
    expect(fs.readFileSync(path.join(data, kept), 'utf8')).toBe('this is not a database any more');
  });

  it('checks its arguments', async () => {
    expect((await cli({}, 'restore', '--data', dir())).code).toBe(2);
    expect((await cli({}, 'backups', 'extra', '--data', dir())).code).toBe(2);
    expect((await cli({}, 'check', '--to', 'x', '--data', dir())).code).toBe(2);
    expect((await cli({}, 'backup', '--help')).out).toContain('Usage: npm run cli -- backup [--to FILE]');
  });

  it('says pg_dump on PostgreSQL (before connecting)', async () => {
    const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    for (const args of [['backup'], ['backups'], ['restore', 'x.sqlite']]) {
      const res = await cli(env, ...args, '--data', dir());
      expect(res.code).toBe(1);
      expect(res.err).toMatch(/pg_dump/);
    }
  });
});
