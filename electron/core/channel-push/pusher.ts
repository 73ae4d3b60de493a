/**
 * Sends the push outbox, one lane per channel. A lane wakes a moment after a commit queued pushes
 * (so a burst goes out in batches, within a second), reads the due pushes oldest change first and
 * runs rounds until none is due. When the channel itself fails (unreachable, throttled, refused)
 * the lane waits — Retry-After when the channel says, else a doubling delay with jitter — and the
 * pushes wait with it, in order; nothing is parked for an outage. A push the channel refuses is
 * retried on its own and parked after repeated failures.
 *
 * Several processes may share the database: one at a time sends a channel's pushes, holding a
 * lease in `channel_state` that it renews while busy and hands over when it stops.
 */
import { randomUUID } from 'node:crypto';
import { PUSH_CHANNELS, type PushChannel } from '../../../shared/schemas/channel-push';
import { latestSeq } from '../changes/change-log';
import type { Logger } from '../logger';
import type { SummaryContext } from '../stock/stock-summary';
import { retryDelayMs } from '../util/backoff';
import { num, type Db } from '../util/db-helpers';
import type { ExclusiveWriter } from '../write-queue';
import type { ChannelAdapter } from './channel-adapter';
import { configFingerprint, pushEnabled, type StoredSettings } from './channel-config';
import { ChannelError, pause } from './channel-http';
import { queueMapped } from './outbox';
import { pushRound } from './push-round';
import { duePushes, nextDue, pruneSent, stateOf, updateState } from './push-store';

export type PusherOptions = {
  /** Wait after a commit before sending, to send a burst in batches (default 25 ms). */
  lingerMs: number;
  /**
   * While changes keep coming, rounds start at most this often (default 250 ms), so a burst to a
   * few SKUs sends a few updates each; a backlog (full pages) goes out without waiting.
   */
  minIntervalMs: number;
  /** First wait after the channel failed; doubles per failure up to retryMaxMs (defaults 1 s and 5 min). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Failures of one push before it is parked (default 5). */
  maxAttempts: number;
  leaseMs: number;
  /** How often pushes queued by other processes (the CLI) are looked for (default 5 s). */
  pollMs: number;
};

export type PusherDeps = {
  db: Db;
  queue: ExclusiveWriter;
  log: Logger;
  summary: SummaryContext;
  settings: () => StoredSettings;
  /** The channel's adapter for the current settings, or why it cannot be called. */
  adapter(channel: PushChannel): { adapter: ChannelAdapter; problem: null } | { adapter: null; problem: string };
};

type Lane = {
  running: Promise<void> | null;
  again: boolean;
  timer: NodeJS.Timeout | null;
  /** When the timer fires, and whether it is the wait after a failure of the channel (which new pushes do not cut short). */
  timerAt: number;
  backoff: boolean;
  failures: number;
};

