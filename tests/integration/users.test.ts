/**
 * Accounts in the database (issue 20), on SQLite and PostgreSQL: a person's session carries their
 * role as it is now, is bound to their password (a new one, or the account removed, ends it; a new
 * API token does not), and the last owner is kept even when two owners demote each other at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engines, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'users-token-0123456789abcdef';

describe.each(engines())('accounts on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine, { passwordHash: { logN: 10, r: 8, p: 1 } });
  });
  afterAll(async () => core?.cleanup());
  afterEach(async () => {
    await core.db('sessions').delete();
    await core.db('users').delete();
  });

  it('makes a session for a person that carries their current role and survives a new API token', async () => {
    await core.users.create({ username: 'ana', role: 'staff', password: 'ana-password' });
    const ana = await core.users.authenticate('ANA', 'ana-password');
    expect(ana).toMatchObject({ username: 'ana', role: 'staff' });
    const { id } = await core.sessions.create('password', '', ana);
    expect((await core.sessions.find(id, TOKEN))?.session.user).toEqual({ id: ana?.id, username: 'ana', role: 'staff' });
    await core.users.update({ id: ana!.id, role: 'viewer' });
    expect((await core.sessions.find(id, TOKEN))?.session.user?.role).toBe('viewer');
    // Not made from the token: another token changes nothing, and ending the token's sessions leaves it.
    expect(await core.sessions.find(id, 'another-token-0123456789')).not.toBeNull();
    await core.sessions.endAllFromToken();
    expect(await core.sessions.find(id, TOKEN)).not.toBeNull();
  });

  it('ends a person’s sessions with a new password, and with the account; others stay', async () => {
    await core.users.create({ username: 'ben', role: 'staff', password: 'ben-password' });
    await core.users.create({ username: 'cy', role: 'owner', password: 'cy-password' });
    const ben = (await core.users.authenticate('ben', 'ben-password'))!;
    const cy = (await core.users.authenticate('cy', 'cy-password'))!;
    const benSession = await core.sessions.create('password', '', ben);
    const cySession = await core.sessions.create('password', '', cy);
    const tokenSession = await core.sessions.create('api-token', TOKEN);
    const ended: Array<string | null> = [];
    const stop = core.sessions.onEnded((hash) => ended.push(hash));
    await core.users.update({ id: ben.id, password: 'ben-new-password' });
    expect(ended).toEqual([benSession.session.idHash]);
    expect(await core.sessions.find(benSession.id, TOKEN)).toBeNull();
    expect(await core.sessions.find(cySession.id, TOKEN)).not.toBeNull();
    expect(await core.sessions.find(tokenSession.id, TOKEN)).not.toBeNull();
    expect(await core.users.authenticate('ben', 'ben-password')).toBeNull();
    const again = await core.sessions.create('password', '', (await core.users.authenticate('ben', 'ben-new-password'))!);
    await core.users.remove(ben.id);
    expect(await core.sessions.find(again.id, TOKEN)).toBeNull();
    stop();
  });

  it('keeps one owner when two owners demote each other at the same moment', async () => {
    const a = await core.users.create({ username: 'dee', role: 'owner', password: 'dee-password' });
    const b = await core.users.create({ username: 'eli', role: 'owner', password: 'eli-password' });
    const results = await Promise.allSettled([core.users.update({ id: a.id, role: 'staff' }), core.users.update({ id: b.id, role: 'staff' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const owners = (await core.users.list()).filter((u) => u.role === 'owner');
    expect(owners).toHaveLength(1);
  });

  it('replaces a hash made with lower parameters at the next sign-in', async () => {
    const weak = await startCore(engine, { passwordHash: { logN: 4, r: 8, p: 1 } });
    try {
      await weak.users.create({ username: 'fay', role: 'viewer', password: 'fay-password' });
      const dump = (await weak.db('users').first()) as { password_hash: string };
      expect(dump.password_hash).toMatch(/^\$scrypt\$ln=4,/);
      await core.db('users').insert(dump);
      expect(await core.users.authenticate('fay', 'fay-password')).toMatchObject({ username: 'fay' });
      expect(((await core.db('users').first()) as { password_hash: string }).password_hash).toMatch(/^\$scrypt\$ln=10,/);
      expect(await core.users.authenticate('fay', 'fay-password')).not.toBeNull();
    } finally {
      await weak.cleanup();
    }
  });
});
