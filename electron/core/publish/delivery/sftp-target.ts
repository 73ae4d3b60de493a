/**
 * SFTP delivery: mirrors the publish folder into a remote folder. Each file goes to a temporary
 * name first and is then renamed over the old one, so the web server never serves half a file.
 * Only files whose content the server does not already have are sent.
 */
import crypto, { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { posix } from 'node:path';
import { Transform } from 'node:stream';
import type SftpClient from 'ssh2-sftp-client';
import type { Logger } from '../../logger';
import { OutboundRefusedError, type Outbound } from '../../net/outbound';
import type { HostKeyPin, HostKeyStatus, PublishedFile, PublishOutcome, StoredSettings } from '../types';
import { DeliveryError, errorMessage } from './delivery-error';
import { INDEXNOW_KEY } from './indexnow-config';
import { sftpRefusalMessage } from './sftp-config';
import { syncKeyFile } from './key-file';
import { isPlainName, readSyncIndex, SYNC_INDEX, syncIndexContent } from './sftp-sync-index';
import type { DeliveryTarget } from './target-loop';

export type SftpTargetOptions = {
  logger: Logger;
  /** ssh handshake deadline. */
  connectTimeoutMs: number;
  /** Files in flight at once over the one connection. */
  concurrency: number;
  /**
   * Stores the key a server showed at the first connection (trust on first use) and returns the
   * key now pinned for that server. Without it, a server with no pinned key is refused.
   */
  pinHostKey?: (pin: HostKeyPin) => Promise<string>;
  /** The checked way out: the server's host is resolved and checked by the same rules as every URL. */
  outbound: Outbound;
};

type SftpSettings = StoredSettings['sftp'];

export class SftpTarget implements DeliveryTarget {
  readonly name = 'sftp' as const;
  private latest: PublishOutcome | null = null;
  private generation = 0;
  private delivered = 0;
  /** Names removed by publishes since they were last deleted on the server. */
  private readonly removed = new Set<string>();
  /**
   * Files confirmed on the server, with the sha256 of what was sent. Read from the server's sync
   * index at the first connection (and after a destination change), then kept up to date here.
   */
  private remote = new Map<string, string>();
  private known = false;
  /** The server's sync index is missing or behind `remote` and must be written. */
  private indexDirty = false;
  /** A full publish sends every file, whatever the server is believed to have (until delivered). */
  private sendAllUpTo = 0;
  private destination = '';
  private posixRename = true;
  /** Set by the host-key check of the connection under way, so its refusal reaches the status. */
  private hostMismatch: DeliveryError | null = null;
  /** A different key a server showed, refused; the owner may accept it. */
  private offered: string | null = null;
  /** The key this target pinned (or is pinning) itself on first use; see fingerprint(). */
  private selfPinned: string | null = null;

  constructor(private readonly options: SftpTargetOptions) {}

  /**
   * ssh2 calls this during key exchange, before any authentication: nothing (no password, no key
   * signature) is sent until `verify(true)`. A pinned key must match; with none pinned yet, the key
   * shown is pinned first (stored in the settings), and only then does the login go ahead.
   */
  private verifyHost(key: Buffer, cfg: SftpSettings, verify: (accept: boolean) => void): void {
    const seen = hostKeyFingerprint(key);
    const where = `${cfg.host}:${cfg.port}`;
    this.hostMismatch = null;
    const refuse = (error: DeliveryError) => {
      this.hostMismatch = error;
      verify(false);
    };
    if (cfg.hostFingerprint) {
      if (seen === cfg.hostFingerprint.replace(/=$/, '')) {
        this.offered = null;
        return verify(true);
      }
      this.offered = seen;
      return refuse(mismatchError(where, seen, cfg.hostFingerprint));
    }
    const pin = this.options.pinHostKey;
    if (!pin) return refuse(new DeliveryError(`SFTP server ${where} shows host key ${seen}, and no key is pinned: enter it in Settings (SFTP host key fingerprint) to upload.`, false));
    this.selfPinned = seen;
    pin({ host: cfg.host, port: cfg.port, fingerprint: seen }).then(
      (pinned) => {
        if (pinned === seen) {
          this.offered = null;
          this.options.logger.info(`sftp: pinned the host key of ${where} on first connection: ${seen}`);
          return verify(true);
        }
        this.selfPinned = null;
        if (!pinned) return refuse(new DeliveryError(`SFTP settings changed while connecting to ${where}; trying again with the new ones`, true));
        this.offered = seen;
        refuse(mismatchError(where, seen, pinned));
      },
      (error: unknown) => {
        this.selfPinned = null;
        // Refused, not trusted unpinned: the credentials go only to a server whose key is on record.
        refuse(new DeliveryError(`SFTP server ${where} shows host key ${seen}, which could not be pinned (${errorMessage(error)}); not logging in until it is.`, true));
      },
    );
  }

  /**
   * The server's address, checked as every address the core calls is (net/outbound.ts): this
   * computer and the local network only with the owner's `webhooks.allowPrivateNetwork`, link-local
   * (cloud metadata) and the like never. Checked when the settings were saved too (sftp-config.ts),
   * but DNS may answer otherwise now. A refusal waits for a settings change, not a retry.
   */
  private async checkedAddress(cfg: SftpSettings, allowPrivateNetwork: boolean): Promise<string> {
    try {
      return (await this.options.outbound.checkedAddress(cfg.host, allowPrivateNetwork)).address;
    } catch (error) {
      if (!(error instanceof OutboundRefusedError)) throw connectError(error, cfg);
      throw new DeliveryError(`SFTP server ${cfg.host}:${cfg.port}: ${sftpRefusalMessage(error)}`, false);
    }
  }

  /** The pinned key and when (first connection), and a refused different one, for the status. */
  hostKey(settings: StoredSettings): HostKeyStatus {
    const { hostFingerprint, hostFingerprintPinnedAt } = settings.sftp;
    return { pinned: hostFingerprint || null, pinnedAt: hostFingerprint ? (hostFingerprintPinnedAt ?? null) : null, offered: this.offered };
  }

  enabled(settings: StoredSettings): boolean {
    return settings.sftp.enabled;
  }

  fingerprint(settings: StoredSettings): string {
    // A key this target pinned itself is no settings change to react to: the connection that
    // pinned it carries on (reacting would reconnect and deliver again, for nothing).
    const hostKey = settings.sftp.hostFingerprint === this.selfPinned ? '' : settings.sftp.hostFingerprint;
    // The IndexNow key is part of it because the key file is one of the files delivered.
    // The private-network setting, so that allowing a refused server's network re-arms the target.
    return hash(
      JSON.stringify([
        settings.sftp.enabled,
        destinationOf(settings.sftp),
        hostKey,
        settings.indexNow.enabled,
        settings.indexNow.key,
        settings.webhooks.allowPrivateNetwork,
      ]),
    );
  }

  accept(outcome: PublishOutcome): void {
    this.latest = outcome;
    this.generation += 1;
    for (const name of outcome.removedFiles) this.removed.add(name);
    if (outcome.full) this.sendAllUpTo = this.generation;
  }

  hasWork(): boolean {
    return this.latest !== null && this.generation !== this.delivered;
  }

  reset(settings: StoredSettings): void {
    // A key accepted or a server changed: what was refused before no longer stands.
    this.offered = null;
    const destination = hash(JSON.stringify(destinationOf(settings.sftp)));
    if (destination !== this.destination) this.forget(destination);
    if (this.latest) this.generation += 1;
  }

  async deliver(settings: StoredSettings, signal: AbortSignal): Promise<number | null> {
    const outcome = this.latest;
    if (!outcome) return null;
    const generation = this.generation;
    const cfg = settings.sftp;
    const destination = hash(JSON.stringify(destinationOf(cfg)));
    if (destination !== this.destination) this.forget(destination);
    checkSettings(cfg);

    const files = [...outcome.files];
    if (settings.indexNow.enabled && INDEXNOW_KEY.test(settings.indexNow.key)) {
      const key = await syncKeyFile(outcome.publishDir, settings.indexNow.key);
      if (!files.some((f) => f.name === key.file.name)) files.push(key.file);
      for (const name of key.removed) this.removed.add(name);
    }
    for (const f of files) checkName(f.name);
    const sendAll = this.sendAllUpTo > this.delivered;
    const address = await this.checkedAddress(cfg, settings.webhooks.allowPrivateNetwork);

    const client = new (await loadSftpClient())('stockfeed', {
      error: (error) => this.options.logger.warn(`sftp connection: ${redact(errorMessage(error), cfg)}`),
      end: () => {},
      close: () => {},
    });
    const onAbort = () => void client.end().catch(() => {});
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await client
        .connect({
          // The address checked above, not the name: DNS cannot answer otherwise in between. The
          // host key is still checked against the key pinned for the name (verifyHost).
          host: address,
          port: cfg.port,
          username: cfg.username,
          // One credential: ssh2 would try a password before a key, sending it needlessly.
          ...(cfg.privateKey ? { privateKey: cfg.privateKey } : cfg.password ? { password: cfg.password } : {}),
          readyTimeout: this.options.connectTimeoutMs,
          hostVerifier: (key: Buffer, verify: (accept: boolean) => void) => this.verifyHost(key, cfg, verify),
          // Credentials are tried in order; never fall back to the user's ssh agent or keyboard prompts.
          tryKeyboard: false,
        })
        .catch((error: unknown) => {
          if (this.hostMismatch) throw this.hostMismatch;
          throw connectError(error, cfg);
        });
      const root = cfg.remoteDir.replace(/\/+$/, '') || '.';
      const indexPath = posix.join(root, SYNC_INDEX);
      if (!this.known) {
        this.remote = await readSyncIndex(client, indexPath);
        this.known = true;
        this.indexDirty = this.remote.size === 0;
      }
      const present = new Set(files.map((f) => f.name));
      const upload = files
        .filter((f) => sendAll || this.remote.get(f.name) !== f.sha256)
        // manifest.json last: once it changes on the server, everything it describes is there.
        .sort((a, b) => Number(a.name === 'manifest.json') - Number(b.name === 'manifest.json'));
      const remove = [...new Set([...this.removed, ...this.remote.keys()])].filter((n) => !present.has(n));
      const dirs = new Set<string>();
      if (root !== '.') dirs.add(root);
      for (const f of upload) {
        const dir = posix.dirname(posix.join(root, f.name));
        if (dir !== '.') dirs.add(dir);
      }
      for (const dir of [...dirs].sort()) await client.mkdir(dir, true);
      if ((upload.length > 0 || remove.length > 0) && !this.indexDirty) {
        // Until this delivery completes the index would be wrong; without one, a restart after a
        // failure sends every file again, which is always right.
        await client.delete(indexPath, true);
        this.indexDirty = true;
      }

      await inPool(upload, this.options.concurrency, async (file) => {
        if (signal.aborted) return;
        await this.uploadOne(client, file, posix.join(root, file.name));
      });
      for (const name of remove) {
        if (signal.aborted) break;
        await client.delete(posix.join(root, name), true);
        this.removed.delete(name);
        this.remote.delete(name);
      }
      if (signal.aborted) throw new DeliveryError('SFTP delivery stopped: the app is closing', true);
      if (this.indexDirty) {
        const temp = `${indexPath}.${crypto.randomBytes(6).toString('hex')}.part`;
        await client.put(syncIndexContent(this.remote), temp);
        await this.renameOver(client, temp, indexPath);
        this.indexDirty = false;
      }
      this.delivered = generation;
      if (upload.length > 0 || remove.length > 0) {
        this.options.logger.info(`sftp: ${upload.length} uploaded, ${remove.length} removed on ${cfg.host}:${cfg.port} (seq ${outcome.seq})`);
      }
      return outcome.seq;
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      throw new DeliveryError(`SFTP upload to ${cfg.host}:${cfg.port} failed: ${redact(errorMessage(error), cfg)}`, true);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await client.end().catch(() => {});
    }
  }

  private forget(destination: string): void {
    this.destination = destination;
    this.remote.clear();
    this.known = false;
    this.indexDirty = false;
  }

  private async uploadOne(client: SftpClient, file: PublishedFile, target: string): Promise<void> {
    // Forgotten first: if the old file is deleted and the rename then fails, it must be sent again.
    this.remote.delete(file.name);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file.path, 'r');
    } catch (error) {
      // A newer publish removed it since; that publish lists it as removed and is delivered next.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const temp = posix.join(posix.dirname(target), `.${posix.basename(target)}.${crypto.randomBytes(6).toString('hex')}.part`);
    const digest = crypto.createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        digest.update(chunk);
        done(null, chunk);
      },
    });
    try {
      // The open handle pins the content: a concurrent publish renaming a new file in does not mix in.
      const source = handle.createReadStream({ autoClose: false });
      // pipe() does not forward errors; put() listens on the stream it is given.
      source.once('error', (error) => hashing.destroy(error));
      await client.put(source.pipe(hashing), temp);
      await this.renameOver(client, temp, target);
    } catch (error) {
      await client.delete(temp, true).catch(() => {});
      throw error;
    } finally {
      await handle.close();
    }
    this.remote.set(file.name, digest.digest('hex'));
  }

  private async renameOver(client: SftpClient, from: string, to: string): Promise<void> {
    if (this.posixRename) {
      try {
        await client.posixRename(from, to);
        return;
      } catch (error) {
        if (!/does not support/i.test(errorMessage(error))) throw error;
        this.posixRename = false;
      }
    }
    // Plain SFTP rename refuses to replace a file, so the old one goes first (a short gap).
    await client.delete(to, true);
    await client.rename(from, to);
  }
}

