/**
 * Browser sessions in the database (issue 14), on SQLite and PostgreSQL: made from the API token,
 * kept as a hash of their id, bound to the token they were exchanged for, sliding 30-day expiry
 * capped at 90 days, pruned, ended one by one or all at once, and still there after a restart or
 * on another server sharing the database.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCore } from '../../electron/core/core';
import { SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from '../../electron/core/auth/sessions';
import { engines, startCore, type TestCore } from '../helpers/core';

const TOKEN = 'sessions-token-0123456789abcdef';
const DAY = 24 * 60 * 60 * 1000;

describe.each(engines())('sessions on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());
  afterEach(async () => {
    vi.useRealTimers();
    await core.db('sessions').delete();
  });

  it('keeps a hash of the id and of nothing else secret; finds the session by its id and the current token', async () => {
    const { id, session } = await core.sessions.create('api-token', TOKEN);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toMatchObject({ signedInWith: 'api-token', idHash: createHash('sha256').update(id).digest('hex') });
    expect(Date.parse(session.expiresAt) - Date.parse(session.signedInAt)).toBe(SESSION_IDLE_MS);
    const rows = (await core.db('sessions').select()) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);

    expect((await core.sessions.find(id, TOKEN))?.session).toEqual(session);
    // Another id (the last character changed; it is one of 16, so 'A' may be it already).
    expect(await core.sessions.find(`${id.slice(0, -1)}${id.endsWith('A') ? 'E' : 'A'}`, TOKEN)).toBeNull();
    // Bound to the token it was made with: once the token is another, the session is gone.
    expect(await core.sessions.find(id, 'another-token-0123456789')).toBeNull();
  });

  it('slides the end while used (at most once an hour), never past 90 days, and prunes ended sessions', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const { id } = await core.sessions.create('api-token', TOKEN);
    const stale = await core.sessions.create('api-token', TOKEN);
    vi.setSystemTime(start + 30 * 60 * 1000);
    expect((await core.sessions.find(id, TOKEN))?.renewed).toBe(false);
    vi.setSystemTime(start + 20 * DAY);
    const renewed = await core.sessions.find(id, TOKEN);
    expect(renewed?.renewed).toBe(true);
    expect(Date.parse(renewed?.session.expiresAt ?? '')).toBe(start + 20 * DAY + SESSION_IDLE_MS);
    vi.setSystemTime(start + 31 * DAY);
    expect(await core.sessions.find(stale.id, TOKEN)).toBeNull();
    for (let day = 45; day < 90; day += 15) {
      vi.setSystemTime(start + day * DAY);
      expect(await core.sessions.find(id, TOKEN), `day ${day}`).not.toBeNull();
    }
    expect(Date.parse((await core.sessions.find(id, TOKEN))?.session.expiresAt ?? '')).toBe(start + SESSION_MAX_AGE_MS);
    vi.setSystemTime(start + SESSION_MAX_AGE_MS);
    expect(await core.sessions.find(id, TOKEN)).toBeNull();
    expect(await core.sessions.prune()).toBe(2);
    expect(await core.db('sessions').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('ends one session, or every session made from the API token', async () => {
    const a = await core.sessions.create('api-token', TOKEN);
    const b = await core.sessions.create('sign-in-link', TOKEN);
    const c = await core.sessions.create('api-token', TOKEN);
    const ended: Array<string | null> = [];
    const stop = core.sessions.onEnded((idHash) => ended.push(idHash));
    await core.sessions.end(a.id);
    expect(await core.sessions.find(a.id, TOKEN)).toBeNull();
    expect(await core.sessions.find(b.id, TOKEN)).not.toBeNull();
    expect(await core.sessions.endAllFromToken()).toBe(2);
    expect(await core.sessions.find(c.id, TOKEN)).toBeNull();
    expect(ended).toEqual([a.session.idHash, null]);
    stop();
  });

  it('rotating the token through the contract ends the sessions made from the old one', async () => {
    const { id } = await core.sessions.create('api-token', core.tokens.current());
    const { token } = await core.call('auth.rotateToken', {});
    expect(await core.sessions.find(id, token)).toBeNull();
    expect(await core.db('sessions').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('survives a restart, and is seen by another server on the same database', async () => {
    const { id } = await core.sessions.create('api-token', TOKEN);
    const again = await openCore({ dataDir: core.dataDir, databaseUrl: core.config.kind === 'pg' ? core.config.url : undefined, expirySweepMs: 0 });
    try {
      expect(await again.sessions.find(id, TOKEN)).not.toBeNull();
      await again.sessions.end(id);
    } finally {
      await again.close();
    }
    expect(await core.sessions.find(id, TOKEN)).toBeNull();
  });
});
