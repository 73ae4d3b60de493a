/**
 * Points a test core's sales channels at the stand-ins (tests/helpers/channel-standins), the way an
 * owner would: through the settings. The stand-ins listen on 127.0.0.1, so the owner's
 * `webhooks.allowPrivateNetwork` is on, as for a local webhook receiver.
 */
import type { Input } from '../../shared/contract';
import type { PushChannel } from '../../shared/schemas/channel-push';
import type { GoogleStandIn, ShopifyStandIn, WooCommerceStandIn } from './channel-standins';
import { waitUntil } from './channel-standins';
import type { TestCore } from './core';

type Settings = Input<'settings.update'>;
type ChannelsPatch = {
  shopify?: ShopifyStandIn;
  /** How Stockfeed signs in to Shopify: the custom app's access token (default), or the Dev Dashboard app's client ID and secret. */
  shopifyAuth?: 'accessToken' | 'clientCredentials';
  woocommerce?: WooCommerceStandIn;
  google?: GoogleStandIn;
  pushEnabled?: boolean;
  locations?: Record<string, string>;
  maxUpdatesPerDay?: number;
};

/** The settings that point each given channel at its stand-in, push on unless told otherwise. */
export async function useStandIns(core: Pick<TestCore, 'call'>, patch: ChannelsPatch): Promise<void> {
  const current = (await core.call('settings.get', {})) as unknown as Settings & { channels: Record<string, Record<string, unknown>> };
  const push = patch.pushEnabled ?? true;
  const channels = { ...current.channels } as Record<string, Record<string, unknown>>;
  if (patch.shopify) {
    channels.shopify = {
      ...channels.shopify,
      shopDomain: patch.shopify.shopDomain,
      ...(patch.shopifyAuth === 'clientCredentials'
        ? { auth: 'clientCredentials', clientId: patch.shopify.clientId, clientSecret: patch.shopify.clientSecret, accessToken: '' }
        : { auth: 'accessToken', accessToken: patch.shopify.accessToken }),
      apiBaseUrl: patch.shopify.url,
      locations: patch.locations ?? {},
      pushEnabled: push,
      secret: patch.shopify.appSecret.padEnd(16, '0'),
    };
  }
  if (patch.woocommerce) {
    channels.woocommerce = {
      ...channels.woocommerce,
      siteUrl: patch.woocommerce.url,
      consumerKey: patch.woocommerce.consumerKey,
      consumerSecret: patch.woocommerce.consumerSecret,
      pushEnabled: push,
      secret: patch.woocommerce.webhookSecret.padEnd(16, '0'),
    };
  }
  if (patch.google) {
    channels.google = {
      ...channels.google,
      merchantId: patch.google.accountId,
      dataSourceId: patch.google.supplementalDataSource.split('/').pop(),
      serviceAccountKey: JSON.stringify(patch.google.serviceAccountKey),
      apiBaseUrl: patch.google.url,
      tokenUrl: patch.google.tokenUrl,
      pushEnabled: push,
      ...(patch.maxUpdatesPerDay ? { maxUpdatesPerDay: patch.maxUpdatesPerDay } : {}),
    };
  }
  await core.call('settings.update', { ...current, webhooks: { allowPrivateNetwork: true }, channels } as Settings);
}

/** Pending and parked pushes of a channel. */
export async function openPushes(core: TestCore, channel: PushChannel): Promise<{ pending: number; parked: number }> {
  const { channels } = await core.call('channels.status', {});
  const status = channels.find((c) => c.channel === channel);
  return { pending: status?.pending ?? 0, parked: status?.parked ?? 0 };
}

/** Waits until the channel has no pending push left. */
export async function settled(core: TestCore, channel: PushChannel, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { pending } = await openPushes(core, channel);
    if (pending === 0) return;
    if (Date.now() > until) throw new Error(`${channel}: ${pending} pushes still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls an async condition. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export { waitUntil };

/** Fast retries for tests: a channel that fails is tried again within a few hundred milliseconds. */
export const FAST_PUSH = { retryBaseMs: 50, retryMaxMs: 400, lingerMs: 10, echoDelayMs: 200, pollMs: 200 } as const;
