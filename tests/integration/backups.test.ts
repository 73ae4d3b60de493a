/**
 * Backups and restore of the SQLite database: online copies that stay consistent while writes go
 * on, each checked after writing; the rotation; a restore that checks the file first, backs up the
 * current database, swaps the whole file, migrates an older schema and says so in the change log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { checkLedger } from '../../electron/core/check';
import { openSqlite } from '../../electron/core/backups/sqlite-copy';
import { MIGRATIONS } from '../../electron/core/db/migrations/index';
import { contract, type Input, type OperationName, type Output } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { parseInput } from '../../shared/validation';
import { productInput, startCore, tempDir, type TestCore } from '../helpers/core';

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]?.[0] ?? '';

/**
 * The migrations from `first` on: an older database has none of them recorded. Only the first's
 * work is undone by the tests; the later ones run again on it as on any older file (every
 * migration is safe to run twice), so a migration added later does not make the file look new.
 */
function migrationsFrom(first: string): string[] {
  return MIGRATIONS.map(([name]) => name).filter((name) => name >= first);
}
const POSIX = process.platform !== 'win32';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Calls an operation of any core, its input parsed by the contract as every host does. */
function call<K extends OperationName>(app: Core, op: K, input: Input<K>): Promise<Output<K>> {
  return (app.handlers[op] as (i: unknown) => Promise<Output<K>>)(parseInput(contract[op].input, input));
}

async function onHand(core: Core, sku: string): Promise<number> {
  return (await call(core, 'stock.get', { sku })).onHand;
}

