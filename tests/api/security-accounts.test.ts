/**
 * Security and contract of accounts (issue 20): signing in with a username and password, what
 * `/auth/me` says, the limits on wrong passwords (per address, through the same limiter as wrong
 * tokens, and per username), sessions ended by a new password or by removing the person, the last
 * owner kept, and the users API.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'accounts-token-0123456789abcdef';
const APP_HEADER = { 'x-stockfeed-request': '1' };
const FAST_HASH = { logN: 10, r: 8, p: 1 };
const BEARER = { authorization: `Bearer ${TOKEN}` };

const cookieOf = (res: LightMyRequestResponse) => String(res.headers['set-cookie']).split(';')[0] as string;

describe('security: accounts', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeEach(async () => {
    core = await startCore('sqlite', { passwordHash: FAST_HASH });
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger });
  });
  afterEach(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const login = (body: Record<string, unknown>, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, headers: { 'content-type': 'application/json', ...APP_HEADER }, remoteAddress });
  const me = (cookie: string) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = BEARER) =>
    app.inject({ method, url: `/api/v1${url}`, headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('creates people over the API (owner only), never shows a password or its hash, and signs them in', async () => {
    const created = await api('POST', '/users', { username: ' Anna ', role: 'staff', password: 'anna-password-1' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(String),
      username: 'anna',
      role: 'staff',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      passwordChangedAt: expect.any(String),
    });
    expect(created.body).not.toContain('anna-password-1');
    expect((await api('GET', '/users')).body).not.toMatch(/scrypt|password_hash|anna-password-1/);
    const row = (await core.db('users').first()) as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);

    const signedIn = await login({ username: 'ANNA', password: 'anna-password-1' });
    expect(signedIn.statusCode).toBe(200);
    const answer = { via: 'session', signedInWith: 'password', signedInAt: expect.any(String), expiresAt: expect.any(String), user: { id: created.json().id, username: 'anna', role: 'staff' } };
    expect(signedIn.json()).toEqual(answer);
    expect(String(signedIn.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await me(cookieOf(signedIn))).json()).toEqual(answer);
    expect((await core.db('sessions').first()) as Record<string, unknown>).toMatchObject({ signed_in_with: 'password', user_id: created.json().id });

    expect((await api('POST', '/users', { username: 'anna', role: 'viewer', password: 'another-password' })).json().error).toMatchObject({
      code: 'conflict',
      message: 'There is already an account named "anna"',
    });
    const bad = await api('POST', '/users', { username: 'no spaces', role: 'boss', password: 'short' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['password', 'role', 'username']);
  });

  it('answers a wrong password and an unknown name alike, 401 without a cookie', async () => {
    await core.users.create({ username: 'bob', role: 'viewer', password: 'bob-password-1' });
    const wrong = await login({ username: 'bob', password: 'not-his-password' });
    const unknown = await login({ username: 'nobody', password: 'not-his-password' });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({ code: 'unauthorized', message: 'The username or the password is not right' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const half = await login({ username: 'bob' });
    expect(half.statusCode).toBe(422);
    expect(half.json().error.details.issues[0]).toMatchObject({ path: 'password' });
    expect((await login({ username: 'bob', password: 'bob-password-1', token: TOKEN })).statusCode).toBe(422);
  });

  it('limits wrong passwords per address (the same limit as wrong tokens) and per username across addresses', async () => {
    await core.users.create({ username: 'carol', role: 'staff', password: 'carol-password' });
    // Per username: 10 wrong passwords, each from another address, and the name is refused for a while, the right password included.
    for (let i = 0; i < 10; i++) expect((await login({ username: 'carol', password: `guess-${i}-xxxx` }, `10.0.1.${i}`)).statusCode).toBe(401);
    const locked = await login({ username: 'carol', password: 'carol-password' }, '10.0.2.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.message).toContain('Too many wrong passwords for this account');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    // Per address: wrong passwords and wrong tokens share one budget of 20 a minute.
    for (let i = 0; i < 10; i++) await login({ username: `someone-${i}`, password: 'guess-xxxx' }, '10.0.3.1');
    for (let i = 0; i < 10; i++) await login({ token: `wrong-token-${i}-0123456789` }, '10.0.3.1');
    expect((await login({ token: TOKEN }, '10.0.3.1')).statusCode).toBe(429);
    expect((await app.inject({ method: 'GET', url: '/api/v1/settings', headers: BEARER, remoteAddress: '10.0.3.1' })).statusCode).toBe(429);
  });

  it('ends a person’s sessions when their password changes or they are removed; other sessions go on', async () => {
    const dave = await core.users.create({ username: 'dave', role: 'staff', password: 'dave-password' });
    const owner = await core.users.create({ username: 'olga', role: 'owner', password: 'olga-password' });
    const daveCookie = cookieOf(await login({ username: 'dave', password: 'dave-password' }));
    const daveOther = cookieOf(await login({ username: 'dave', password: 'dave-password' }));
    const olgaCookie = cookieOf(await login({ username: 'olga', password: 'olga-password' }));
    const tokenCookie = cookieOf(await login({ token: TOKEN }));
    expect((await me(daveCookie)).statusCode).toBe(200);

    const changed = await api('PATCH', `/users/${dave.id}`, { password: 'dave-new-password' }, { cookie: olgaCookie, ...APP_HEADER });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await me(daveCookie)).statusCode).toBe(401);
    expect((await me(daveOther)).statusCode).toBe(401);
    expect((await me(olgaCookie)).statusCode).toBe(200);
    expect((await me(tokenCookie)).statusCode).toBe(200);
    expect((await login({ username: 'dave', password: 'dave-password' })).statusCode).toBe(401);
    const again = cookieOf(await login({ username: 'dave', password: 'dave-new-password' }));
    expect((await me(again)).statusCode).toBe(200);

    // A role change needs no new sign-in, and keeps the session.
    expect((await api('PATCH', `/users/${dave.id}`, { role: 'viewer' })).json()).toMatchObject({ role: 'viewer' });
    expect((await me(again)).json().user).toMatchObject({ role: 'viewer' });

    expect((await api('DELETE', `/users/${dave.id}`)).json()).toEqual({ id: dave.id, deleted: true });
    expect((await me(again)).statusCode).toBe(401);
    expect(await core.db('sessions').where({ user_id: dave.id }).count({ n: '*' }).first()).toEqual({ n: 0 });
    expect((await api('DELETE', `/users/${dave.id}`)).statusCode).toBe(404);
    expect(owner.role).toBe('owner');
  });

  it('keeps the last owner: demoting or removing them is 409 with the reason; with a second owner both work', async () => {
    const first = await core.users.create({ username: 'erin', role: 'owner', password: 'erin-password' });
    const demote = await api('PATCH', `/users/${first.id}`, { role: 'staff' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toBe(
      'erin cannot become staff: they are the last owner: a shop needs at least one owner, who can manage people and settings. Make someone else an owner first',
    );
    const remove = await api('DELETE', `/users/${first.id}`);
    expect(remove.statusCode).toBe(409);
    expect(remove.json().error.message).toContain('erin cannot be removed: they are the last owner');
    expect(await core.users.list()).toMatchObject([{ username: 'erin', role: 'owner' }]);

    const second = await core.users.create({ username: 'frank', role: 'staff', password: 'frank-password' });
    expect((await api('PATCH', `/users/${second.id}`, { role: 'owner' })).statusCode).toBe(200);
    expect((await api('PATCH', `/users/${first.id}`, { role: 'staff' })).statusCode).toBe(200);
    expect((await api('DELETE', `/users/${second.id}`)).statusCode).toBe(409);
    // Owners again both, either may go.
    expect((await api('PATCH', `/users/${first.id}`, { role: 'owner' })).statusCode).toBe(200);
    expect((await api('DELETE', `/users/${second.id}`)).statusCode).toBe(200);
  });
});

describe('security: what the sign-in page may learn before signing in', () => {
  it('tells only whether anyone has an account, without a sign-in', async () => {
    const core = await startCore('sqlite', { passwordHash: FAST_HASH });
    const app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger });
    try {
      const before = await app.inject({ method: 'GET', url: '/api/v1/auth/sign-in-methods' });
      expect(before.statusCode).toBe(200);
      expect(before.json()).toEqual({ accounts: false });
      await core.users.create({ username: 'gina', role: 'viewer', password: 'gina-password' });
      await core.users.create({ username: 'hal', role: 'owner', password: 'hal-password' });
      const after = await app.inject({ method: 'GET', url: '/api/v1/auth/sign-in-methods' });
      expect(after.json()).toEqual({ accounts: true });
      expect(after.body).not.toMatch(/gina|hal|2/);
    } finally {
      await app.close();
      await core.cleanup();
    }
  });
});
