/**
 * Security regression (issue 12, "faults lose nothing"): a full disk answers writes with 507
 * `insufficient_storage` naming the disk to free, applies nothing of the failed write (database,
 * caches, change log), and everything works again once there is space. The publisher reports the
 * full disk in its status and catches up by itself.
 *
 * SQLite's `PRAGMA max_page_count` makes SQLite fail with SQLITE_FULL exactly as a full disk does;
 * as root, a real tmpfs filled to the last byte is used too. On PostgreSQL a trigger raises
 * SQLSTATE 53100 (disk_full), the code the server sends when its disk is full.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { configureShop, goodProduct } from '../fixtures/publish/helpers';
import { PG_ADMIN_URL, productInput, startCore, type TestCore } from '../helpers/core';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs';

const TOKEN = 'disk-full-token-0123456789abcdef';

let core: TestCore | undefined;
let app: FastifyInstance | undefined;
let mount: Tmpfs | undefined;
afterEach(async () => {
  await app?.close();
  await core?.cleanup();
  mount?.unmount();
  app = undefined;
  core = undefined;
  mount = undefined;
});

/** The few fields these tests read from answers (errors, stock, the change list, settings). */
type Body = { error: { code: string; message: string }; onHand: number; changes: unknown[]; shopName: string; [field: string]: unknown };
type Res = { status: number; body: Body };

