/**
 * `npm run cli -- user …` (issue 20): the first owner made before anyone signs in, the password
 * read (never an argument) or generated and printed once, list, a new password, removal.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { openCore } from '../../electron/core/core';
import { tempDir } from '../helpers/core';

async function cli(args: string[], password = 'typed-password-1') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), readPassword: async () => password }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('CLI: user', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = tempDir('stockfeed-cli-users-');
    dirs.push(d);
    return d;
  };

  it('adds the first owner with a typed password, lists, sets a new password, and removes', async () => {
    const data = dir();
    const added = await cli(['user', 'add', '--role', 'owner', 'Owner', '--data', data]);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toBe('');
    expect(added.err).toContain('Added owner (owner)');
    expect((await cli(['user', 'add', '--role', 'staff', 'sam', '--data', data])).code).toBe(0);
    const listed = await cli(['user', 'list', '--data', data]);
    expect(listed.out.split('\n').map((l) => l.split('\t').slice(0, 2))).toEqual([
      ['owner', 'owner'],
      ['sam', 'staff'],
    ]);

    const generated = await cli(['user', 'passwd', 'SAM', '--generate', '--data', data]);
    expect(generated.code).toBe(0);
    expect(generated.out).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const core = await openCore({ dataDir: data, expirySweepMs: 0 });
    try {
      expect(await core.users.authenticate('sam', generated.out)).toMatchObject({ username: 'sam', role: 'staff' });
      expect(await core.users.authenticate('sam', 'typed-password-1')).toBeNull();
    } finally {
      await core.close();
    }

    const lastOwner = await cli(['user', 'remove', 'owner', '--data', data]);
    expect(lastOwner.code).toBe(1);
    expect(lastOwner.err).toContain('owner cannot be removed: they are the last owner');
    expect((await cli(['user', 'remove', 'sam', '--data', data])).code).toBe(0);
    expect((await cli(['user', 'list', '--data', data])).out).toMatch(/^owner\towner/);
  }, 30_000);

  it('refuses a short password, a missing role, a bad name and a stray argument', async () => {
    const data = dir();
    expect((await cli(['user', 'add', '--role', 'owner', 'x', '--data', data], 'short')).err).toContain('at least 8 characters');
    expect((await cli(['user', 'add', 'x', '--data', data])).code).toBe(2);
    expect((await cli(['user', 'add', '--role', 'boss', 'x', '--data', data])).err).toContain('role is viewer, staff or owner');
    expect((await cli(['user', 'add', '--role', 'staff', 'no/slash', '--data', data])).err).toContain('username may hold');
    expect((await cli(['user', 'list', 'extra', '--data', data])).code).toBe(2);
    expect((await cli(['user', 'rename', 'a', '--data', data])).code).toBe(2);
    expect((await cli(['token', '--role', 'owner', '--data', data])).code).toBe(2);
  });
});
