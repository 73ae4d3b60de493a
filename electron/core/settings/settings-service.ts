import type { ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { openAiFeedSettingsIssues, settingsInput, type Settings } from '../../../shared/schemas/settings';
import type { Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import { withIdempotency } from '../idempotency';
import { assertVersion, laterThan } from '../util/later-than';
import { shopBufferCrossings } from '../stock/availability-events';
import type { LocationDirectory } from '../locations/locations';
import { assertEngineAllowed } from '../publish/delivery/indexnow-config';
import type { HostKeyPin } from '../publish/types';
import { addressCredentialIssues, addressesAfterUpdate, channelSettingsIssues } from '../channel-push/channel-config';
import { maskCredentials } from '../net/url-credentials';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { publicAddressIssues, withoutPublicCredentials } from './public-addresses';
import { sftpHostFormProblem } from '../../../shared/domain/sftp-host';

type Stored = ParsedInput<'settings.update'>;

const KEY = 'shop';

/**
 * Shop settings, one JSON document. Secrets (SFTP password and key, channel secrets, tokens and
 * keys) are stored but never returned:
 * GET shows them as null with `has*` flags, and a PUT that sends null keeps the stored value.
 */
export class SettingsService {
  private cache: Stored | undefined;

  constructor(
    private readonly db: Db,
    private readonly queue: ExclusiveWriter,
    private readonly locations: LocationDirectory,
    /** Why a publish folder cannot be used (relative, holds files Stockfeed did not write), or null. */
    private readonly publishDirProblem: (value: string) => string | null = () => null,
    private readonly log: Logger = silentLogger,
    /** Why the SFTP server's host may not be saved (an address the outbound rules refuse), or null. */
    private readonly sftpHostProblem: (host: string, allowPrivateNetwork: boolean) => Promise<string | null> = async () => null,
  ) {}

  /**
   * Loads the stored settings, filling defaults for fields added since they were saved. A public
   * address an earlier version saved with a user name or password is used without them: everything
   * reads the settings from here (publishing, IndexNow, the channels, GET /settings), so they reach
   * no public file, and the next save leaves them out of the database too. The input schema does
   * not refuse such an address, or this load would fall back to the default settings.
   */
  async load(): Promise<Stored> {
    return (await this.read()).settings;
  }

  private async read(): Promise<{ settings: Stored; updatedAt: string | null }> {
    const row = (await this.db('settings').where({ key: KEY }).first()) as { value: string; updated_at: string } | undefined;
    const stored = row ? (JSON.parse(row.value) as Record<string, unknown>) : {};
    const parsed = settingsInput.safeParse(stored);
    const { settings, stripped } = withoutPublicCredentials(parsed.success ? parsed.data : settingsInput.parse({}));
    if (stripped.length > 0) {
      this.log.warn('a public address in the settings holds a user name or password (saved by an earlier version): it is published without them; save the settings to remove them', { fields: stripped });
    }
    this.cache = settings;
    return { settings, updatedAt: row?.updated_at ?? null };
  }

  /** The settings as last loaded or saved; services read this on hot paths (no query per write). */
  current(): Stored {
    if (!this.cache) throw new Error('settings not loaded');
    return this.cache;
  }

  async get(): Promise<Settings> {
    const { settings, updatedAt } = await this.read();
    return { ...redact(settings), updatedAt };
  }

  async update(input: ParsedInput<'settings.update'>): Promise<Settings> {
    // Only an engine in use is checked: a hidden, switched-off field must not block the save.
    if (input.indexNow.enabled) assertEngineAllowed(input.indexNow.engine, input.webhooks.allowPrivateNetwork);
    // A channel's API address is where its credentials go: refused unless https (or a local address the owner allowed).
    // A public address goes into the feeds for everyone to read: no user name or password in it.
    const channelIssues = [
      ...publicAddressIssues(input),
      ...addressCredentialIssues(input, this.cache ?? null),
      ...channelSettingsIssues(input),
      ...openAiFeedSettingsIssues(input),
    ];
    if (channelIssues.length > 0) {
      const [first] = channelIssues as [{ path: string; message: string }];
      return Promise.reject(new AppError('validation_failed', first.message, { issues: channelIssues }));
    }
    // Checked when the folder changes: a save of other settings must not fail because of files
    // dropped into the folder since (the publisher refuses to write there and says so instead).
    if (input.publishDir !== null && input.publishDir !== this.cache?.publishDir) {
      const problem = this.publishDirProblem(input.publishDir);
      if (problem) {
        return Promise.reject(new AppError('validation_failed', `publishDir: ${problem}`, { issues: [{ path: 'publishDir', message: problem }] }));
      }
    }
    await this.assertSftpHostAllowed(input);
    return this.queue.exclusive((ctx) =>
      withIdempotency(ctx, 'settings.update', input, async () => {
        const row = (await ctx.trx('settings').where({ key: KEY }).first()) as { value: string; updated_at: string } | undefined;
        assertVersion(input.expectedUpdatedAt, row?.updated_at ?? null, { name: 'The settings', plural: true });
        const previous = row ? settingsInput.parse(JSON.parse(row.value)) : settingsInput.parse({});
        const { idempotencyKey: _key, expectedUpdatedAt: _expected, updatedAt: _sentBack, ...rest } = input;
        const updatedAt = laterThan(row?.updated_at, ctx.now);
        const next: Stored = {
          ...rest,
          // First run happens once: a client that does not know the flag must not bring it back.
          setupDone: rest.setupDone || previous.setupDone,
          sftp: {
            ...rest.sftp,
            ...hostKeyAfterUpdate(previous.sftp, rest.sftp),
            // null or absent keeps the stored secret; an empty string clears it.
            password: rest.sftp.password ?? previous.sftp.password ?? null,
            privateKey: rest.sftp.privateKey ?? previous.sftp.privateKey ?? null,
            hasPassword: undefined,
            hasPrivateKey: undefined,
          },
        };
        next.channels = addressesAfterUpdate(channelsAfterUpdate(rest.channels, previous.channels), previous.channels);
        if (next.sftp.password === '') next.sftp.password = null;
        if (next.sftp.privateKey === '') next.sftp.privateKey = null;
        const value = JSON.stringify(next);
        if (row) await ctx.trx('settings').where({ key: KEY }).update({ value, updated_at: updatedAt });
        else await ctx.trx('settings').insert({ key: KEY, value, updated_at: updatedAt });
        const before = redact(previous) as Record<string, unknown>;
        const after = redact(next) as Record<string, unknown>;
        const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
        if (changed.length > 0) {
          // A new shop-wide buffer moves products across it: report those crossings like any other.
          const crossings = await shopBufferCrossings(ctx.trx, previous.bufferStock, next.bufferStock, this.locations);
          await ctx.append([{ type: 'settings.updated', productId: null, sku: null, payload: { changed } }, ...crossings]);
        }
        ctx.afterCommit(() => {
          this.cache = next;
        });
        return { ...redact(next), updatedAt };
      }),
    );
  }

  /**
   * Refuses (422 on `sftp.host`) an SFTP server the outbound rules refuse, as a webhook's URL is
   * refused when saved; the connection checks again (DNS may answer otherwise by then). Only when
   * where SFTP connects may have become refused: switched on, another host, or the private network
   * closed. A save of other settings neither waits for DNS nor fails because a name moved since.
   */
  private async assertSftpHostAllowed(input: Stored): Promise<void> {
    const { enabled, host } = input.sftp;
    const allow = input.webhooks.allowPrivateNetwork;
    const before = this.cache;
    // The form, whenever a save changes the host (SFTP on or off: it is kept for when it is switched
    // on); a host saved by an earlier version does not block saving the other settings.
    const form = host === before?.sftp.host ? null : sftpHostFormProblem(host);
    if (form) throw new AppError('validation_failed', `sftp.host: ${form}`, { issues: [{ path: 'sftp.host', message: form }] });
    if (!enabled || host === '') return;
    if (before?.sftp.enabled && before.sftp.host === host && (allow || !before.webhooks.allowPrivateNetwork)) return;
    const problem = await this.sftpHostProblem(host, allow);
    if (problem) throw new AppError('validation_failed', `sftp.host: ${problem}`, { issues: [{ path: 'sftp.host', message: problem }] });
  }

  /**
   * Trust on first use: stores the key an SFTP server showed at the first connection, unless a key
   * is pinned already or the settings now name another server. Goes through the write queue and
   * the change log like any settings change. Returns the key now pinned for that server ('' when
   * the settings moved on to another one).
   */
  pinSftpHostKey(pin: HostKeyPin): Promise<string> {
    return this.queue.exclusive(async (ctx) => {
      const row = (await ctx.trx('settings').where({ key: KEY }).first()) as { value: string; updated_at: string } | undefined;
      const previous = row ? settingsInput.parse(JSON.parse(row.value)) : settingsInput.parse({});
      if (previous.sftp.host !== pin.host || previous.sftp.port !== pin.port) return '';
      if (previous.sftp.hostFingerprint) return previous.sftp.hostFingerprint;
      const next: Stored = { ...previous, sftp: { ...previous.sftp, hostFingerprint: pin.fingerprint, hostFingerprintPinnedAt: ctx.now } };
      const value = JSON.stringify(next);
      const updatedAt = laterThan(row?.updated_at, ctx.now);
      if (row) await ctx.trx('settings').where({ key: KEY }).update({ value, updated_at: updatedAt });
      else await ctx.trx('settings').insert({ key: KEY, value, updated_at: updatedAt });
      await ctx.append([{ type: 'settings.updated', productId: null, sku: null, payload: { changed: ['sftp'], pinnedHostKey: pin.fingerprint } }]);
      ctx.afterCommit(() => {
        // Read from the row: a public address an earlier version stored keeps its credentials there.
        this.cache = withoutPublicCredentials(next).settings;
      });
      return pin.fingerprint;
    });
  }
}

type SftpStored = Stored['sftp'];

/**
 * The host key a settings PUT leaves pinned. A form loaded before the first connection pinned the
 * key sends it empty: for the same server that keeps the pin (to trust another key, accept or enter
 * it). A key pinned on first use belongs to its server: pointing SFTP at another one starts over.
 */
function hostKeyAfterUpdate(before: SftpStored, sent: SftpStored): Pick<SftpStored, 'hostFingerprint' | 'hostFingerprintPinnedAt'> {
  const sameServer = sent.host === before.host && sent.port === before.port;
  let hostFingerprint = sent.hostFingerprint;
  if (sameServer && hostFingerprint === '') hostFingerprint = before.hostFingerprint;
  else if (!sameServer && hostFingerprint === before.hostFingerprint && before.hostFingerprintPinnedAt) hostFingerprint = '';
  const kept = sameServer && hostFingerprint === before.hostFingerprint;
  return { hostFingerprint, hostFingerprintPinnedAt: kept ? (before.hostFingerprintPinnedAt ?? null) : null };
}

type ChannelsStored = Stored['channels'];

/** The channel settings to store: sent fields, with every secret kept, replaced or removed (below) and the read-only flags dropped. */
function channelsAfterUpdate(sent: ChannelsStored, before: ChannelsStored): ChannelsStored {
  const { hasSecret: _a, hasAccessToken: _b, hasClientId: _h, hasClientSecret: _i, ...shopify } = sent.shopify;
  const { hasSecret: _c, hasConsumerKey: _d, hasConsumerSecret: _e, ...woocommerce } = sent.woocommerce;
  const { hasServiceAccountKey: _f, serviceAccountEmail: _g, ...google } = sent.google;
  return {
    ...sent,
    shopify: {
      ...shopify,
      secret: keepSecret(sent.shopify.secret, before.shopify.secret),
      accessToken: keepSecret(sent.shopify.accessToken, before.shopify.accessToken),
      clientId: keepSecret(sent.shopify.clientId, before.shopify.clientId),
      clientSecret: keepSecret(sent.shopify.clientSecret, before.shopify.clientSecret),
    },
    woocommerce: {
      ...woocommerce,
      secret: keepSecret(sent.woocommerce.secret, before.woocommerce.secret),
      consumerKey: keepSecret(sent.woocommerce.consumerKey, before.woocommerce.consumerKey),
      consumerSecret: keepSecret(sent.woocommerce.consumerSecret, before.woocommerce.consumerSecret),
    },
    google: { ...google, serviceAccountKey: keepSecret(sent.google.serviceAccountKey, before.google.serviceAccountKey) },
  };
}

/** The e-mail of a saved service account key (not a secret: it is what the owner grants access to). */
function serviceAccountEmail(key: string | null | undefined): string | null {
  if (!key) return null;
  try {
    const email = (JSON.parse(key) as { client_email?: unknown }).client_email;
    return typeof email === 'string' ? email : null;
  } catch {
    return null;
  }
}

/** null or absent keeps the stored secret; an empty string clears it. */
function keepSecret(sent: string | null | undefined, stored: string | null | undefined): string | null {
  const value = sent ?? stored ?? null;
  return value === '' ? null : value;
}

/** The settings as GET shows them, without their version (the caller adds `updatedAt`). */
export function redact(s: Stored): Omit<Settings, 'updatedAt'> {
  const { idempotencyKey: _key, expectedUpdatedAt: _expected, updatedAt: _sentBack, ...rest } = s;
  return {
    ...rest,
    sftp: {
      enabled: s.sftp.enabled,
      host: s.sftp.host,
      port: s.sftp.port,
      username: s.sftp.username,
      remoteDir: s.sftp.remoteDir,
      hostFingerprint: s.sftp.hostFingerprint,
      hostFingerprintPinnedAt: s.sftp.hostFingerprintPinnedAt ?? null,
      password: null,
      privateKey: null,
      hasPassword: Boolean(s.sftp.password),
      hasPrivateKey: Boolean(s.sftp.privateKey),
    },
    channels: {
      shopify: {
        secret: null,
        hasSecret: Boolean(s.channels.shopify.secret),
        shopDomain: s.channels.shopify.shopDomain,
        auth: s.channels.shopify.auth,
        accessToken: null,
        hasAccessToken: Boolean(s.channels.shopify.accessToken),
        clientId: null,
        hasClientId: Boolean(s.channels.shopify.clientId),
        clientSecret: null,
        hasClientSecret: Boolean(s.channels.shopify.clientSecret),
        locations: s.channels.shopify.locations,
        pushEnabled: s.channels.shopify.pushEnabled,
        apiBaseUrl: maskCredentials(s.channels.shopify.apiBaseUrl),
      },
      woocommerce: {
        secret: null,
        hasSecret: Boolean(s.channels.woocommerce.secret),
        siteUrl: maskCredentials(s.channels.woocommerce.siteUrl),
        consumerKey: null,
        hasConsumerKey: Boolean(s.channels.woocommerce.consumerKey),
        consumerSecret: null,
        hasConsumerSecret: Boolean(s.channels.woocommerce.consumerSecret),
        pushEnabled: s.channels.woocommerce.pushEnabled,
        apiBaseUrl: maskCredentials(s.channels.woocommerce.apiBaseUrl),
      },
      google: {
        merchantId: s.channels.google.merchantId,
        dataSourceId: s.channels.google.dataSourceId,
        serviceAccountKey: null,
        hasServiceAccountKey: Boolean(s.channels.google.serviceAccountKey),
        serviceAccountEmail: serviceAccountEmail(s.channels.google.serviceAccountKey),
        pushEnabled: s.channels.google.pushEnabled,
        apiBaseUrl: maskCredentials(s.channels.google.apiBaseUrl),
        tokenUrl: maskCredentials(s.channels.google.tokenUrl),
        maxUpdatesPerDay: s.channels.google.maxUpdatesPerDay,
      },
      driftCheckHours: s.channels.driftCheckHours,
    },
  };
}