function destinationOf(cfg: SftpSettings): unknown[] {
  return [cfg.host, cfg.port, cfg.username, cfg.password ?? null, cfg.privateKey ?? null, cfg.remoteDir];
}

function hash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** The OpenSSH fingerprint of a raw host key: `SHA256:` and unpadded base64, as `ssh-keygen -lf` shows. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function mismatchError(where: string, seen: string, pinned: string): DeliveryError {
  return new DeliveryError(
    `SFTP server ${where} showed host key ${seen}, not the pinned ${pinned}: refusing to log in or upload. ` +
      'If the server was reinstalled or its key replaced, check the new key with its administrator, then accept it (Publishing: "Accept this key", or enter it in Settings as the host key fingerprint).',
    false,
  );
}

function checkSettings(cfg: SftpSettings): void {
  const missing = [!cfg.host && 'host', !cfg.username && 'user name', !cfg.password && !cfg.privateKey && 'private key or password'].filter(Boolean);
  if (missing.length > 0) throw new DeliveryError(`SFTP is on but its settings are incomplete: set the ${missing.join(', ')}`, false);
}

/** Publish file names come from the publisher; refuse anything that could leave the remote folder. */
function checkName(name: string): void {
  if (!isPlainName(name) || name === SYNC_INDEX) {
    throw new DeliveryError(`refusing to upload "${name}": not a plain relative path`, false);
  }
}

