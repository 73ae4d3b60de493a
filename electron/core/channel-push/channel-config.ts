/**
 * What each channel needs to be pushed to, read from the settings: credentials, the API address,
 * and the rule for which addresses may be called. A channel's base URL is where its credentials
 * go, so it must be https; plain http is used only for an address the address rules already let
 * through (this computer or the local network, with `webhooks.allowPrivateNetwork` on), which is
 * how the tests reach their stand-ins on 127.0.0.1. WooCommerce accepts its REST keys over https
 * only (Basic authentication), so for it plain http is left to this computer (a development box).
 */
import { createHash } from 'node:crypto';
import type { ParsedInput } from '../../../shared/contract';
import type { FieldIssue } from '../../../shared/errors';
import type { ChannelRequiredSetting, PushChannel } from '../../../shared/schemas/channel-push';
import { checkUrlText, hostRule, refusalMessage } from '../net/address-rules';
import { hasCredentials, keepMaskedCredentials } from '../net/url-credentials';

/** The stored settings (secrets included), as the settings service keeps them. */
export type StoredSettings = ParsedInput<'settings.update'>;

export const SHOPIFY_API_VERSION = '2026-10';
export const GOOGLE_API_BASE = 'https://merchantapi.googleapis.com';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/**
 * How the Admin API is signed in to: a permanent token, or a Dev Dashboard app's client ID and
 * secret exchanged at `tokenUrl` (the shop's own address) for tokens that expire.
 */
export type ShopifyAuth = { kind: 'accessToken'; accessToken: string } | { kind: 'clientCredentials'; tokenUrl: string; clientId: string; clientSecret: string };

export type ShopifyConfig = {
  channel: 'shopify';
  graphqlUrl: string;
  auth: ShopifyAuth;
  /** Stockfeed location code → Shopify location gid; empty: the shop's only location gets everything. */
  locations: Record<string, string>;
};

export type WooConfig = { channel: 'woocommerce'; apiUrl: string; consumerKey: string; consumerSecret: string };

export type GoogleConfig = {
  channel: 'google';
  apiBase: string;
  tokenUrl: string;
  merchantId: string;
  dataSourceId: string;
  clientEmail: string;
  privateKey: string;
  maxUpdatesPerDay: number;
};

export type ChannelConfig = ShopifyConfig | WooConfig | GoogleConfig;

/** A channel's config, or why it cannot be called (one sentence naming the missing settings). */
export type ConfigResult = { config: ChannelConfig; problem: null } | { config: null; problem: string };

/** The settings of `channel` that are missing, in the order given (`false` for one present). */
function missing<C extends PushChannel>(channel: C, fields: Array<ChannelRequiredSetting<C> | false>): ConfigResult | null {
  const absent = fields.filter((f): f is ChannelRequiredSetting<C> => f !== false);
  if (absent.length === 0) return null;
  return { config: null, problem: `set ${absent.map((f) => `channels.${channel}.${f}`).join(', ')} first` };
}

