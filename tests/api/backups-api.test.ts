/**
 * The backup routes: token required, input checked at the edge, described in the OpenAPI document;
 * on PostgreSQL they say pg_dump is the way (501 use_pg_dump) instead of pretending.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';
import { skipWithout, titled } from '../helpers/system-services';

const TOKEN = 'test-token-0123456789abcdef';

describe('backups over the REST API (SQLite)', () => {
  let core: TestCore;
  let app: FastifyInstance;
  const api = (method: 'GET' | 'POST', url: string, body?: unknown, token: string | null = TOKEN) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });

  beforeAll(async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('API-B1'));
    await core.call('stock.receive', { sku: 'API-B1', quantity: 2 });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('needs the token', async () => {
    expect((await api('GET', '/backups', undefined, null)).statusCode).toBe(401);
    expect((await api('POST', '/backups', {}, null)).statusCode).toBe(401);
    expect((await api('POST', '/backups/20261204T000000000Z-daily/restore', {}, null)).statusCode).toBe(401);
  });

  it('POST /backups makes a copy, GET /backups lists it, POST /backups/{id}/restore puts it back', async () => {
    const made = await api('POST', '/backups', {});
    expect(made.statusCode).toBe(201);
    const backup = made.json();
    expect(backup).toMatchObject({ kind: 'manual', integrity: 'ok', seq: expect.any(Number), sizeBytes: expect.any(Number) });

    const listed = await api('GET', '/backups');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().backups[0]).toEqual(backup);

    await core.call('stock.receive', { sku: 'API-B1', quantity: 10 });
    const restored = await api('POST', `/backups/${backup.id}/restore`, {});
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ restored: { id: backup.id }, previous: { kind: 'pre-restore' }, seq: expect.any(Number) });
    expect((await api('GET', '/stock/API-B1')).json().onHand).toBe(2);
  });

  it('refuses an id that is not a backup id (422, naming the field) and an unknown one (404)', async () => {
    const bad = await api('POST', '/backups/..%2F..%2Fstockfeed/restore', {});
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues[0].path).toBe('id');
    const unknown = await api('POST', '/backups/20200101T000000000Z-daily/restore', {});
    expect(unknown.statusCode).toBe(404);
    const extra = await api('POST', '/backups', { to: '/tmp/elsewhere.sqlite' });
    expect(extra.statusCode).toBe(422);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await api('GET', '/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/backups', '/api/v1/backups/{id}/restore']));
    expect(doc.paths['/api/v1/backups'].get).toBeDefined();
    expect(doc.paths['/api/v1/backups'].post).toBeDefined();
  });
});

// Needs the PostgreSQL test server (STOCKFEED_TEST_PG_URL); with CI=true it never skips.
const skipPg = skipWithout('postgresql', 'the backup routes on PostgreSQL');

describe.skipIf(skipPg)(titled('backups over the REST API (PostgreSQL)', skipPg), () => {
  let core: TestCore;
  let app: FastifyInstance;
  beforeAll(async () => {
    core = await startCore('pg');
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('answers 501 use_pg_dump, saying how to back up instead', async () => {
    for (const [method, url] of [
      ['GET', '/backups'],
      ['POST', '/backups'],
      ['POST', '/backups/20261204T000000000Z-daily/restore'],
    ] as const) {
      const res = await app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(res.statusCode).toBe(501);
      expect(res.json().error.code).toBe('use_pg_dump');
      expect(res.json().error.message).toMatch(/pg_dump/);
    }
    expect(core.backups).toBeNull();
  });
});
