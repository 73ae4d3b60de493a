/**
 * Security regression (issue 12): SFTP trust on first use against a real OpenSSH sshd. The first
 * connection pins the key the server shows (in the settings, on the change log) before logging in;
 * a server on the same address with another key is refused before any authentication is sent, and
 * the owner accepts the new key to carry on. A key that cannot be pinned is never trusted unpinned.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryRunner, type DeliveryRunner } from '../../electron/core/publish/delivery/runner';
import type { TargetStatus } from '../../electron/core/publish/types';
import { settingsInput } from '../../shared/schemas/settings';
import { configureShop, goodProduct } from '../fixtures/publish/helpers';
import { startCore, tempDir, type TestCore } from '../helpers/core';
import { startSshd, type TestSshd } from '../helpers/sshd';

const servers: TestSshd[] = [];
const folders: string[] = [];
let core: TestCore | undefined;
let runner: DeliveryRunner | undefined;
afterEach(async () => {
  await runner?.close();
  await core?.cleanup();
  for (const s of servers.splice(0)) await s.stop();
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  core = undefined;
  runner = undefined;
});

async function sshd(options: Parameters<typeof startSshd>[0] = {}): Promise<TestSshd> {
  const server = await startSshd({ logLevel: 'DEBUG1', ...options });
  servers.push(server);
  return server;
}

function folder(prefix: string): string {
  const dir = tempDir(prefix);
  folders.push(dir);
  return dir;
}

/** sshd at DEBUG1 logs every authentication request a client sends ("userauth-request for user …"). */
const authRequests = (server: TestSshd) => (server.log().match(/userauth-request for user/g) ?? []).length;
const logins = (server: TestSshd) => (server.log().match(/Accepted publickey for /g) ?? []).length;
const connections = (server: TestSshd) => (server.log().match(/Connection from 127\.0\.0\.1/g) ?? []).length;

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function sftpStatus(c: TestCore): Promise<TargetStatus> {
  const status = await c.call('publish.status', {});
  return status.targets.find((t) => t.target === 'sftp') as TargetStatus;
}