describe('SQLite backups', () => {
  let core: TestCore | undefined;
  const extra: Core[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of extra.splice(0)) await c.close();
    await core?.cleanup();
    core = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('copies stay consistent while two writers (this process and another connection) keep writing', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('MUG-1'));
    await core.call('products.create', productInput('MUG-2'));
    // A second core on the same file: another process as far as SQLite is concerned.
    const other = await openCore({ dataDir: core.dataDir, expirySweepMs: 0, backups: { checkEveryMs: 0 }, webhooks: { worker: false } });
    extra.push(other);
    let writing = true;
    const writer = async (c: Core, sku: string) => {
      let n = 0;
      while (writing) {
        await call(c, 'stock.receive', { sku, quantity: 1 });
        n++;
      }
      return n;
    };
    const writers = [writer(core, 'MUG-1'), writer(core, 'MUG-2'), writer(other, 'MUG-1'), writer(other, 'MUG-2')];
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await core.backups!.create('manual'));
    writing = false;
    const written = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    expect(written).toBeGreaterThan(0);

    for (const backup of made) {
      expect(backup.integrity).toBe('ok');
      const copy = openSqlite(path.join(core.backups!.folder(), backup.file), { readOnly: true });
      try {
        // Every stock level equals its ledger in the copy: no movement without its level, or the reverse.
        expect(await checkLedger(copy)).toMatchObject({ ok: true });
        const head = (await copy('changes').max({ seq: 'seq' }).first()) as { seq: number };
        expect(head.seq).toBe(backup.seq);
        const orphan = await copy('movements').where('seq', '>', backup.seq).count({ n: '*' }).first();
        expect(Number((orphan as { n: number }).n)).toBe(0);
        expect(backup.schemaVersion).toBe(LATEST);
      } finally {
        await copy.destroy();
      }
    }
    // Later copies hold more of the log.
    expect(made.map((b) => b.seq)).toEqual([...made.map((b) => b.seq)].sort((a, b) => a - b));
  });

  it('lists copies with time, size, sequence and schema version; folder 0700 and files 0600', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('LIST-1'));
    const backup = await core.call('backups.create', {});
    const listed = await core.call('backups.list', {});
    expect(listed.folder).toBe(path.join(core.dataDir, 'backups'));
    expect(listed.backups[0]).toEqual(backup);
    expect(backup).toMatchObject({ kind: 'manual', integrity: 'ok', schemaVersion: LATEST, stockfeedVersion: expect.any(String) });
    expect(backup.id).toMatch(/^\d{8}T\d{9}Z-manual$/);
    expect(backup.sizeBytes).toBe(fs.statSync(path.join(listed.folder, backup.file)).size);
    expect(backup.seq).toBeGreaterThan(0);
    if (POSIX) {
      expect(fs.statSync(listed.folder).mode & 0o777).toBe(0o700);
      for (const name of fs.readdirSync(listed.folder)) expect(fs.statSync(path.join(listed.folder, name)).mode & 0o777).toBe(0o600);
    }
  });

  it('goes into the folder the owner chose, created owner-only', async () => {
    core = await startCore('sqlite');
    const chosen = path.join(tempDir('stockfeed-chosen-'), 'cloud', 'stockfeed');
    dirs.push(path.dirname(path.dirname(chosen)));
    const settings = await core.call('settings.get', {});
    await core.call('settings.update', { ...settings, backups: { folder: chosen, automatic: true } });
    const backup = await core.call('backups.create', {});
    expect(fs.existsSync(path.join(chosen, backup.file))).toBe(true);
    if (POSIX) expect(fs.statSync(chosen).mode & 0o777).toBe(0o700);
    const bad = await rejection(core.call('settings.update', { ...settings, backups: { folder: 'relative/folder', automatic: true } }));
    expect(bad.code).toBe('validation_failed');
  });

  it('a copy that fails PRAGMA integrity_check is deleted, reported, and never listed', async () => {
    core = await startCore('sqlite', {
      backups: {
        checkEveryMs: 0,
        beforeVerify: (copy) => {
          // A disk that wrote garbage: overwrite pages in the middle of the copy.
          const fd = fs.openSync(copy, 'r+');
          fs.writeSync(fd, Buffer.alloc(4096 * 4, 0xa5), 0, 4096 * 4, 4096 * 2);
          fs.closeSync(fd);
        },
      },
    });
    for (let i = 0; i < 30; i++) await core.call('products.create', productInput(`BIG-${i}`, { description: 'x'.repeat(500) }));
    const error = await rejection(core.call('backups.create', {}));
    expect(error.message).toMatch(/integrity check/);
    expect((await core.call('backups.list', {})).backups).toEqual([]);
    expect(fs.readdirSync(path.join(core.dataDir, 'backups'))).toEqual([]);
  });

  it('rotation keeps 7 daily, 4 weekly and 12 monthly copies and never a manual one', async () => {
    core = await startCore('sqlite');
    const folder = core.backups!.folder();
    const real = await core.backups!.create('daily');
    // Copies of the real one, dated back a day at a time over 400 days.
    const now = new Date('2026-12-04T12:00:00.000Z');
    const sidecar = JSON.parse(fs.readFileSync(path.join(folder, real.file.replace(/\.sqlite$/, '.json')), 'utf8')) as Record<string, unknown>;
    fs.rmSync(path.join(folder, real.file));
    fs.rmSync(path.join(folder, real.file.replace(/\.sqlite$/, '.json')));
    const fake = (at: Date, kind: string) => {
      const id = `${at.toISOString().replace(/[-:.]/g, '')}-${kind}`;
      fs.writeFileSync(path.join(folder, `stockfeed-${id}.sqlite`), 'x');
      fs.writeFileSync(path.join(folder, `stockfeed-${id}.json`), JSON.stringify({ ...sidecar, id, kind, createdAt: at.toISOString(), file: `stockfeed-${id}.sqlite` }));
      return id;
    };
    for (let d = 0; d < 400; d++) fake(new Date(now.getTime() - d * 86_400_000), 'daily');
    const manual = fake(new Date(now.getTime() - 500 * 86_400_000), 'manual');
    core.backups!.rotate(now);
    const left = core.backups!.list();
    const daily = left.filter((b) => b.kind === 'daily');
    // 7 days + the weeks and months not already covered by them.
    const days = new Set(daily.map((b) => b.createdAt.slice(0, 10)));
    expect(days.size).toBe(daily.length);
    expect(daily.length).toBeGreaterThanOrEqual(7 + 2);
    expect(daily.length).toBeLessThanOrEqual(7 + 4 + 12);
    expect(daily.slice(0, 7).map((b) => b.createdAt.slice(0, 10))).toEqual(
      Array.from({ length: 7 }, (_, d) => new Date(now.getTime() - d * 86_400_000).toISOString().slice(0, 10)),
    );
    const months = new Set(daily.map((b) => b.createdAt.slice(0, 7)));
    expect(months.size).toBe(12);
    expect(left.some((b) => b.id === manual)).toBe(true);
    // Files of deleted copies are gone too (copy and sidecar).
    expect(fs.readdirSync(folder).length).toBe(left.length * 2);
  });
});

