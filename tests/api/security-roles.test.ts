/**
 * Security: what each role may do over the API (issue 20), table-driven over every operation of the
 * contract and the routes outside it. A viewer may only read; staff may change products and stock
 * but not settings, secrets, webhooks, people or the API token; the owner (and the API token, and a
 * browser signed in with the token) may do everything. Refused is 403 `forbidden` naming the role
 * needed, decided before the request's body is read.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, OPERATION_NAMES, pathParams, type OperationName } from '../../shared/contract';
import { OPERATION_ROLES } from '../../shared/operation-roles';
import { roleAllows, ROLES, type Role } from '../../shared/schemas/users';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, type TestCore } from '../helpers/core';

const TOKEN = 'roles-token-0123456789abcdef';
const APP_HEADER = { 'x-stockfeed-request': '1' };
/** Cheap scrypt parameters: these tests are about roles, not hashing (tests/unit/security-password-hash.test.ts). */
const FAST_HASH = { logN: 10, r: 8, p: 1 };
const PASSWORD = 'a long enough password';

/** A value for a path parameter that matches its schema (what the handler then finds is not the point). */
const PARAM_VALUE: Record<string, string> = {
  id: '01900000-0000-7000-8000-000000000001',
  idOrSku: 'NO-SUCH-SKU',
  sku: 'NO-SUCH-SKU',
};

function urlOf(name: OperationName): string {
  const spec = contract[name];
  let path: string = spec.path;
  for (const param of pathParams(spec)) path = path.replace(`:${param}`, PARAM_VALUE[param] ?? 'x');
  return `/api/v1${path}`;
}

/** Routes outside the contract that need a sign-in, with the role each needs. */
const OTHER_ROUTES: Array<{ method: 'GET' | 'POST'; url: string; role: Role }> = [
  { method: 'GET', url: '/api/v1/auth/me', role: 'viewer' },
  { method: 'GET', url: '/api/v1/catalog/export.csv', role: 'viewer' },
  { method: 'GET', url: '/api/v1/catalog/import-template.csv', role: 'viewer' },
  { method: 'POST', url: '/api/v1/catalog/import.csv?dryRun=true', role: 'staff' },
];

describe('security: roles per route', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const cookies = new Map<Role | 'token-session', string>();

  beforeAll(async () => {
    core = await startCore('sqlite', { passwordHash: FAST_HASH });
    app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    for (const role of ROLES) {
      await core.users.create({ username: `${role}-person`, role, password: PASSWORD });
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json', ...APP_HEADER },
        payload: { username: `${role}-person`, password: PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(200);
      cookies.set(role, String(res.headers['set-cookie']).split(';')[0] as string);
    }
    const fromToken = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json', ...APP_HEADER }, payload: { token: TOKEN } });
    cookies.set('token-session', String(fromToken.headers['set-cookie']).split(';')[0] as string);
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  const send = (method: string, url: string, cookie: string) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { cookie, ...APP_HEADER, ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
    });

  it('gives every operation of the contract a role, and only reads to viewers', () => {
    expect(Object.keys(OPERATION_ROLES).sort()).toEqual([...OPERATION_NAMES].sort());
    for (const name of OPERATION_NAMES) {
      if (OPERATION_ROLES[name] === 'viewer') expect(contract[name].method, name).toBe('GET');
    }
    // Settings, secrets, people and the token are the owner's alone.
    for (const name of ['settings.update', 'auth.rotateToken', 'users.list', 'users.create', 'users.update', 'users.delete', 'webhooks.list', 'webhooks.create', 'locations.create'] as const) {
      expect(OPERATION_ROLES[name], name).toBe('owner');
    }
    // Backups hold the whole database and name files on the server; the channel calls use the shop's channel credentials.
    for (const name of ['backups.list', 'backups.create', 'backups.restore', 'channels.connect', 'channels.retry', 'channels.reconcile'] as const) {
      expect(OPERATION_ROLES[name], name).toBe('owner');
    }
  });

  it('treats the API token, and a browser signed in with it, as the owner (before the owner run below rotates the token)', async () => {
    for (const name of ['users.list', 'webhooks.list', 'settings.get'] as const) {
      const bearer = await app.inject({ method: 'GET', url: urlOf(name), headers: { authorization: `Bearer ${TOKEN}` } });
      expect(bearer.statusCode, `${name} ${bearer.body}`).toBe(200);
      const session = await send('GET', urlOf(name), cookies.get('token-session') as string);
      expect(session.statusCode, name).toBe(200);
    }
  });

  // Viewer first, then staff, then owner: what an allowed call changes cannot matter to the refusals.
  for (const role of ROLES) {
    it(`${role}: refuses exactly the operations above the role, with 403 naming the role needed`, async () => {
      const cookie = cookies.get(role) as string;
      const wrong: string[] = [];
      for (const name of OPERATION_NAMES) {
        const needed = OPERATION_ROLES[name];
        const res = await send(contract[name].method, urlOf(name), cookie);
        const refused = res.statusCode === 403;
        if (refused !== !roleAllows(role, needed)) wrong.push(`${name} (${needed}): ${res.statusCode} ${res.body.slice(0, 160)}`);
        if (refused) {
          expect(res.json().error, name).toMatchObject({ code: 'forbidden', message: expect.stringContaining(`needs the ${needed} role`) });
        }
      }
      for (const route of OTHER_ROUTES) {
        const res = await send(route.method, route.url, cookie);
        if ((res.statusCode === 403) !== !roleAllows(role, route.role)) wrong.push(`${route.method} ${route.url} (${route.role}): ${res.statusCode}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('applies a role change at the next request, without signing in again', async () => {
    const staff = (await core.users.byUsername('staff-person'))!;
    const cookie = cookies.get('staff') as string;
    expect((await send('POST', '/api/v1/stock/receive', cookie)).statusCode).toBe(422);
    await core.users.update({ id: staff.id, role: 'viewer' });
    const refused = await send('POST', '/api/v1/stock/receive', cookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('viewer');
  });
});
