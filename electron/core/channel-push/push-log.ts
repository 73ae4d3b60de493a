/** What the channels' state, push log and drift report read from the database. */
import type { ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import {
  PUSH_CHANNEL_LABEL,
  PUSH_CHANNELS,
  type ChannelStatus,
  type DriftEntry,
  type MatchReport,
  type Push,
  type PushChannel,
  type PushReason,
  type PushStatus,
} from '../../../shared/schemas/channel-push';
import { latestSeq } from '../changes/change-log';
import { num, type Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import { addressProblem, channelConfig, pushEnabled, type StoredSettings } from './channel-config';
import type { StateRow } from './push-store';

type RawPush = {
  id: number | string;
  channel: string;
  sku: string;
  status: string;
  reason: string;
  attempts: number | string;
  change_count: number | string;
  change_seq: number | string;
  value: string | null;
  error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
};

function toPush(r: RawPush): Push {
  return {
    id: num(r.id),
    channel: r.channel as PushChannel,
    sku: r.sku,
    status: r.status as PushStatus,
    reason: r.reason as PushReason,
    attempts: num(r.attempts),
    changeCount: num(r.change_count),
    changeSeq: num(r.change_seq),
    value: r.value,
    error: r.error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  };
}

export async function listPushes(db: Db, input: ParsedInput<'channels.pushes'>): Promise<{ pushes: Push[]; next: number | null }> {
  let q = db('channel_pushes').where({ channel: input.channel }).orderBy('id', 'desc').limit(input.limit + 1);
  if (input.status) q = q.andWhere('status', input.status);
  if (input.before) q = q.andWhere('id', '<', input.before);
  const rows = ((await q) as RawPush[]).map(toPush);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return { pushes: page, next: rows.length > input.limit && last ? last.id : null };
}

/** Puts a parked push back in the queue with a fresh set of attempts; its value is computed again when sent. */
export async function retryPush(queue: ExclusiveWriter, channel: PushChannel, id: number): Promise<Push> {
  return queue.exclusive(async ({ trx, now }) => {
    const found = (await trx('channel_pushes').where({ id, channel }).first()) as RawPush | undefined;
    if (!found) throw new AppError('not_found', `No ${PUSH_CHANNEL_LABEL[channel]} push with id ${id}`, { field: 'id' });
    if (found.status !== 'parked') throw new AppError('conflict', `Push ${id} is ${found.status}; only a parked push can be retried`, { id, status: found.status });
    // Queued again as of now: a new sequence also gives its calls new idempotency keys (a key
    // Shopify saw fail would answer with the same failure).
    const fields = { status: 'pending', attempts: 0, next_attempt_at: null, reason: 'retry', change_seq: await latestSeq(trx), updated_at: now };
    await trx('channel_pushes').where({ id }).update(fields);
    return toPush({ ...found, ...fields });
  });
}

type RawDrift = { id: number | string; channel: string; sku: string; channel_value: string; stockfeed_value: string; source: string; found_at: string; corrected_at: string | null };

export async function listDrift(db: Db, channel: PushChannel, limit: number): Promise<DriftEntry[]> {
  const rows = (await db('channel_drift').where({ channel }).orderBy('id', 'desc').limit(limit)) as RawDrift[];
  return rows.map((r) => ({
    id: num(r.id),
    channel: r.channel as PushChannel,
    sku: r.sku,
    channelValue: r.channel_value,
    stockfeedValue: r.stockfeed_value,
    source: r.source as DriftEntry['source'],
    foundAt: r.found_at,
    correctedAt: r.corrected_at,
  }));
}

export async function lastReport(db: Db, channel: PushChannel): Promise<MatchReport | null> {
  const row = (await db('channel_state').select('report').where({ channel }).first()) as { report: string | null } | undefined;
  return row?.report ? (JSON.parse(row.report) as MatchReport) : null;
}

/** Why nothing is pushed to the channel, or null. */
function problemOf(settings: StoredSettings, channel: PushChannel, state: StateRow | undefined): string | null {
  const config = channelConfig(settings, channel);
  if (config.problem) return `Not set up: ${config.problem}.`;
  if (!pushEnabled(settings, channel)) return `Push is off (channels.${channel}.pushEnabled).`;
  const address = addressProblem(settings, channel);
  if (address) return `Refused: ${address}.`;
  if (state && num(state.failures) > 0 && state.last_error) return `Failing: ${state.last_error}`;
  return null;
}

export async function channelStatuses(db: Db, settings: StoredSettings): Promise<ChannelStatus[]> {
  const states = new Map(((await db('channel_state').select()) as StateRow[]).map((s) => [s.channel, s]));
  const counts = (await db('channel_pushes').select('channel', 'status').count({ n: '*' }).whereIn('status', ['pending', 'parked']).groupBy('channel', 'status')) as Array<{
    channel: string;
    status: string;
    n: number | string;
  }>;
  const mapped = (await db('channel_items').select('channel').count({ n: '*' }).whereNotNull('external_id').groupBy('channel')) as Array<{ channel: string; n: number | string }>;
  const weekAgo = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000).toISOString();
  const drift = (await db('channel_drift').select('channel').count({ n: '*' }).max({ last: 'found_at' }).where('found_at', '>', weekAgo).groupBy('channel')) as Array<{
    channel: string;
    n: number | string;
    last: string | null;
  }>;
  const count = (channel: string, status: string) => num(counts.find((c) => c.channel === channel && c.status === status)?.n);
  return PUSH_CHANNELS.map((channel) => {
    const state = states.get(channel);
    const configured = channelConfig(settings, channel).config !== null;
    const failing = state ? num(state.failures) > 0 : false;
    const d = drift.find((x) => x.channel === channel);
    return {
      channel,
      label: PUSH_CHANNEL_LABEL[channel],
      configured,
      pushEnabled: pushEnabled(settings, channel),
      connected: configured && Boolean(state?.connected_at),
      connectedAt: state?.connected_at ?? null,
      mapped: num(mapped.find((m) => m.channel === channel)?.n),
      lastPushAt: state?.last_push_at ?? null,
      lastPushSeq: state?.last_push_seq === null || state?.last_push_seq === undefined ? null : num(state.last_push_seq),
      pending: count(channel, 'pending'),
      parked: count(channel, 'parked'),
      lastError: failing ? (state?.last_error ?? null) : null,
      lastErrorAt: failing ? (state?.last_error_at ?? null) : null,
      retryAt: failing ? (state?.retry_at ?? null) : null,
      driftFound: num(d?.n),
      lastDriftAt: d?.last ?? null,
      lastDriftCheckAt: state?.last_reconcile_at ?? null,
      echoesIgnored: num(state?.echoes_ignored),
      problem: problemOf(settings, channel, state),
    };
  });
}
