/**
 * SFTP delivery against a real OpenSSH sshd on 127.0.0.1 (key login): uploads, incremental
 * updates, removals, a wrong key, an unreachable server with backoff, and coalescing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { settingsInput } from '../../shared/schemas/settings';
import { Outbound, type HostResolver } from '../../electron/core/net/outbound';
import { createDeliveryRunner, type DeliveryRunner } from '../../electron/core/publish/delivery/runner';
import type { PublishOutcome, StoredSettings, TargetStatus } from '../../electron/core/publish/types';
import { tempDir } from '../helpers/core';
import { freePort, startSshd, type TestSshd } from '../helpers/sshd';
import { skipWithout, titled } from '../helpers/system-services';

// Outside CI the suite is skipped without sshd (vitest then runs none of this file's hooks either).
const noSshd = skipWithout('sshd', 'SFTP delivery');

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

/** Writes files into a publish folder and describes the result as the publisher would. */
function publish(dir: string, seq: number, write: Record<string, string>, remove: string[] = [], full = false): PublishOutcome {
  for (const [name, content] of Object.entries(write)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  for (const name of remove) fs.rmSync(path.join(dir, name), { force: true });
  const files = listFiles(dir).map((name) => {
    const buf = fs.readFileSync(path.join(dir, name));
    return { name, path: path.join(dir, name), bytes: buf.length, sha256: crypto.createHash('sha256').update(buf).digest('hex') };
  });
  return { seq, publishDir: dir, full, files, changedFiles: Object.keys(write), removedFiles: remove, changedUrls: [] };
}

function listFiles(root: string, sub = ''): string[] {
  return fs.readdirSync(path.join(root, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(root, rel) : [rel];
  });
}

type Harness = {
  runner: DeliveryRunner;
  settings: StoredSettings;
  publishDir: string;
  remoteDir: string;
  logs: string[];
  sftp(): TargetStatus;
};

let harness: Harness | undefined;
const folders: string[] = [];
afterEach(async () => {
  await harness?.runner.close();
  harness = undefined;
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * sshd listens on 127.0.0.1, which SFTP reaches only with the owner's `webhooks.allowPrivateNetwork`
 * on (the rule every outgoing connection follows), so the harness turns it on unless `extra` says.
 */
function setup(
  sftp: Partial<StoredSettings['sftp']> = {},
  extra: Partial<StoredSettings> = {},
  at?: { publishDir: string; remoteDir: string },
  outbound?: Outbound,
): Harness {
  const publishDir = at?.publishDir ?? tempDir('stockfeed-publish-');
  folders.push(publishDir);
  const remoteDir = at?.remoteDir ?? path.join(sshd.rootDir, crypto.randomBytes(4).toString('hex'), 'site');
  const settings = settingsInput.parse({
    shopUrl: 'https://shop.example.com',
    sftp: { enabled: true, host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, remoteDir, ...sftp },
    webhooks: { allowPrivateNetwork: true },
    ...extra,
  });
  const logs: string[] = [];
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  const current = { settings };
  const runner = createDeliveryRunner({
    settings: () => current.settings,
    logger,
    retry: { baseMs: 40, maxMs: 200, maxAttempts: 3 },
    sftpConnectTimeoutMs: 5_000,
    ...(outbound ? { outbound } : {}),
    // What the settings service does on first use: the key is pinned unless one is already.
    pinHostKey: async ({ fingerprint }) => {
      const sftp = current.settings.sftp;
      if (!sftp.hostFingerprint) current.settings = { ...current.settings, sftp: { ...sftp, hostFingerprint: fingerprint } };
      return current.settings.sftp.hostFingerprint;
    },
  });
  const h: Harness = {
    runner,
    get settings() {
      return current.settings;
    },
    set settings(next) {
      current.settings = next;
    },
    publishDir,
    remoteDir,
    logs,
    sftp: () => runner.status().find((s) => s.target === 'sftp') as TargetStatus,
  };
  harness = h;
  return h;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function remote(h: Harness, name: string): string | null {
  const file = path.join(h.remoteDir, name);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}

const logins = () => (sshd.log().match(/Accepted publickey for /g) ?? []).length;

describe.skipIf(noSshd)(titled('SFTP delivery', noSshd), () => {
  it('uploads every file, creating remote folders, and leaves no temporary files', async () => {
    const h = setup();
    expect(h.sftp().state).toBe('idle');
    const files = { 'google-merchant.xml': '<rss/>', 'sitemap.xml': '<urlset/>', 'jsonld/mug.json': '{"a":1}', 'jsonld/cup.json': '{"b":2}', 'manifest.json': '{"seq":1}' };
    h.runner.onPublished(publish(h.publishDir, 1, files));
    expect(h.sftp().state).toBe('delivering');
    await h.runner.idle();

    const status = h.sftp();
    expect(status).toMatchObject({ state: 'idle', lastSeq: 1, attempts: 0, lastError: null, nextAttemptAt: null });
    expect(status.lastDeliveredAt).not.toBeNull();
    expect(status.lastDurationMs).toBeGreaterThanOrEqual(0);
    for (const [name, content] of Object.entries(files)) expect(remote(h, name)).toBe(content);
    // Exactly the published files plus the sync index: no temporary `.part` file left behind.
    expect(listFiles(h.remoteDir).sort()).toEqual([...Object.keys(files), '.stockfeed-sync.json'].sort());
    const index = JSON.parse(remote(h, '.stockfeed-sync.json') as string) as { format: string; files: Record<string, string> };
    expect(index.format).toBe('stockfeed-sftp-sync/1');
    expect(index.files['jsonld/mug.json']).toBe(crypto.createHash('sha256').update('{"a":1}').digest('hex'));
  });

  it('after a restart sends only what differs from the server’s sync index, and removes what went away', async () => {
    const first = setup();
    first.runner.onPublished(publish(first.publishDir, 1, { 'sitemap.xml': 'v1', 'jsonld/a.json': 'a', 'jsonld/b.json': 'b', 'manifest.json': 'm1' }));
    await first.runner.idle();
    await first.runner.close();
    const inode = (name: string) => fs.statSync(path.join(first.remoteDir, name)).ino;
    const before = { sitemap: inode('sitemap.xml'), a: inode('jsonld/a.json') };

    // The app restarts (a new runner knows nothing); meanwhile a.json changed and b.json went away.
    const h = setup({}, {}, { publishDir: first.publishDir, remoteDir: first.remoteDir });
    h.runner.onPublished(publish(h.publishDir, 2, { 'jsonld/a.json': 'a2' }, ['jsonld/b.json']));
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 2 });
    expect(inode('sitemap.xml')).toBe(before.sitemap);
    expect(inode('jsonld/a.json')).not.toBe(before.a);
    expect(remote(h, 'jsonld/a.json')).toBe('a2');
    expect(remote(h, 'jsonld/b.json')).toBeNull();

    // A file removed while the app was down (not in any outcome's removedFiles) also goes, because
    // the index says Stockfeed put it there.
    await h.runner.close();
    fs.rmSync(path.join(h.publishDir, 'sitemap.xml'));
    const again = setup({}, {}, { publishDir: first.publishDir, remoteDir: first.remoteDir });
    again.runner.onPublished(publish(again.publishDir, 3, { 'manifest.json': 'm3' }));
    await again.runner.idle();
    expect(remote(again, 'sitemap.xml')).toBeNull();
    expect(listFiles(again.remoteDir).sort()).toEqual(['.stockfeed-sync.json', 'jsonld/a.json', 'manifest.json']);
  });

  it('sends only changed files afterwards and deletes what the publish removed', async () => {
    const h = setup();
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1', 'jsonld/mug.json': 'mug', 'jsonld/cup.json': 'cup', 'manifest.json': 'm1' }));
    await h.runner.idle();
    const sitemapInode = fs.statSync(path.join(h.remoteDir, 'sitemap.xml')).ino;
    const mugInode = fs.statSync(path.join(h.remoteDir, 'jsonld/mug.json')).ino;

    h.runner.onPublished(publish(h.publishDir, 2, { 'jsonld/mug.json': 'mug v2', 'manifest.json': 'm2' }, ['jsonld/cup.json']));
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 2 });
    expect(remote(h, 'jsonld/mug.json')).toBe('mug v2');
    expect(remote(h, 'jsonld/cup.json')).toBeNull();
    expect(remote(h, 'manifest.json')).toBe('m2');
    // Unchanged file untouched; the changed one replaced by rename (a new inode, never rewritten in place).
    expect(fs.statSync(path.join(h.remoteDir, 'sitemap.xml')).ino).toBe(sitemapInode);
    expect(fs.statSync(path.join(h.remoteDir, 'jsonld/mug.json')).ino).not.toBe(mugInode);
  });

  it('a delivery that fails half-way leaves no sync index, so a restart sends every file again', async () => {
    const first = setup();
    first.runner.onPublished(publish(first.publishDir, 1, { 'sitemap.xml': 'v1', 'jsonld/a.json': 'a', 'manifest.json': 'm1' }));
    await first.runner.idle();
    const sitemapInode = fs.statSync(path.join(first.remoteDir, 'sitemap.xml')).ino;
    // A folder where a file must go makes the rename fail on the server.
    fs.mkdirSync(path.join(first.remoteDir, 'jsonld/blocked.json'));
    first.runner.onPublished(publish(first.publishDir, 2, { 'jsonld/blocked.json': 'x', 'manifest.json': 'm2' }));
    await first.runner.idle();
    expect(first.sftp()).toMatchObject({ state: 'retrying', attempts: 1, lastSeq: 1 });
    expect(first.sftp().lastError).toMatch(/^SFTP upload to 127\.0\.0\.1:\d+ failed: /);
    expect(remote(first, '.stockfeed-sync.json')).toBeNull();
    await first.runner.close();

    fs.rmdirSync(path.join(first.remoteDir, 'jsonld/blocked.json'));
    const h = setup({}, {}, { publishDir: first.publishDir, remoteDir: first.remoteDir });
    h.runner.onPublished(publish(h.publishDir, 3, { 'manifest.json': 'm3' }));
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 3 });
    expect(fs.statSync(path.join(h.remoteDir, 'sitemap.xml')).ino).not.toBe(sitemapInode);
    expect(remote(h, 'jsonld/blocked.json')).toBe('x');
    expect(remote(h, '.stockfeed-sync.json')).not.toBeNull();
  });

  it('a full publish sends every file again', async () => {
    const h = setup();
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1', 'manifest.json': 'm1' }));
    await h.runner.idle();
    const inode = fs.statSync(path.join(h.remoteDir, 'sitemap.xml')).ino;
    h.runner.onPublished(publish(h.publishDir, 2, { 'manifest.json': 'm2' }, [], true));
    await h.runner.idle();
    expect(fs.statSync(path.join(h.remoteDir, 'sitemap.xml')).ino).not.toBe(inode);
  });

  it('a wrong key fails with a clear error and no retries, then recovers when the settings are fixed', async () => {
    const h = setup({ privateKey: sshd.wrongKey });
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1', 'manifest.json': 'm1' }));
    await h.runner.idle();
    const failed = h.sftp();
    expect(failed.state).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.nextAttemptAt).toBeNull();
    expect(failed.lastError).toMatch(new RegExp(`SFTP login as "${sshd.username}" on 127\\.0\\.0\\.1:${sshd.port} was refused.*private key`));
    expect(failed.lastSeq).toBeNull();
    expect(remote(h, 'sitemap.xml')).toBeNull();

    h.settings = { ...h.settings, sftp: { ...h.settings.sftp, privateKey: sshd.privateKey } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 1, attempts: 0, lastError: null });
    expect(remote(h, 'sitemap.xml')).toBe('v1');

    // Neither the status nor any log line ever carries the key.
    const keyBody = sshd.wrongKey.split('\n')[1] as string;
    for (const line of [...h.logs, JSON.stringify(h.runner.status())]) {
      expect(line).not.toContain(keyBody);
      expect(line).not.toContain(sshd.privateKey.split('\n')[1] as string);
    }
  });

  it('refuses a server whose host key differs from the pinned fingerprint, and delivers once it matches', async () => {
    const impostor = 'SHA256:' + 'A'.repeat(43);
    const h = setup({ hostFingerprint: impostor });
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
    await h.runner.idle();
    const failed = h.sftp();
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toContain(`showed host key ${sshd.hostFingerprint}, not the pinned ${impostor}`);
    expect(remote(h, 'sitemap.xml')).toBeNull();

    h.settings = { ...h.settings, sftp: { ...h.settings.sftp, hostFingerprint: sshd.hostFingerprint } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 1, lastError: null });
    expect(remote(h, 'sitemap.xml')).toBe('v1');
  });

  it('pins the key the server shows at the first connection (trust on first use) and says so', async () => {
    const h = setup();
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', hostKey: { pinned: sshd.hostFingerprint, offered: null } });
    expect(h.settings.sftp.hostFingerprint).toBe(sshd.hostFingerprint);
    expect(h.logs).toContain(`sftp: pinned the host key of 127.0.0.1:${sshd.port} on first connection: ${sshd.hostFingerprint}`);
  });

  it('refuses a server on this computer or the local network unless the owner allows it, connecting to the address it checked', async () => {
    // nas.test is no name the system resolves: this resolver answers for it, once per delivery, so
    // an upload that works proves the connection went to the checked address, not to a new lookup.
    const lookups: string[] = [];
    const resolve: HostResolver = async (hostname) => {
      lookups.push(hostname);
      return hostname === 'nas.test' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '192.168.1.20', family: 4 }];
    };
    const outbound = new Outbound({ resolve });
    const h = setup({ host: 'nas.test' }, { webhooks: { allowPrivateNetwork: false } }, undefined, outbound);
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
    await h.runner.idle();
    const before = logins();
    expect(h.sftp()).toMatchObject({
      state: 'failed',
      attempts: 1,
      nextAttemptAt: null,
      lastError:
        `SFTP server nas.test:${sshd.port}: refused: nas.test resolves to 127.0.0.1, which is loopback (127/8, this computer); ` +
        'requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on; ' +
        'turn it on under Settings → Outgoing requests to publish there',
    });
    // Nothing reached the server: no key pinned, nothing uploaded.
    expect(h.settings.sftp.hostFingerprint).toBe('');
    expect(fs.existsSync(h.remoteDir)).toBe(false);
    expect(lookups).toEqual(['nas.test']);

    // A private network address by name, and as an address.
    h.settings = { ...h.settings, sftp: { ...h.settings.sftp, host: 'files.office.test' } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.sftp().lastError).toContain(`SFTP server files.office.test:${sshd.port}: refused: files.office.test resolves to 192.168.1.20, which is private network (192.168/16)`);
    h.settings = { ...h.settings, sftp: { ...h.settings.sftp, host: '10.1.2.3' } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.sftp().lastError).toContain(`SFTP server 10.1.2.3:${sshd.port}: refused: 10.1.2.3 is private network (10/8)`);

    // Allowed: the same name now delivers (the setting re-arms the failed target).
    h.settings = { ...h.settings, sftp: { ...h.settings.sftp, host: 'nas.test' }, webhooks: { allowPrivateNetwork: true } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 1, lastError: null, hostKey: { pinned: sshd.hostFingerprint } });
    expect(remote(h, 'sitemap.xml')).toBe('v1');
    expect(logins()).toBe(before + 1);
    expect(lookups.at(-1)).toBe('nas.test');
    outbound.close();
  });

  it('never connects to a link-local address (cloud metadata), whatever the setting', async () => {
    const h = setup({ host: '169.254.169.254' });
    expect(h.settings.webhooks.allowPrivateNetwork).toBe(true);
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({
      state: 'failed',
      nextAttemptAt: null,
      lastError: `SFTP server 169.254.169.254:${sshd.port}: refused: 169.254.169.254 is link-local (cloud metadata, 169.254/16); requests there are always refused`,
    });
  });

  it('incomplete settings fail at once with what is missing', async () => {
    const h = setup({ privateKey: null, password: null, host: '' });
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'failed', lastError: 'SFTP is on but its settings are incomplete: set the host, private key or password' });
  });

  it('is off while disabled, and uploads the current folder once switched on', async () => {
    const h = setup({ enabled: false });
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1', 'jsonld/a.json': 'a' }));
    h.runner.onPublished(publish(h.publishDir, 2, { 'manifest.json': 'm2' }, ['jsonld/a.json']));
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'off', lastSeq: null });
    expect(fs.existsSync(h.remoteDir)).toBe(false);

    h.settings = { ...h.settings, sftp: { ...h.settings.sftp, enabled: true } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 2 });
    expect(listFiles(h.remoteDir).sort()).toEqual(['.stockfeed-sync.json', 'manifest.json', 'sitemap.xml']);
  });

  it('retries an unreachable server with growing delays, gives up, and delivers on the next publish', async () => {
    // A proxy that first refuses (drops) connections, then forwards them to sshd.
    let up = false;
    const proxy = net.createServer((socket) => {
      if (!up) return socket.destroy();
      const upstream = net.connect(sshd.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    const port = await freePort();
    await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
    try {
      const h = setup({ port });
      const seen: TargetStatus[] = [];
      h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
      await until(() => {
        const s = h.sftp();
        if (s.state === 'retrying' && !seen.some((x) => x.attempts === s.attempts)) seen.push(s);
        return s.state === 'failed';
      }, 'the target to give up');
      // Two scheduled retries (attempts 1 and 2), then failed at the third (maxAttempts 3).
      expect(seen.map((s) => s.attempts)).toEqual([1, 2]);
      for (const s of seen) {
        expect(s.nextAttemptAt).not.toBeNull();
        expect(s.lastError).toMatch(/SFTP/);
      }
      expect(h.sftp()).toMatchObject({ state: 'failed', attempts: 3, nextAttemptAt: null });

      up = true;
      h.runner.onPublished(publish(h.publishDir, 2, { 'sitemap.xml': 'v2' }));
      await h.runner.idle();
      expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 2, attempts: 0, lastError: null });
      expect(remote(h, 'sitemap.xml')).toBe('v2');
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('retryNow skips the backoff wait', async () => {
    const port = await freePort();
    const h = setup({ port });
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
    await until(() => h.sftp().state === 'retrying', 'a scheduled retry');
    expect(h.sftp().lastError).toMatch(/refused the connection/);
    h.runner.retryNow('sftp');
    expect(h.sftp().state).toBe('delivering');
    await h.runner.idle();
    expect(h.sftp().attempts).toBe(2);
  });

  it('coalesces publishes that arrive during an upload: the newest is delivered, no change is lost', async () => {
    const h = setup();
    const before = logins();
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1', 'jsonld/a.json': 'a1', 'jsonld/b.json': 'b1', 'manifest.json': 'm1' }));
    expect(h.sftp().state).toBe('delivering');
    h.runner.onPublished(publish(h.publishDir, 2, { 'jsonld/a.json': 'a2', 'manifest.json': 'm2' }, ['jsonld/b.json']));
    h.runner.onPublished(publish(h.publishDir, 3, { 'jsonld/c.json': 'c3', 'manifest.json': 'm3' }));
    h.runner.onPublished(publish(h.publishDir, 4, { 'sitemap.xml': 'v4', 'manifest.json': 'm4' }));
    await h.runner.idle();

    expect(h.sftp()).toMatchObject({ state: 'idle', lastSeq: 4 });
    expect(logins() - before).toBe(2);
    expect(remote(h, 'jsonld/a.json')).toBe('a2');
    expect(remote(h, 'jsonld/b.json')).toBeNull();
    expect(remote(h, 'jsonld/c.json')).toBe('c3');
    expect(remote(h, 'sitemap.xml')).toBe('v4');
    expect(remote(h, 'manifest.json')).toBe('m4');
  });

  it('uploads the IndexNow key file with the folder, and removes an old key file', async () => {
    const h = setup({}, { indexNow: { enabled: true, key: 'first-key-123', engine: 'api.indexnow.org' } });
    h.runner.onPublished(publish(h.publishDir, 1, { 'sitemap.xml': 'v1' }));
    await h.runner.idle();
    expect(remote(h, 'first-key-123.txt')).toBe('first-key-123');
    expect(fs.readFileSync(path.join(h.publishDir, 'first-key-123.txt'), 'utf8')).toBe('first-key-123');

    // IndexNow itself has no shop engine here; only the SFTP side matters in this test.
    h.settings = { ...h.settings, indexNow: { ...h.settings.indexNow, key: 'second-key-456' } };
    h.runner.settingsChanged();
    await h.runner.idle();
    expect(remote(h, 'second-key-456.txt')).toBe('second-key-456');
    expect(remote(h, 'first-key-123.txt')).toBeNull();
    expect(fs.existsSync(path.join(h.publishDir, 'first-key-123.txt'))).toBe(false);
  });
});