export function channelConfig(settings: StoredSettings, channel: PushChannel): ConfigResult {
  const c = settings.channels;
  if (channel === 'shopify') {
    const s = c.shopify;
    const byClient = s.auth === 'clientCredentials';
    const absent = missing(channel, [
      !s.shopDomain && 'shopDomain',
      ...(byClient ? ([!s.clientId && 'clientId', !s.clientSecret && 'clientSecret'] as const) : ([!s.accessToken && 'accessToken'] as const)),
    ]);
    if (absent) return absent;
    const base = s.apiBaseUrl || `https://${s.shopDomain}`;
    const auth: ShopifyAuth = byClient
      ? { kind: 'clientCredentials', tokenUrl: `${base}/admin/oauth/access_token`, clientId: s.clientId ?? '', clientSecret: s.clientSecret ?? '' }
      : { kind: 'accessToken', accessToken: s.accessToken ?? '' };
    return { config: { channel, graphqlUrl: `${base}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, auth, locations: s.locations }, problem: null };
  }
  if (channel === 'woocommerce') {
    const s = c.woocommerce;
    const absent = missing(channel, [!s.siteUrl && 'siteUrl', !s.consumerKey && 'consumerKey', !s.consumerSecret && 'consumerSecret']);
    if (absent) return absent;
    return { config: { channel, apiUrl: `${s.apiBaseUrl || s.siteUrl}/wp-json/wc/v3`, consumerKey: s.consumerKey ?? '', consumerSecret: s.consumerSecret ?? '' }, problem: null };
  }
  const s = c.google;
  const absent = missing(channel, [!s.merchantId && 'merchantId', !s.dataSourceId && 'dataSourceId', !s.serviceAccountKey && 'serviceAccountKey']);
  if (absent) return absent;
  const key = JSON.parse(s.serviceAccountKey ?? '{}') as { client_email?: string; private_key?: string };
  return {
    config: {
      channel,
      apiBase: s.apiBaseUrl || GOOGLE_API_BASE,
      tokenUrl: s.tokenUrl || GOOGLE_TOKEN_URL,
      merchantId: s.merchantId,
      dataSourceId: s.dataSourceId,
      clientEmail: key.client_email ?? '',
      privateKey: key.private_key ?? '',
      maxUpdatesPerDay: s.maxUpdatesPerDay,
    },
    problem: null,
  };
}

/** Whether push is switched on for the channel (its credentials may still be missing). */
export function pushEnabled(settings: StoredSettings, channel: PushChannel): boolean {
  return settings.channels[channel].pushEnabled;
}

/**
 * Why a channel's API address may not be used, or null. The text is checked here (when saved and
 * before every request); every address a name resolves to is checked again when connecting.
 */
export function baseUrlProblem(url: string, allowPrivateNetwork: boolean, plainHttp: 'local' | 'loopback'): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an https:// URL';
  if (parsed.username || parsed.password) return 'must not hold a user name or password (the credentials have fields of their own)';
  if (parsed.search || parsed.hash) return 'must not have a query (?) or fragment (#)';
  const refusal = checkUrlText(parsed, allowPrivateNetwork);
  if (refusal) return refusalMessage(refusal);
  if (parsed.protocol === 'http:') {
    const rule = hostRule(parsed.hostname);
    const local = rule !== null && rule.local && allowPrivateNetwork && (plainHttp === 'local' || rule.rule.includes('loopback'));
    if (!local) {
      return plainHttp === 'loopback'
        ? 'must be https:// (WooCommerce accepts its REST keys over https only; plain http is used only for this computer)'
        : 'must be https:// (the credentials travel with every request; plain http is used only for this computer or the local network, with webhooks.allowPrivateNetwork on)';
    }
  }
  return null;
}

/** Each address a channel calls, with the setting that names it. */
function addresses(settings: StoredSettings, channel: PushChannel): Array<{ field: string; url: string; plainHttp: 'local' | 'loopback' }> {
  const c = settings.channels;
  if (channel === 'shopify') {
    const url = c.shopify.apiBaseUrl || (c.shopify.shopDomain ? `https://${c.shopify.shopDomain}` : '');
    return url ? [{ field: c.shopify.apiBaseUrl ? 'channels.shopify.apiBaseUrl' : 'channels.shopify.shopDomain', url, plainHttp: 'local' }] : [];
  }
  if (channel === 'woocommerce') {
    const out: Array<{ field: string; url: string; plainHttp: 'local' | 'loopback' }> = [];
    if (c.woocommerce.siteUrl) out.push({ field: 'channels.woocommerce.siteUrl', url: c.woocommerce.siteUrl, plainHttp: 'loopback' });
    if (c.woocommerce.apiBaseUrl) out.push({ field: 'channels.woocommerce.apiBaseUrl', url: c.woocommerce.apiBaseUrl, plainHttp: 'loopback' });
    return out;
  }
  return [
    { field: 'channels.google.apiBaseUrl', url: c.google.apiBaseUrl || GOOGLE_API_BASE, plainHttp: 'local' as const },
    { field: 'channels.google.tokenUrl', url: c.google.tokenUrl || GOOGLE_TOKEN_URL, plainHttp: 'local' as const },
  ];
}

/** The first address of the channel that may not be called now, as a sentence naming its setting. */
export function addressProblem(settings: StoredSettings, channel: PushChannel): string | null {
  for (const a of addresses(settings, channel)) {
    const problem = baseUrlProblem(a.url, settings.webhooks.allowPrivateNetwork, a.plainHttp);
    if (problem) return `${a.field} ${problem}`;
  }
  return null;
}

/**
 * The settings a save would leave unusable, as 422 issues: an address of a channel whose push is
 * on. (Like IndexNow's engine, a switched-off channel's fields do not block a save; they are
 * checked again at Connect and before every request.)
 */
export function channelSettingsIssues(settings: StoredSettings): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const channel of ['shopify', 'woocommerce', 'google'] as const) {
    if (!settings.channels[channel].pushEnabled) continue;
    for (const a of addresses(settings, channel)) {
      const problem = baseUrlProblem(a.url, settings.webhooks.allowPrivateNetwork, a.plainHttp);
      if (problem) issues.push({ path: a.field, message: `${a.field} ${problem}` });
    }
  }
  return issues;
}

