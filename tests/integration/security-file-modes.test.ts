/**
 * Security regression: the data folder holds channel secrets, SFTP passwords, webhook secrets and
 * the API token, so on Linux and macOS it is the owner's alone: the folder 0700, the database (with
 * its WAL and SHM files), the token and backups 0600, whatever the umask, and installs made by
 * earlier versions are tightened at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makePrivate, PRIVATE_FILE_MODE, secureDataDir } from '../../electron/core/data-files';
import { startCore, tempDir, type TestCore } from '../helpers/core';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

// chmod on Windows only toggles the read-only bit; its folders are private through ACLs instead.
describe.skipIf(process.platform === 'win32')('file modes of the data folder (Linux and macOS)', () => {
  const opened: TestCore[] = [];
  const umaskBefore = process.umask();
  afterEach(() => {
    process.umask(umaskBefore);
  });
  afterAll(async () => {
    for (const core of opened) await core.cleanup();
  });

  it('creates a new data folder 0700 and the database, its WAL and SHM files and the token 0600, even with a permissive umask', async () => {
    process.umask(0o000);
    const dataDir = path.join(tempDir('stockfeed-modes-'), 'data');
    const core = await startCore('sqlite', { dataDir });
    opened.push(core);
    // A write, so the WAL and SHM files exist while the database is open.
    await core.call('settings.update', { ...(await core.call('settings.get', {})), shopName: 'Modes' });
    core.tokens.current();
    expect(mode(dataDir)).toBe(0o700);
    for (const name of ['stockfeed.sqlite', 'stockfeed.sqlite-wal', 'stockfeed.sqlite-shm', 'api-token']) {
      expect(fs.existsSync(path.join(dataDir, name)), name).toBe(true);
      expect(mode(path.join(dataDir, name)), name).toBe(0o600);
    }
    const rotated = core.tokens.rotate();
    expect(rotated.token).toBeTruthy();
    expect(mode(path.join(dataDir, 'api-token'))).toBe(0o600);
  });

  it('tightens an existing install at start: a 0755 folder with a 0644 database becomes 0700/0600', async () => {
    const dataDir = tempDir('stockfeed-modes-old-');
    const first = await startCore('sqlite', { dataDir });
    first.tokens.current();
    await first.close();
    fs.chmodSync(dataDir, 0o755);
    for (const name of ['stockfeed.sqlite', 'api-token']) fs.chmodSync(path.join(dataDir, name), 0o644);
    // Left by an earlier version or a crash: the WAL of the database and a copy.
    fs.writeFileSync(path.join(dataDir, 'stockfeed.sqlite-wal'), '', { mode: 0o644 });
    fs.writeFileSync(path.join(dataDir, 'copy.sqlite'), 'x', { mode: 0o644 });
    fs.writeFileSync(path.join(dataDir, 'window-state.json'), '{}', { mode: 0o644 });

    const core = await startCore('sqlite', { dataDir });
    opened.push(core);
    expect(mode(dataDir)).toBe(0o700);
    for (const name of ['stockfeed.sqlite', 'stockfeed.sqlite-wal', 'api-token', 'copy.sqlite']) expect(mode(path.join(dataDir, name)), name).toBe(0o600);
    // Not a secret: left as it was (the folder itself already keeps others out).
    expect(mode(path.join(dataDir, 'window-state.json'))).toBe(0o644);
  });

  it('only takes permissions away: a read-only database or folder stays read-only (reported at start, never made writable)', () => {
    const dataDir = tempDir('stockfeed-modes-readonly-');
    const file = path.join(dataDir, 'stockfeed.sqlite');
    fs.writeFileSync(file, '', { mode: 0o444 });
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dataDir, 0o555);
    try {
      secureDataDir(dataDir);
      expect(mode(dataDir)).toBe(0o500);
      expect(mode(file)).toBe(0o400);
    } finally {
      fs.chmodSync(dataDir, 0o700);
    }
  });

  it('tightens backups: one rule (secureDataDir / makePrivate) for the backups folder and every file in it', () => {
    const dataDir = tempDir('stockfeed-modes-backup-');
    const backups = path.join(dataDir, 'backups');
    fs.mkdirSync(backups, { mode: 0o755 });
    fs.chmodSync(backups, 0o755);
    fs.writeFileSync(path.join(backups, 'stockfeed-2026-12-01.sqlite'), 'x', { mode: 0o644 });
    fs.writeFileSync(path.join(backups, 'settings.json'), '{}', { mode: 0o644 });
    secureDataDir(dataDir);
    expect(mode(backups)).toBe(0o700);
    expect(mode(path.join(backups, 'stockfeed-2026-12-01.sqlite'))).toBe(0o600);
    expect(mode(path.join(backups, 'settings.json'))).toBe(0o600);

    // What a backup feature calls for each file it writes.
    const later = path.join(backups, 'later.sqlite');
    fs.writeFileSync(later, 'x', { mode: 0o644 });
    makePrivate(later);
    expect(mode(later)).toBe(PRIVATE_FILE_MODE);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('never changes the modes of a backups folder the owner chose that is there already; creates a missing one 0700', async () => {
    // An existing folder may be shared with other things (a web root, a synced folder, `/`): making
    // it 0700 locked every other user and service out of it. Each copy in it is 0600 either way.
    process.umask(0o000);
    const core = await startCore('sqlite');
    opened.push(core);
    const settings = await core.call('settings.get', {});
    const shared = tempDir('stockfeed-modes-shared-');
    fs.chmodSync(shared, 0o755);
    fs.writeFileSync(path.join(shared, 'index.html'), 'theirs', { mode: 0o644 });
    fs.chmodSync(path.join(shared, 'index.html'), 0o644);
    await core.call('settings.update', { ...settings, backups: { folder: shared, automatic: false } });
    const backup = await core.call('backups.create', {});
    expect(mode(shared)).toBe(0o755);
    expect(mode(path.join(shared, 'index.html'))).toBe(0o644);
    expect(mode(path.join(shared, backup.file))).toBe(PRIVATE_FILE_MODE);
    expect(mode(path.join(shared, backup.file.replace(/\.sqlite$/, '.json')))).toBe(PRIVATE_FILE_MODE);

    const missing = path.join(tempDir('stockfeed-modes-new-'), 'disk', 'stockfeed-backups');
    await core.call('settings.update', { ...settings, backups: { folder: missing, automatic: false } });
    const second = await core.call('backups.create', {});
    expect(mode(missing)).toBe(0o700);
    expect(mode(path.dirname(missing))).toBe(0o700);
    expect(mode(path.join(missing, second.file))).toBe(PRIVATE_FILE_MODE);
    fs.rmSync(shared, { recursive: true, force: true });
    fs.rmSync(path.dirname(path.dirname(missing)), { recursive: true, force: true });
  });
});
