/** Words for the Channels screen: each channel's state, and the names of push statuses, reasons and drift sources. */
import type { ChannelRequiredSetting, ChannelStatus, PushChannel, PushReason, PushStatus } from '../../shared/schemas/channel-push';
import { DRIFT_SOURCES, PUSH_CHANNEL_LABEL } from '../../shared/schemas/channel-push';

export type ChannelState = { tone: 'ok' | 'busy' | 'error' | 'off'; text: string };

/** One line on where a channel stands. */
export function channelState(status: ChannelStatus): ChannelState {
  if (!status.configured) return { tone: 'off', text: 'Not set up' };
  if (!status.pushEnabled) return { tone: 'off', text: 'Push is off' };
  if (status.lastError || (status.problem && status.problem.startsWith('Refused'))) return { tone: 'error', text: 'Failing' };
  if (status.parked > 0) return { tone: 'error', text: `${status.parked} gave up` };
  if (status.pending > 0) return { tone: 'busy', text: `Sending ${status.pending}` };
  if (!status.connected) return { tone: 'busy', text: 'Pushing; not connected yet' };
  return { tone: 'ok', text: 'Up to date' };
}

export const PUSH_STATUS_LABELS: Record<PushStatus, string> = { pending: 'Waiting', parked: 'Gave up', sent: 'Sent' };

export const PUSH_REASON_LABELS: Record<PushReason, string> = {
  change: 'Change in Stockfeed',
  echo: 'Changed in the channel',
  reconcile: 'Drift check',
  connect: 'Connect',
  retry: 'Retry',
};

export const DRIFT_SOURCE_LABELS: Record<(typeof DRIFT_SOURCES)[number], string> = {
  echo: 'the channel told Stockfeed',
  reconcile: 'drift check',
  compare: 'found while pushing',
};

/** The connection form's label of each setting the core names when a channel is not set up (channel-config.ts). */
const SETTING_LABELS: { [C in PushChannel]: Record<ChannelRequiredSetting<C>, string> } = {
  shopify: { shopDomain: 'Shop domain', accessToken: 'Admin API access token', clientId: 'Client ID', clientSecret: 'Client secret' },
  woocommerce: { siteUrl: 'Site address', consumerKey: 'Consumer key', consumerSecret: 'Consumer secret' },
  google: { merchantId: 'Merchant Center account id', dataSourceId: 'Supplemental data source id', serviceAccountKey: 'Service account key (JSON)' },
};

const listed = (words: string[]) => (words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`);

/**
 * The fields a "set channels.shopify.shopDomain, … first" problem names, with their labels; null
 * when the problem is another one or names a setting the form has no label for. The core says it
 * so in the channel's status (`Not set up: set … first.`) and when Connect is refused
 * (`shopify: set … first`).
 */
export function missingSettings(channel: PushChannel, problem: string): Array<{ field: string; label: string }> | null {
  const named = /\bset ((?:channels\.[\w.]+)(?:, channels\.[\w.]+)*) first\.?$/.exec(problem.trim());
  if (!named?.[1]) return null;
  const prefix = `channels.${channel}.`;
  const known: Record<string, string> = SETTING_LABELS[channel];
  const fields = named[1].split(', ').map((n) => {
    const field = n.startsWith(prefix) ? n.slice(prefix.length) : '';
    return { field, label: known[field] ?? '' };
  });
  return fields.every((f) => f.label) ? fields : null;
}

/** The form's label of every other setting a refusal can name, beside the required ones above. */
const OTHER_SETTING_LABELS: Record<string, string> = {
  auth: 'Sign in with',
  locations: 'Locations',
  apiBaseUrl: 'API address',
  tokenUrl: 'Token address',
  maxUpdatesPerDay: 'Updates per product a day',
};

/**
 * Why Connect or Save was refused, in the form's words ("To connect, fill in Shop domain and …").
 * A refusal the API words with the setting's path (`Channels.shopify.shopDomain: the shop's …`)
 * names the field by its label instead (`Shop domain: the shop's …`); a path the form has no label
 * for stays as it is.
 */
export function channelSaveErrorText(channel: PushChannel, message: string): string {
  const missing = missingSettings(channel, message);
  if (missing) return `To connect, fill in ${listed(missing.map((m) => m.label))}.`;
  const named = /^channels\.(\w+)\.(\w+)(?:\.[\w.]+)?: ([\s\S]*)$/i.exec(message);
  if (!named || named[1] !== channel) return message;
  const field = named[2] ?? '';
  const required: Record<string, string> = SETTING_LABELS[channel];
  const label = field === 'pushEnabled' ? `Push available stock to ${PUSH_CHANNEL_LABEL[channel]}` : (required[field] ?? OTHER_SETTING_LABELS[field]);
  return label ? `${label}: ${named[3]}` : message;
}

/**
 * Why nothing reaches the channel, in the words of the form below it. The API's `problem` names
 * settings as scripts set them (`set channels.shopify.shopDomain, channels.shopify.accessToken
 * first`); a shop owner fills in fields. Any other problem (a refusal, a failure) is shown as the
 * API gives it.
 */
export function channelProblemText(channel: PushChannel, problem: string): string {
  if (problem.startsWith('Not set up: ')) {
    const missing = missingSettings(channel, problem);
    return missing ? `Not set up yet: fill in ${listed(missing.map((m) => m.label))} below, then Save and connect.` : problem;
  }
  if (problem === `Push is off (channels.${channel}.pushEnabled).`) return `Push is off: tick “Push available stock to ${PUSH_CHANNEL_LABEL[channel]}” below and save to start.`;
  return problem;
}