describe('SFTP trust on first use', () => {
  it('pins the first key through the settings, refuses another key on the same address without logging in, and delivers once the owner accepts it', async () => {
    const first = await sshd();
    const remoteDir = folder('stockfeed-remote-');
    const c = await startCore('sqlite', { delivery: { retry: { baseMs: 50, maxMs: 200, maxAttempts: 2 }, sftpConnectTimeoutMs: 5_000 } });
    core = c;
    const settings = await c.call('settings.get', {});
    await configureShop(c, {
      sftp: { ...settings.sftp, enabled: true, host: first.host, port: first.port, username: first.username, privateKey: first.privateKey, remoteDir, hostFingerprint: '' },
      // sshd listens on 127.0.0.1: this computer, reached only with the owner's setting on.
      webhooks: { allowPrivateNetwork: true },
    });
    await c.call('products.create', goodProduct('TOFU-1'));
    await c.call('publish.run', {});
    await until(async () => (await sftpStatus(c)).lastSeq !== null, 'the first delivery');
    await c.delivery.idle();

    // Pinned on first connection, in the settings and on the change log, and shown in the status.
    const pinned = await c.call('settings.get', {});
    expect(pinned.sftp.hostFingerprint).toBe(first.hostFingerprint);
    expect(Date.parse(pinned.sftp.hostFingerprintPinnedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    const log = await c.call('changes.list', { since: 0, limit: 1000 });
    expect(log.changes.filter((ch) => ch.type === 'settings.updated').at(-1)?.payload).toMatchObject({ changed: ['sftp'], pinnedHostKey: first.hostFingerprint });
    expect(await sftpStatus(c)).toMatchObject({ state: 'idle', lastError: null, hostKey: { pinned: first.hostFingerprint, pinnedAt: pinned.sftp.hostFingerprintPinnedAt, offered: null } });
    expect(fs.readFileSync(path.join(remoteDir, 'google-merchant.xml'), 'utf8')).toContain('TOFU-1');
    // Pinning changed the settings, which did not set off a second delivery: one login in all.
    expect(logins(first)).toBe(1);
    // The log shows authentication requests when there are some (so their absence below counts).
    expect(authRequests(first)).toBeGreaterThan(0);

    // A settings form loaded before the pin sends the key empty: the pin stays.
    await c.call('settings.update', { ...pinned, shopName: 'Renamed shop', sftp: { ...pinned.sftp, hostFingerprint: '' } });
    expect(c.settings.current().sftp.hostFingerprint).toBe(first.hostFingerprint);

    // Another server on the same address with another key: an impostor, or a reinstalled server.
    await first.stop();
    const second = await sshd({ port: first.port, userKey: first.privateKey });
    expect(second.hostFingerprint).not.toBe(first.hostFingerprint);
    await c.call('products.update', { idOrSku: 'TOFU-1', title: 'Changed title' });
    await c.call('publish.run', {});
    await until(async () => (await sftpStatus(c)).state === 'failed', 'the delivery to be refused');
    const refused = await sftpStatus(c);
    expect(refused.lastError).toContain(`showed host key ${second.hostFingerprint}, not the pinned ${first.hostFingerprint}`);
    expect(refused.lastError).toContain('Accept this key');
    expect(refused.hostKey).toEqual({ pinned: first.hostFingerprint, pinnedAt: pinned.sftp.hostFingerprintPinnedAt, offered: second.hostFingerprint });
    // It reached the server, and the refusal came before any authentication request.
    expect(connections(second)).toBeGreaterThan(0);
    expect(authRequests(second)).toBe(0);
    expect(fs.readFileSync(path.join(remoteDir, 'google-merchant.xml'), 'utf8')).not.toContain('Changed title');
    expect(c.settings.current().sftp.hostFingerprint).toBe(first.hostFingerprint);

    // The owner accepts the new key (what "Accept this key" does: the settings with the offered key).
    const current = await c.call('settings.get', {});
    await c.call('settings.update', { ...current, sftp: { ...current.sftp, hostFingerprint: refused.hostKey?.offered as string } });
    await until(async () => (await sftpStatus(c)).state === 'idle', 'the delivery after accepting');
    expect(await sftpStatus(c)).toMatchObject({ lastError: null, hostKey: { pinned: second.hostFingerprint, pinnedAt: null, offered: null } });
    expect(fs.readFileSync(path.join(remoteDir, 'google-merchant.xml'), 'utf8')).toContain('Changed title');
    expect(logins(second)).toBe(1);
  });

  it('a key that cannot be pinned is refused before logging in, on every attempt: the password never reaches an unpinned server', async () => {
    const server = await sshd();
    const publishDir = folder('stockfeed-publish-');
    fs.writeFileSync(path.join(publishDir, 'sitemap.xml'), '<urlset/>');
    const password = `pw-${crypto.randomBytes(6).toString('hex')}`;
    const settings = settingsInput.parse({
      sftp: { enabled: true, host: server.host, port: server.port, username: server.username, password, remoteDir: folder('stockfeed-remote-'), hostFingerprint: '' },
      webhooks: { allowPrivateNetwork: true },
    });
    const pins: string[] = [];
    const logs: string[] = [];
    runner = createDeliveryRunner({
      settings: () => settings,
      logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      retry: { baseMs: 50, maxMs: 100, maxAttempts: 3 },
      sftpConnectTimeoutMs: 5_000,
      pinHostKey: async (pin) => {
        pins.push(pin.fingerprint);
        throw new Error('the disk holding the data folder is full');
      },
    });
    const file = { name: 'sitemap.xml', path: path.join(publishDir, 'sitemap.xml'), bytes: 9, sha256: crypto.createHash('sha256').update('<urlset/>').digest('hex') };
    runner.onPublished({ seq: 1, publishDir, full: true, files: [file], changedFiles: ['sitemap.xml'], removedFiles: [], changedUrls: [] });
    const sftp = () => (runner as DeliveryRunner).status().find((t) => t.target === 'sftp') as TargetStatus;
    await until(() => sftp().state === 'failed', 'the attempts to run out');

    expect(pins).toEqual([server.hostFingerprint, server.hostFingerprint, server.hostFingerprint]);
    expect(sftp().lastError).toBe(
      `SFTP server ${server.host}:${server.port} shows host key ${server.hostFingerprint}, which could not be pinned (the disk holding the data folder is full); not logging in until it is.`,
    );
    expect(connections(server)).toBe(3);
    expect(authRequests(server)).toBe(0);
    for (const line of [...logs, server.log(), JSON.stringify(runner.status())]) expect(line).not.toContain(password);
  });
});
