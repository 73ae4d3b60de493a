import { z } from 'zod';
import { limitSchema } from './common';

/**
 * Pushing available stock out to the sales channels: Connect and its match report, each channel's
 * state, the push log with Retry, the drift check and its report.
 */

export const PUSH_CHANNELS = ['shopify', 'woocommerce', 'google'] as const;
export type PushChannel = (typeof PUSH_CHANNELS)[number];

export const PUSH_CHANNEL_LABEL: Record<PushChannel, string> = { shopify: 'Shopify', woocommerce: 'WooCommerce', google: 'Google Merchant Center' };

/**
 * The settings (`channels.<channel>.<field>`) a channel cannot be called without; the core names
 * the ones missing (channel-config.ts), the Channels screen shows them by their form labels.
 * Shopify needs the access token, or the client ID and secret, by its `auth`.
 */
export const CHANNEL_REQUIRED_SETTINGS = {
  shopify: ['shopDomain', 'accessToken', 'clientId', 'clientSecret'],
  woocommerce: ['siteUrl', 'consumerKey', 'consumerSecret'],
  google: ['merchantId', 'dataSourceId', 'serviceAccountKey'],
} as const satisfies Record<PushChannel, readonly string[]>;
export type ChannelRequiredSetting<C extends PushChannel> = (typeof CHANNEL_REQUIRED_SETTINGS)[C][number];

/** pending: waiting to be sent (or for its retry); parked: gave up after repeated failures; sent. */
export const PUSH_STATUSES = ['pending', 'parked', 'sent'] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];

/** Why a push was queued: a committed change, a channel's webhook that disagreed, the drift check, Connect, or Retry. */
export const PUSH_REASONS = ['change', 'echo', 'reconcile', 'connect', 'retry'] as const;
export type PushReason = (typeof PUSH_REASONS)[number];

export const DRIFT_SOURCES = ['echo', 'reconcile', 'compare'] as const;

const channelSchema = z.enum(PUSH_CHANNELS, { error: `channel must be one of ${PUSH_CHANNELS.join(', ')}` });

export const channelInput = z.strictObject({ channel: channelSchema });

/** One line of a match report. */
export const matchItemSchema = z.object({
  sku: z.string(),
  /** The channel's id of the item (Shopify inventory item, WooCommerce product or variation, Google offer). */
  channelId: z.string().nullable(),
  title: z.string().nullable(),
  /** What is wrong with this one, when the section's fix needs a detail. */
  detail: z.string().nullable(),
});

/** A part of the report: how many, how to fix them, and the first 500. */
export const matchSectionSchema = z.object({ count: z.number(), fix: z.string(), items: z.array(matchItemSchema) });

export const matchReportSchema = z.object({
  channel: channelSchema,
  connectedAt: z.string(),
  /** Items the channel holds (variants, products and variations, offers). */
  channelItems: z.number(),
  /** Products in Stockfeed that are not archived. */
  stockfeedProducts: z.number(),
  matched: matchSectionSchema,
  stockfeedOnly: matchSectionSchema,
  channelOnly: matchSectionSchema,
  duplicates: matchSectionSchema,
  /** Matched, but something stops the push (Shopify not tracking the quantity, not stocked at a mapped location, …). */
  problems: matchSectionSchema,
  /** Shopify: the shop's locations, for the location mapping. */
  channelLocations: z.array(z.object({ id: z.string(), name: z.string() })),
  /** Pushes queued for the matched items (none while push is off). */
  queued: z.number(),
});

export const channelStatusSchema = z.object({
  channel: channelSchema,
  label: z.string(),
  /** The credentials and addresses are all set. */
  configured: z.boolean(),
  pushEnabled: z.boolean(),
  /** Connect succeeded with these credentials. */
  connected: z.boolean(),
  connectedAt: z.string().nullable(),
  /** Products matched to a channel item. */
  mapped: z.number(),
  lastPushAt: z.string().nullable(),
  /** The change-log sequence the last push reflected. */
  lastPushSeq: z.number().nullable(),
  pending: z.number(),
  parked: z.number(),
  /** The channel's last failure (unreachable, throttled, refused), cleared when it answers again. */
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  /** When the next attempt is due while the channel is failing. */
  retryAt: z.string().nullable(),
  /** Differences found in the last 7 days (in the channel's admin, by the drift check). */
  driftFound: z.number(),
  lastDriftAt: z.string().nullable(),
  lastDriftCheckAt: z.string().nullable(),
  /** Webhooks from the channel that only echoed Stockfeed's own push. */
  echoesIgnored: z.number(),
  /** Why nothing is pushed, in one sentence (null when pushing). */
  problem: z.string().nullable(),
});

export const channelStatusListSchema = z.object({ channels: z.array(channelStatusSchema) });

export const pushSchema = z.object({
  id: z.number(),
  channel: channelSchema,
  sku: z.string(),
  status: z.enum(PUSH_STATUSES),
  reason: z.enum(PUSH_REASONS),
  attempts: z.number(),
  /** Changes folded into this push (a burst sends one update with the latest value). */
  changeCount: z.number(),
  changeSeq: z.number(),
  /** What was sent, as a person reads it ("7", "in stock, 12.50 EUR"); null until sent. */
  value: z.string().nullable(),
  error: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable(),
});

export const pushListInput = z.strictObject({
  channel: channelSchema,
  status: z.enum(PUSH_STATUSES, { error: `status must be one of ${PUSH_STATUSES.join(', ')}` }).optional(),
  /** Paging: pushes with an id below this one (the previous page's `next`). */
  before: z.coerce.number({ error: 'before must be a push id' }).int().min(1).optional(),
  limit: limitSchema(500, 50),
});

export const pushPageSchema = z.object({ pushes: z.array(pushSchema), next: z.number().nullable() });

export const pushRetryInput = z.strictObject({
  channel: channelSchema,
  id: z.coerce.number({ error: 'id must be a push id' }).int().min(1),
});

export const driftEntrySchema = z.object({
  id: z.number(),
  channel: channelSchema,
  sku: z.string(),
  channelValue: z.string(),
  stockfeedValue: z.string(),
  source: z.enum(DRIFT_SOURCES),
  foundAt: z.string(),
  /** When Stockfeed's value reached the channel; null while the correction waits. */
  correctedAt: z.string().nullable(),
});

export const driftListInput = z.strictObject({ channel: channelSchema, limit: limitSchema(500, 100) });

export const driftListSchema = z.object({ drift: z.array(driftEntrySchema) });

export const reconcileResultSchema = z.object({
  channel: channelSchema,
  /** Mapped items read back from the channel. */
  checked: z.number(),
  /** Items whose channel value differed from Stockfeed's; a correction is queued for each. */
  differences: z.array(z.object({ sku: z.string(), channelValue: z.string(), stockfeedValue: z.string() })),
  /** Items skipped because a push is on its way (their value is about to change anyway). */
  skipped: z.number(),
  checkedAt: z.string(),
});

export const matchReportResultSchema = z.object({ report: matchReportSchema.nullable() });

export type MatchReport = z.output<typeof matchReportSchema>;
export type MatchItem = z.output<typeof matchItemSchema>;
export type ChannelStatus = z.output<typeof channelStatusSchema>;
export type Push = z.output<typeof pushSchema>;
export type DriftEntry = z.output<typeof driftEntrySchema>;
export type ReconcileResult = z.output<typeof reconcileResultSchema>;