describe('restore', () => {
  let core: TestCore | undefined;
  const extra: Core[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of extra.splice(0)) await c.close();
    await core?.cleanup();
    core = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('puts a backup back: stock as it was, the current database backed up first, a change-log entry after every earlier one, publishing rebuilt', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('RESTORE-1'));
    await core.call('stock.receive', { sku: 'RESTORE-1', quantity: 5 });
    const backup = await core.call('backups.create', {});
    await core.call('stock.receive', { sku: 'RESTORE-1', quantity: 7 });
    await core.call('products.create', productInput('AFTER-BACKUP'));
    expect(await onHand(core, 'RESTORE-1')).toBe(12);
    const headBefore = (await core.call('changes.latest', {})).seq;

    const result = await core.call('backups.restore', { id: backup.id });
    expect(await onHand(core, 'RESTORE-1')).toBe(5);
    await expect(core.call('products.get', { idOrSku: 'AFTER-BACKUP' })).rejects.toMatchObject({ code: 'not_found' });
    expect(result.restored.id).toBe(backup.id);
    expect(result.previous.kind).toBe('pre-restore');
    expect(result.seq).toBeGreaterThan(headBefore);
    const { changes } = await core.call('changes.list', { since: headBefore });
    expect(changes[0]).toMatchObject({ seq: result.seq, type: 'backup.restored', payload: { backup: backup.id, restoredSeq: backup.seq, previousSeq: headBefore } });
    expect((await core.call('backups.list', {})).backups.map((b) => b.id)).toContain(result.previous.id);
    // Writes go on after the swap, on the restored data.
    await core.call('stock.receive', { sku: 'RESTORE-1', quantity: 1 });
    expect(await onHand(core, 'RESTORE-1')).toBe(6);
    expect(await core.checkLedger()).toMatchObject({ ok: true });
    expect(fs.existsSync(path.join(core.dataDir, 'publish', 'manifest.json'))).toBe(true);
    // Nothing of the preparation is left beside the database.
    expect(fs.readdirSync(core.dataDir).filter((n) => n.includes('restore'))).toEqual([]);

    // The copy made before the restore undoes it.
    await core.call('backups.restore', { id: result.previous.id });
    expect(await onHand(core, 'RESTORE-1')).toBe(12);
    expect((await core.call('products.get', { idOrSku: 'AFTER-BACKUP' })).sku).toBe('AFTER-BACKUP');
  });

  it('restores a database of an older schema and migrates it', async () => {
    // An older Stockfeed's database: the last migrations not yet applied.
    const old = await startCore('sqlite');
    dirs.push(old.dataDir);
    await old.call('products.create', productInput('OLD-1'));
    await old.call('stock.receive', { sku: 'OLD-1', quantity: 3 });
    const oldFile = path.join(old.dataDir, 'stockfeed.sqlite');
    const dropped = migrationsFrom('20261204140100_gtin_unique_index');
    await old.db.schema.dropTable('sessions');
    await old.db.raw('DROP INDEX IF EXISTS products_gtin_unique');
    await old.db('knex_migrations').whereIn('name', dropped).delete();
    await old.close();
    const copy = path.join(tempDir('stockfeed-old-'), 'old.sqlite');
    dirs.push(path.dirname(copy));
    fs.copyFileSync(oldFile, copy);

    core = await startCore('sqlite');
    await core.call('products.create', productInput('NEW-1'));
    const result = await core.backups!.restoreFile(copy);
    expect(result.restored.schemaVersion).not.toBe(LATEST);
    expect(await onHand(core, 'OLD-1')).toBe(3);
    const applied = ((await core.db('knex_migrations').select('name')) as Array<{ name: string }>).map((r) => r.name);
    expect(applied).toEqual(expect.arrayContaining(dropped));
    expect(await core.db.schema.hasTable('sessions')).toBe(true);
    // The file offered is left as it was.
    const offered = openSqlite(copy, { readOnly: true });
    try {
      expect(await offered.schema.hasTable('sessions')).toBe(false);
    } finally {
      await offered.destroy();
    }
  });

  it('a backup whose migration fails leaves the database in use untouched (migrated beside it, before any swap)', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('SAFE-1'));
    await core.call('stock.receive', { sku: 'SAFE-1', quantity: 8 });
    const backup = await core.backups!.create('manual');
    const dir = tempDir('stockfeed-failing-');
    dirs.push(dir);
    const failing = path.join(dir, 'failing.sqlite');
    fs.copyFileSync(path.join(core.backups!.folder(), backup.file), failing);
    const f = openSqlite(failing, { readOnly: false });
    // An older schema (the sessions migration pending) whose migration cannot be recorded.
    await f.schema.dropTable('sessions');
    await f('knex_migrations').whereIn('name', migrationsFrom('20261204150000_sessions')).delete();
    await f.raw("CREATE TRIGGER refuse_migrations BEFORE INSERT ON knex_migrations BEGIN SELECT RAISE(ABORT, 'disk said no'); END");
    await f.destroy();
    const headBefore = (await core.call('changes.latest', {})).seq;

    await expect(core.backups!.restoreFile(failing)).rejects.toThrow(/disk said no/);
    expect(await onHand(core, 'SAFE-1')).toBe(8);
    expect((await core.call('changes.latest', {})).seq).toBe(headBefore);
    expect(core.backups!.list().map((b) => b.kind)).toEqual(['manual']);
    expect(fs.readdirSync(core.dataDir).filter((n) => n.includes('restore'))).toEqual([]);
    await core.call('stock.receive', { sku: 'SAFE-1', quantity: 1 });
    expect(await onHand(core, 'SAFE-1')).toBe(9);
  });

  it('refuses a foreign file, a damaged one and one from a newer Stockfeed, and changes nothing', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('KEEP-1'));
    await core.call('stock.receive', { sku: 'KEEP-1', quantity: 4 });
    const dir = tempDir('stockfeed-foreign-');
    dirs.push(dir);

    const text = path.join(dir, 'notes.sqlite');
    fs.writeFileSync(text, 'not a database at all');
    expect((await rejection(core.backups!.restoreFile(text))).message).toMatch(/not a SQLite database/);

    const otherApp = path.join(dir, 'other-app.sqlite');
    const other = openSqlite(otherApp, { readOnly: false });
    await other.raw('CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)');
    await other.destroy();
    const foreign = await rejection(core.backups!.restoreFile(otherApp));
    expect(foreign.code).toBe('backup_invalid');
    expect(foreign.message).toMatch(/not a Stockfeed one/);

    const lookalike = path.join(dir, 'lookalike.sqlite');
    const look = openSqlite(lookalike, { readOnly: false });
    await look.raw('CREATE TABLE knex_migrations (id INTEGER PRIMARY KEY, name TEXT)');
    await look.raw('CREATE TABLE changes (seq INTEGER PRIMARY KEY)');
    await look.raw('CREATE TABLE products (id TEXT)');
    await look.raw("INSERT INTO knex_migrations (name) VALUES ('20200101000000_something_else')");
    await look.destroy();
    expect((await rejection(core.backups!.restoreFile(lookalike))).message).toMatch(/migrations are not Stockfeed's/);

    const backup = await core.backups!.create('manual');
    const newer = path.join(dir, 'newer.sqlite');
    fs.copyFileSync(path.join(core.backups!.folder(), backup.file), newer);
    const n = openSqlite(newer, { readOnly: false });
    await n('knex_migrations').insert({ name: '20991231000000_from_the_future', batch: 99, migration_time: new Date().toISOString() });
    await n.destroy();
    expect((await rejection(core.backups!.restoreFile(newer))).message).toMatch(/newer Stockfeed.*20991231000000_from_the_future/);

    const damaged = path.join(dir, 'damaged.sqlite');
    fs.copyFileSync(path.join(core.backups!.folder(), backup.file), damaged);
    const fd = fs.openSync(damaged, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096 * 3, 0x5a), 0, 4096 * 3, 4096 * 2);
    fs.closeSync(fd);
    expect((await rejection(core.backups!.restoreFile(damaged))).code).toBe('backup_invalid');

    await expect(core.call('backups.restore', { id: '20261204T000000000Z-daily' })).rejects.toMatchObject({ code: 'not_found' });
    // Nothing changed: no pre-restore copy, the same stock, the database still in use.
    expect(core.backups!.list().map((b) => b.kind)).toEqual(['manual']);
    expect(await onHand(core, 'KEEP-1')).toBe(4);
  });

  it('refuses while another program has the database open, and leaves it in use', async () => {
    core = await startCore('sqlite');
    await core.call('products.create', productInput('BUSY-1'));
    await core.call('stock.receive', { sku: 'BUSY-1', quantity: 2 });
    const backup = await core.call('backups.create', {});
    await core.call('stock.receive', { sku: 'BUSY-1', quantity: 1 });
    const other = await openCore({ dataDir: core.dataDir, expirySweepMs: 0, backups: { checkEveryMs: 0 }, webhooks: { worker: false } });
    extra.push(other);
    const error = await rejection(core.call('backups.restore', { id: backup.id }));
    expect(error.code).toBe('database_in_use');
    expect(await onHand(core, 'BUSY-1')).toBe(3);
    await core.call('stock.receive', { sku: 'BUSY-1', quantity: 1 });
    expect(await onHand(other, 'BUSY-1')).toBe(4);
  });
});

describe('copies made at start', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('backs up before migrations change a database, and at the first start of a new version', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const open = (version: string) => openCore({ dataDir, expirySweepMs: 0, backups: { checkEveryMs: 0 }, version });
    let core = await open('1.0.0');
    expect(core.backups!.list()).toEqual([]);
    await call(core, 'products.create', productInput('START-1'));
    await core.db.schema.dropTable('sessions');
    await core.db('knex_migrations').whereIn('name', migrationsFrom('20261204150000_sessions')).delete();
    await core.close();

    core = await open('1.0.0');
    const [pre] = core.backups!.list();
    expect(pre).toMatchObject({ kind: 'pre-migration', schemaVersion: '20261204140100_gtin_unique_index' });
    await core.close();

    core = await open('1.0.0');
    expect(core.backups!.list()).toHaveLength(1);
    await core.close();

    core = await open('1.1.0');
    expect(core.backups!.list().map((b) => b.kind)).toEqual(['pre-update', 'pre-migration']);
    await core.close();
  });
});