type Channels = StoredSettings['channels'];

/** The settings of the channels that hold an address they call. */
const ADDRESS_FIELDS: ReadonlyArray<{ path: string; of: (c: Channels) => string }> = [
  { path: 'channels.shopify.apiBaseUrl', of: (c) => c.shopify.apiBaseUrl },
  { path: 'channels.woocommerce.siteUrl', of: (c) => c.woocommerce.siteUrl },
  { path: 'channels.woocommerce.apiBaseUrl', of: (c) => c.woocommerce.apiBaseUrl },
  { path: 'channels.google.apiBaseUrl', of: (c) => c.google.apiBaseUrl },
  { path: 'channels.google.tokenUrl', of: (c) => c.google.tokenUrl },
];

/**
 * A sent address as it is to be stored: one sent back masked (`https://***@…`, as the settings show
 * an address an older version let through with credentials) keeps the stored credentials.
 */
function keptAddress(sent: string, stored: string): string {
  const kept = keepMaskedCredentials(sent, stored);
  return kept === sent ? sent : kept.replace(/\/+$/, '');
}

/**
 * A user name or password in any channel address, as 422 issues, whether or not the channel's push
 * is on: the settings show addresses to everyone who reads them, and the credentials have fields
 * of their own, which are never shown. An address sent back masked is not new and passes.
 */
export function addressCredentialIssues(sent: StoredSettings, stored: StoredSettings | null): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const { path, of } of ADDRESS_FIELDS) {
    const url = of(sent.channels);
    if (hasCredentials(url) && keptAddress(url, stored ? of(stored.channels) : '') === url) {
      issues.push({ path, message: `${path} must not hold a user name or password (the credentials have fields of their own)` });
    }
  }
  return issues;
}

/** The channels' addresses to store: each as sent, or with the stored credentials where it came back masked. */
export function addressesAfterUpdate(sent: Channels, before: Channels): Channels {
  return {
    ...sent,
    shopify: { ...sent.shopify, apiBaseUrl: keptAddress(sent.shopify.apiBaseUrl, before.shopify.apiBaseUrl) },
    woocommerce: {
      ...sent.woocommerce,
      siteUrl: keptAddress(sent.woocommerce.siteUrl, before.woocommerce.siteUrl),
      apiBaseUrl: keptAddress(sent.woocommerce.apiBaseUrl, before.woocommerce.apiBaseUrl),
    },
    google: {
      ...sent.google,
      apiBaseUrl: keptAddress(sent.google.apiBaseUrl, before.google.apiBaseUrl),
      tokenUrl: keptAddress(sent.google.tokenUrl, before.google.tokenUrl),
    },
  };
}

/**
 * What the pushed values and their destination depend on, besides the products and their stock:
 * when it changes (push switched on, a location mapped, the shop's buffer), every mapped item is
 * queued again. Secrets are left out: new credentials reach the same items.
 */
export function configFingerprint(settings: StoredSettings, channel: PushChannel): string {
  const c = settings.channels[channel];
  const { secret: _s, hasSecret: _h, ...rest } = c as Record<string, unknown>;
  const publicPart = Object.fromEntries(
    Object.entries(rest).filter(([k]) => !['auth', 'accessToken', 'clientId', 'clientSecret', 'consumerKey', 'consumerSecret', 'serviceAccountKey', 'serviceAccountEmail'].includes(k) && !k.startsWith('has')),
  );
  const shop = { bufferStock: settings.bufferStock, backorderLeadDays: settings.backorderLeadDays, currency: settings.currency };
  return createHash('sha256').update(JSON.stringify({ channel, ...publicPart, shop })).digest('hex').slice(0, 32);
}