async function serve(c: TestCore): Promise<(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => Promise<Res>> {
  core = c;
  app = await createApiServer({ core: c, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
  const server = app;
  return async (method, url, body) => {
    const res = await server.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json<Body>() };
  };
}

/** Lets the SQLite file grow no further: the next write that needs a new page gets SQLITE_FULL. */
async function capDatabase(c: TestCore): Promise<void> {
  const [{ page_count: pages }] = (await c.db.raw('PRAGMA page_count')) as [{ page_count: number }];
  await c.db.raw(`PRAGMA max_page_count = ${pages}`);
}

async function uncapDatabase(c: TestCore): Promise<void> {
  await c.db.raw('PRAGMA max_page_count = 1073741823');
}

/** Calls `write` until it fails (at most `limit` times); returns how many succeeded and the failure. */
async function untilFull(write: (i: number) => Promise<Res>, limit = 5000): Promise<{ ok: number; failure: Res }> {
  for (let i = 0; i < limit; i++) {
    const res = await write(i);
    if (res.status >= 300) return { ok: i, failure: res };
  }
  throw new Error(`the disk never filled in ${limit} writes`);
}

function expectInsufficientStorage(res: Res, folder: string): void {
  expect(res.status).toBe(507);
  expect(res.body.error.code).toBe('insufficient_storage');
  expect(res.body.error.message).toContain(`The disk holding ${folder} is full; free some space`);
}

describe('a full disk on SQLite (max_page_count)', () => {
  it('a stock write answers 507 naming the data folder, changes nothing, and works again once there is space', async () => {
    const api = await serve(await startCore('sqlite'));
    const c = core as TestCore;
    expect((await api('POST', '/products', productInput('FULL-1'))).status).toBe(201);
    const seqBefore = async () => (await api('GET', '/changes?since=0&limit=1000')).body.changes.length;
    await capDatabase(c);

    const { ok, failure } = await untilFull(() => api('POST', '/stock/receive', { sku: 'FULL-1', quantity: 1, reference: 'PO-1' }));
    expectInsufficientStorage(failure, c.dataDir);
    // Nothing of the failed receive: stock is the successful ones, the ledger agrees, no change logged.
    expect((await api('GET', '/stock/FULL-1')).body.onHand).toBe(ok);
    expect(await c.checkLedger()).toMatchObject({ ok: true, mismatches: [] });
    const changes = await seqBefore();
    expectInsufficientStorage(await api('POST', '/stock/receive', { sku: 'FULL-1', quantity: 1 }), c.dataDir);
    expect(await seqBefore()).toBe(changes);

    await uncapDatabase(c);
    expect((await api('POST', '/stock/receive', { sku: 'FULL-1', quantity: 1 })).status).toBe(200);
    expect((await api('GET', '/stock/FULL-1')).body.onHand).toBe(ok + 1);
    expect(await c.checkLedger()).toMatchObject({ ok: true });
  });

  it('a settings change or a new location that cannot be stored leaves nothing behind in memory either', async () => {
    const api = await serve(await startCore('sqlite'));
    const c = core as TestCore;
    const events: string[] = [];
    c.bus.subscribe((changes) => events.push(...changes.map((x) => x.type)));
    await capDatabase(c);

    const settings = (await api('GET', '/settings')).body;
    const saved = await untilFull((i) => api('PUT', '/settings', { ...settings, shopName: `Shop ${i}`, defaultBrand: 'b'.repeat(150) }));
    expectInsufficientStorage(saved.failure, c.dataDir);
    // The cache every service reads still holds what the database holds.
    const stored = saved.ok === 0 ? settings.shopName : `Shop ${saved.ok - 1}`;
    expect(c.settings.current().shopName).toBe(stored);
    expect((await api('GET', '/settings')).body.shopName).toBe(stored);

    const created = await untilFull((i) => api('POST', '/locations', { code: `loc-${i}`, name: `Location ${i} ${'x'.repeat(100)}` }));
    expectInsufficientStorage(created.failure, c.dataDir);
    const inDatabase = ((await c.db('locations').select('code')) as Array<{ code: string }>).map((r) => r.code).sort();
    expect(c.locations.list().map((l) => l.code).sort()).toEqual(inDatabase);
    expect(inDatabase).not.toContain(`loc-${created.ok}`);

    // Only committed changes reached the bus (one per successful write).
    expect(events.filter((t) => t === 'settings.updated')).toHaveLength(saved.ok);
    expect(events.filter((t) => t === 'location.created')).toHaveLength(created.ok);

    await uncapDatabase(c);
    expect((await api('POST', '/locations', { code: `loc-${created.ok}`, name: 'After' })).status).toBe(201);
  });
});

describe.skipIf(!PG_ADMIN_URL)('a full disk on PostgreSQL (SQLSTATE 53100)', () => {
  it('answers 507 naming the database server’s disk, changes nothing, and works again', async () => {
    const api = await serve(await startCore('pg'));
    const c = core as TestCore;
    expect((await api('POST', '/products', productInput('PGFULL-1'))).status).toBe(201);
    await c.db.raw(`CREATE FUNCTION disk_is_full() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$ LANGUAGE plpgsql`);
    await c.db.raw('CREATE TRIGGER disk_is_full BEFORE INSERT ON changes FOR EACH ROW EXECUTE FUNCTION disk_is_full()');

    const res = await api('POST', '/stock/receive', { sku: 'PGFULL-1', quantity: 5 });
    expect(res.status).toBe(507);
    expect(res.body.error).toMatchObject({ code: 'insufficient_storage', message: expect.stringContaining("The database server's disk is full") });
    expect((await api('GET', '/stock/PGFULL-1')).body.onHand).toBe(0);
    expect(await c.checkLedger()).toMatchObject({ ok: true });

    await c.db.raw('DROP TRIGGER disk_is_full ON changes');
    expect((await api('POST', '/stock/receive', { sku: 'PGFULL-1', quantity: 5 })).status).toBe(200);
    expect((await api('GET', '/stock/PGFULL-1')).body.onHand).toBe(5);
  });
});

describe('a really full disk (a tmpfs filled to the last byte)', () => {
  it('the database: writes answer 507, nothing is half-applied, and they work again once space is freed', async (ctx) => {
    const fs8 = mountTmpfs('16m');
    if (typeof fs8 === 'string') return ctx.skip(fs8);
    mount = fs8;
    const dataDir = path.join(fs8.dir, 'data');
    const api = await serve(await startCore('sqlite', { dataDir }));
    const c = core as TestCore;
    expect((await api('POST', '/products', productInput('DISK-1', { description: 'd'.repeat(2000) }))).status).toBe(201);
    fs8.fill();

    const { ok, failure } = await untilFull((i) => api('POST', '/stock/receive', { sku: 'DISK-1', quantity: 1, reference: `PO-${i}-${'r'.repeat(90)}` }), 20_000);
    expectInsufficientStorage(failure, dataDir);
    expect((await api('GET', '/stock/DISK-1')).body.onHand).toBe(ok);
    expect(await c.checkLedger()).toMatchObject({ ok: true });

    fs8.free();
    expect((await api('POST', '/stock/receive', { sku: 'DISK-1', quantity: 1 })).status).toBe(200);
    expect((await api('GET', '/stock/DISK-1')).body.onHand).toBe(ok + 1);
    expect(await c.db.raw('PRAGMA quick_check')).toEqual([{ quick_check: 'ok' }]);
  });

  it('a settings change or a new location that fails at COMMIT (the journal cannot grow) leaves no cache ahead of the database', async (ctx) => {
    const fs8 = mountTmpfs('16m');
    if (typeof fs8 === 'string') return ctx.skip(fs8);
    mount = fs8;
    const dataDir = path.join(fs8.dir, 'data');
    const api = await serve(await startCore('sqlite', { dataDir }));
    const c = core as TestCore;
    const settings = (await api('GET', '/settings')).body;
    fs8.fill();

    // Each statement succeeds in SQLite's page cache; the write to the WAL at COMMIT is what fails.
    const saved = await untilFull((i) => api('PUT', '/settings', { ...settings, shopName: `Shop ${i}`, defaultBrand: `${i}`.repeat(100).slice(0, 150) }), 20_000);
    expectInsufficientStorage(saved.failure, dataDir);
    const row = (await c.db('settings').where({ key: 'shop' }).first()) as { value: string } | undefined;
    const stored = row ? (JSON.parse(row.value) as { shopName: string }).shopName : settings.shopName;
    expect(c.settings.current().shopName).toBe(stored);

    const created = await untilFull((i) => api('POST', '/locations', { code: `loc-${i}`, name: `Location ${i} ${'x'.repeat(100)}` }), 20_000);
    expectInsufficientStorage(created.failure, dataDir);
    const inDatabase = ((await c.db('locations').select('code')) as Array<{ code: string }>).map((r) => r.code).sort();
    expect(c.locations.list().map((l) => l.code).sort()).toEqual(inDatabase);

    fs8.free();
    expect((await api('PUT', '/settings', { ...settings, shopName: 'After' })).status).toBe(200);
    expect(c.settings.current().shopName).toBe('After');
    expect((await api('POST', '/locations', { code: `loc-${created.ok}`, name: 'After' })).status).toBe(201);
  });

  it('the publish folder: the status says which disk is full, and publishing catches up by itself once space is freed', async (ctx) => {
    const fs8 = mountTmpfs('1m');
    if (typeof fs8 === 'string') return ctx.skip(fs8);
    mount = fs8;
    const c = await startCore('sqlite');
    core = c;
    const publishDir = path.join(fs8.dir, 'site');
    await configureShop(c, { publishDir });
    for (let i = 0; i < 20; i++) await c.call('products.create', goodProduct(`PUB-${i}`, { description: `A long description ${'of a product '.repeat(50)}` }));
    fs.mkdirSync(publishDir);
    fs8.fill();

    void c.publisher.start().catch(() => undefined);
    await until(async () => (await c.publisher.status()).lastError !== null, 'the publish to fail');
    const failed = await c.publisher.status();
    expect(failed.lastError).toContain(`The disk holding ${publishDir} is full; free some space`);
    expect(failed.artifacts.find((a) => a.artifact === 'merchantXml')?.error).toContain('is full');
    // No half-written file and no temporary file left behind on the full disk.
    expect(fs.readdirSync(publishDir).filter((n) => !n.startsWith('jsonld'))).toEqual([]);

    fs8.free();
    // The publisher retries with backoff (2 s, 4 s, …): no request needed.
    await until(async () => (await c.publisher.status()).lastError === null && fs.existsSync(path.join(publishDir, 'google-merchant.xml')), 'publishing to catch up', 20_000);
    const caughtUp = await c.publisher.status();
    expect(caughtUp.seq).not.toBeNull();
    expect(fs.readFileSync(path.join(publishDir, 'google-merchant.xml'), 'utf8')).toContain('PUB-19');
  });
});

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