/** Due pushes read per round. */
const PAGE = 500;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export class Pusher {
  private lanes = new Map<PushChannel, Lane>();
  private stopped = false;
  private poller: NodeJS.Timeout | null = null;
  private readonly owner = randomUUID();
  private leases = new Map<PushChannel, number>();
  private readonly abort = new AbortController();
  private lastPrune = 0;
  /** The settings fingerprint per channel this process last recorded or found recorded. */
  private fingerprints = new Map<PushChannel, string>();

  constructor(
    private readonly deps: PusherDeps,
    private readonly options: PusherOptions,
  ) {}

  async start(): Promise<void> {
    await this.syncConfig();
    for (const channel of PUSH_CHANNELS) this.kick(channel);
    this.poller = setInterval(() => {
      for (const channel of PUSH_CHANNELS) {
        const lane = this.lanes.get(channel);
        if (!lane?.running && !lane?.timer) this.kick(channel);
      }
    }, this.options.pollMs);
    this.poller.unref();
  }

  /**
   * Queues every mapped item of a channel whose push settings changed (switched on, a location
   * mapped, the shop's buffer…), in the same transaction that records the new fingerprint, so a
   * crash in between cannot lose the re-push.
   */
  async syncConfig(): Promise<void> {
    const settings = this.deps.settings();
    for (const channel of PUSH_CHANNELS) {
      const fingerprint = configFingerprint(settings, channel);
      // Settings that do not touch the channel (most) cost no query.
      if (this.fingerprints.get(channel) === fingerprint) continue;
      this.fingerprints.set(channel, fingerprint);
      const changed = await this.deps.queue.exclusive(async ({ trx, now }) => {
        const state = await stateOf(trx, channel, now);
        if (state.config === fingerprint) return false;
        await updateState(trx, channel, now, { config: fingerprint, failures: 0, retry_at: null });
        if (pushEnabled(settings, channel)) await queueMapped(trx, channel, await latestSeq(trx), 'change', now);
        return true;
      });
      if (changed) this.retryNow(channel);
    }
  }

  /** Pushes were committed for the channel: its lane runs after the linger, unless it is running or waiting. */
  wake(channel: PushChannel): void {
    if (this.stopped) return;
    const lane = this.lane(channel);
    if (lane.running) {
      lane.again = true;
      return;
    }
    const at = Date.now() + this.options.lingerMs;
    if (lane.timer && (lane.backoff || lane.timerAt <= at)) return;
    this.schedule(channel, lane, at);
  }

  /** Runs the channel's lane now, cutting short a wait (a retry by hand, new settings). */
  kick(channel: PushChannel): void {
    if (this.stopped) return;
    const lane = this.lane(channel);
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    if (lane.running) {
      lane.again = true;
      return;
    }
    lane.again = false;
    lane.running = this.run(channel, lane)
      .catch((error: Error) => {
        if (this.stopped) return;
        this.deps.log.error(`channel push to ${channel} failed: ${error.message}`);
        this.schedule(channel, lane, Date.now() + this.options.retryMaxMs / 10);
      })
      .finally(() => {
        lane.running = null;
        if (lane.again) this.kick(channel);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    this.abort.abort(new Error('stopping'));
    for (const lane of this.lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    await Promise.all([...this.lanes.values()].map((lane) => lane.running));
    if (this.leases.size === 0) return;
    this.leases.clear();
    await this.deps.queue.exclusive(({ trx }) => trx('channel_state').where({ lease_owner: this.owner }).update({ lease_owner: null, lease_until: null }));
  }

  private lane(channel: PushChannel): Lane {
    let lane = this.lanes.get(channel);
    if (!lane) this.lanes.set(channel, (lane = { running: null, again: false, timer: null, timerAt: 0, backoff: false, failures: 0 }));
    return lane;
  }

  private schedule(channel: PushChannel, lane: Lane, at: number, backoff = false): void {
    if (this.stopped) return;
    if (lane.timer) clearTimeout(lane.timer);
    // setTimeout holds at most 2^31-1 ms (~24.8 days); a later time is looked at again then.
    const timer = setTimeout(() => {
      lane.timer = null;
      this.kick(channel);
    }, Math.min(2 ** 31 - 1, Math.max(0, at - Date.now())));
    timer.unref();
    lane.timer = timer;
    lane.timerAt = at;
    lane.backoff = backoff;
  }

  /** Claims or renews the channel's lease; false when another process holds it (looked at again when it runs out). */
  private async holdLease(channel: PushChannel, lane: Lane): Promise<boolean> {
    const held = this.leases.get(channel) ?? 0;
    if (held - Date.now() > this.options.leaseMs / 2) return true;
    const until = Date.now() + this.options.leaseMs;
    const other = await this.deps.queue.exclusive(async ({ trx, now }) => {
      await stateOf(trx, channel, now);
      const count = await trx('channel_state')
        .where({ channel })
        .andWhere((w) => w.whereNull('lease_owner').orWhere('lease_owner', this.owner).orWhere('lease_until', '<', now))
        .update({ lease_owner: this.owner, lease_until: new Date(until).toISOString() });
      if (count > 0) return null;
      const row = (await trx('channel_state').select('lease_until').where({ channel }).first()) as { lease_until: string | null } | undefined;
      return row?.lease_until ?? '';
    });
    if (other === null) {
      this.leases.set(channel, until);
      return true;
    }
    this.leases.delete(channel);
    if (other) this.schedule(channel, lane, Date.parse(other) + 1000);
    return false;
  }

  private async run(channel: PushChannel, lane: Lane): Promise<void> {
    if (!pushEnabled(this.deps.settings(), channel)) return;
    const due = await duePushes(this.deps.db, channel, new Date().toISOString(), 1);
    if (due.length === 0) {
      await this.scheduleNext(channel, lane);
      return;
    }
    const made = this.deps.adapter(channel);
    if (!made.adapter) {
      // A setting is missing or refused: nothing can go until the owner changes it (which kicks the lane).
      await this.recordFailure(channel, lane, new ChannelError(made.problem, 'config'));
      return;
    }
    await this.rounds(channel, lane, made.adapter);
  }

  private async rounds(channel: PushChannel, lane: Lane, adapter: ChannelAdapter): Promise<void> {
    const signal = this.abort.signal;
    try {
      await adapter.prepare(signal);
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof ChannelError) return this.recordFailure(channel, lane, error);
      throw error;
    }
    let lastStart = 0;
    for (;;) {
      if (this.stopped || !pushEnabled(this.deps.settings(), channel)) return;
      if (!(await this.holdLease(channel, lane))) return;
      let rows = await duePushes(this.deps.db, channel, new Date().toISOString(), PAGE);
      if (rows.length === 0) {
        await this.prune(channel);
        await this.scheduleNext(channel, lane);
        return;
      }
      const wait = lastStart + this.options.minIntervalMs - Date.now();
      if (rows.length < PAGE && wait > 0) {
        await pause(wait, signal);
        rows = await duePushes(this.deps.db, channel, new Date().toISOString(), PAGE);
      }
      lastStart = Date.now();
      let result;
      try {
        result = await pushRound(
          { db: this.deps.db, queue: this.deps.queue, summary: this.deps.summary, maxAttempts: this.options.maxAttempts, retryBaseMs: this.options.retryBaseMs, retryMaxMs: this.options.retryMaxMs },
          channel,
          adapter,
          rows,
          signal,
        );
      } catch (error) {
        if (this.stopped) return;
        throw error;
      }
      if (result.stopped) {
        if (this.stopped) return;
        return this.recordFailure(channel, lane, result.stopped);
      }
      lane.failures = 0;
    }
  }

  private async scheduleNext(channel: PushChannel, lane: Lane): Promise<void> {
    const at = await nextDue(this.deps.db, channel);
    if (at) this.schedule(channel, lane, Date.parse(at));
  }

  /**
   * The channel failed: record the error (a `channel.failed` entry when it was answering until
   * now, not one per retry) and wait before the next round.
   */
  private async recordFailure(channel: PushChannel, lane: Lane, error: ChannelError): Promise<void> {
    lane.failures += 1;
    const slow = error.kind !== 'transient';
    const delay = error.retryAfterMs ?? (slow ? retryDelayMs(lane.failures, 30_000, 30 * 60_000) : retryDelayMs(lane.failures, this.options.retryBaseMs, this.options.retryMaxMs));
    const retryAt = new Date(Date.now() + Math.min(delay, 6 * 60 * 60_000)).toISOString();
    const message = error.message.slice(0, 500);
    await this.deps.queue.exclusive(async (ctx) => {
      const state = await stateOf(ctx.trx, channel, ctx.now);
      const failures = num(state.failures);
      await updateState(ctx.trx, channel, ctx.now, { failures: failures + 1, last_error: message, last_error_at: ctx.now, retry_at: retryAt });
      if (failures === 0) {
        const pending = (await ctx.trx('channel_pushes').where({ channel, status: 'pending' }).count({ n: '*' }).first()) as { n: number | string } | undefined;
        await ctx.append([{ type: 'channel.failed', productId: null, sku: null, payload: { channel, error: message, pending: num(pending?.n) } }]);
      }
    });
    this.deps.log.warn(`channel push to ${channel}: ${message}; next attempt at ${retryAt}`);
    this.schedule(channel, lane, Date.parse(retryAt), true);
  }

  private async prune(channel: PushChannel): Promise<void> {
    if (Date.now() - this.lastPrune < 60 * 60_000) return;
    this.lastPrune = Date.now();
    await this.deps.queue.exclusive(({ trx }) => pruneSent(trx, channel, new Date(Date.now() - WEEK_MS).toISOString()));
  }

  /** Whether this process sends the channel's pushes now (it runs the periodic drift check then). */
  hasLease(channel: PushChannel): boolean {
    return (this.leases.get(channel) ?? 0) > Date.now();
  }

  /** Clears a channel's wait after its failure (a retry by hand, new credentials) and runs it. */
  retryNow(channel: PushChannel): void {
    this.lane(channel).failures = 0;
    this.kick(channel);
  }
}