/** Turns ssh2's connection errors into what the user must do, and says whether retrying can help. */
function connectError(error: unknown, cfg: SftpSettings): DeliveryError {
  const message = redact(errorMessage(error), cfg);
  const where = `${cfg.host}:${cfg.port}`;
  const code = (error as { code?: unknown }).code;
  if (/authentication methods failed/i.test(message)) {
    return new DeliveryError(
      `SFTP login as "${cfg.username}" on ${where} was refused: the server did not accept the ${cfg.privateKey ? 'private key' : 'password'} (check the user name and the credentials)`,
      false,
    );
  }
  if (/privateKey|private key|passphrase|key format/i.test(message)) {
    return new DeliveryError(`SFTP private key could not be used: ${message} (a key protected by a passphrase is not supported)`, false);
  }
  if (code === 'ECONNREFUSED') return new DeliveryError(`SFTP server ${where} refused the connection (is it running on that port?)`, true);
  if (code === 'ENOTFOUND') return new DeliveryError(`SFTP host "${cfg.host}" was not found`, true);
  if (/timed out/i.test(message) || code === 'ETIMEDOUT') return new DeliveryError(`SFTP server ${where} did not answer in time`, true);
  return new DeliveryError(`SFTP connection to ${where} failed: ${message}`, true);
}

/** Defence in depth: no library message should ever carry a secret into a log or the status. */
function redact(message: string, cfg: SftpSettings): string {
  let out = message;
  for (const secret of [cfg.password, cfg.privateKey]) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  if (failed !== null) throw failed;
}

/**
 * ssh2-sftp-client (with ssh2 and its crypto) is loaded on the first upload, not at start: it adds
 * ~15 MB to every process (measured), and most shops publish to a local folder only.
 */
let sftpClient: Promise<typeof SftpClient> | null = null;
function loadSftpClient(): Promise<typeof SftpClient> {
  sftpClient ??= import('ssh2-sftp-client').then((m) => m.default);
  return sftpClient;
}
