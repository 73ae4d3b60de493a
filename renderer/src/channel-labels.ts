/** Words for the Channels screen: each channel's state, and the names of push statuses, reasons and drift sources. */
import type { ChannelStatus, PushReason, PushStatus } from '../../shared/schemas/channel-push';
import { DRIFT_SOURCES } from '../../shared/schemas/channel-push';

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
