/**
 * Available stock pushed to the sales channels (Shopify, WooCommerce, Google Merchant Center) as
 * one piece of the core: the outbox the write path fills, the pusher that sends it (in the hosts
 * that push: the desktop app and `npm run serve`; the CLI only queues), Connect, the drift check,
 * the channels' inventory webhooks, and what the screens read.
 */
import type { ParsedInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { MatchReport, PushChannel, ReconcileResult } from '../../../shared/schemas/channel-push';
import { PUSH_CHANNEL_LABEL, PUSH_CHANNELS } from '../../../shared/schemas/channel-push';
import type { ChangeBus } from '../changes/change-log';
import type { Logger } from '../logger';
import type { Outbound } from '../net/outbound';
import type { SummaryContext } from '../stock/stock-summary';
import type { Db } from '../util/db-helpers';
import type { AppendHook, ExclusiveWriter } from '../write-queue';
import type { ChannelAdapter } from './channel-adapter';
import { addressProblem, channelConfig, pushEnabled, type StoredSettings } from './channel-config';
import { ChannelError, ChannelUnreachableError } from './channel-http';
import { applyCatalogue } from './connect';
import { applyEchoes, readEcho, type EchoResult } from './echoes';
import { createGoogleChannel } from './google-channel';
import { PushOutbox } from './outbox';
import { channelStatuses, lastReport, listDrift, listPushes, retryPush } from './push-log';
import { Pusher, type PusherOptions } from './pusher';
import { reconcile } from './reconcile';
import { createShopifyChannel } from './shopify-channel';
import { createWooCommerceChannel } from './woocommerce-channel';

export type ChannelPushOptions = Partial<PusherOptions> & {
  /** Send from this process (default true; the CLI turns it off and only queues). */
  worker?: boolean;
  /** How long a push caused by a channel's webhook waits (default 5 s): time for a sale's order webhook to arrive first. */
  echoDelayMs?: number;
  /** How long a channel has to answer one request (default 30 s). */
  timeoutMs?: number;
  /** Google: product inputs sent at once (default 4). */
  googleConcurrency?: number;
};

export type ChannelPushDeps = {
  db: Db;
  queue: ExclusiveWriter & { addAppendHook(hook: AppendHook): void };
  bus: ChangeBus;
  log: Logger;
  outbound: Outbound;
  settings: () => StoredSettings;
  summary: SummaryContext;
};

type WaitingEcho = { channel: PushChannel; body: unknown; resolve(result: EchoResult): void; reject(error: unknown): void };

/**
 * What a failure of the channel during Connect or the drift check is answered with. Not reaching
 * the channel (a wrong domain, no network) is said apart from the channel refusing the request
 * (credentials, an unknown shop, a rate limit): each sends the owner to a different fix.
 * The code stays bad_gateway either way; only the words differ.
 */
export function asAppError(error: unknown, channel: PushChannel): unknown {
  if (!(error instanceof ChannelError)) return error;
  if (error.kind === 'config') return new AppError('validation_failed', error.message, { issues: [{ path: `channels.${channel}`, message: error.message }] });
  if (error instanceof ChannelUnreachableError) return new AppError('bad_gateway', `Could not reach ${error.host}: ${error.reason}`);
  const label = PUSH_CHANNEL_LABEL[channel];
  if (error.message.toLowerCase().startsWith(label.toLowerCase())) return new AppError('bad_gateway', error.message);
  if (error.kind === 'transient') return new AppError('bad_gateway', `${label} could not take the request now: ${error.message}`);
  return new AppError('bad_gateway', `${label} refused the request: ${error.message}`);
}

export class ChannelPush {
  readonly pusher: Pusher | null;
  private readonly outbox: PushOutbox;
  private readonly options: Required<Pick<ChannelPushOptions, 'echoDelayMs' | 'timeoutMs' | 'googleConcurrency'>>;
  private readonly abort = new AbortController();
  private pushingCache: { settings: StoredSettings; channels: PushChannel[] } | null = null;
  private echoes: WaitingEcho[] = [];
  private adapters = new Map<PushChannel, { settings: StoredSettings; adapter: ChannelAdapter }>();
  private driftTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: ChannelPushDeps,
    options: ChannelPushOptions = {},
  ) {
    this.options = { echoDelayMs: options.echoDelayMs ?? 5_000, timeoutMs: options.timeoutMs ?? 30_000, googleConcurrency: options.googleConcurrency ?? 4 };
    this.outbox = new PushOutbox(deps.queue, deps.bus, () => this.pushing());
    this.pusher =
      options.worker === false
        ? null
        : new Pusher(
            { db: deps.db, queue: deps.queue, log: deps.log, summary: deps.summary, settings: deps.settings, adapter: (channel) => this.adapter(channel) },
            {
              lingerMs: options.lingerMs ?? 25,
              minIntervalMs: options.minIntervalMs ?? 250,
              retryBaseMs: options.retryBaseMs ?? 1_000,
              retryMaxMs: options.retryMaxMs ?? 5 * 60_000,
              maxAttempts: options.maxAttempts ?? 5,
              leaseMs: options.leaseMs ?? 120_000,
              pollMs: options.pollMs ?? 5_000,
            },
          );
    const pusher = this.pusher;
    if (pusher) {
      this.outbox.onQueued((channels) => channels.forEach((c) => pusher.wake(c)));
      // New settings: re-push what they change, and try a failing channel again at once (new credentials).
      deps.bus.subscribe((changes) => {
        if (!changes.some((c) => c.type === 'settings.updated')) return;
        pusher.syncConfig().catch((error: Error) => deps.log.error(`channel push settings: ${error.message}`));
        for (const channel of PUSH_CHANNELS) if (pushEnabled(deps.settings(), channel)) pusher.retryNow(channel);
      });
    }
  }

  /** Resumes pushes committed before the last stop or crash, and starts the periodic drift check. */
  async start(): Promise<void> {
    if (!this.pusher) return;
    await this.pusher.start();
    this.driftTimer = setInterval(() => void this.periodicDriftCheck(), 10 * 60_000);
    this.driftTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.driftTimer) clearInterval(this.driftTimer);
    this.abort.abort(new Error('stopping'));
    await this.pusher?.stop();
  }

  /** Channels whose push is on, configured and allowed to be called: the outbox queues for these. */
  private pushing(): PushChannel[] {
    const settings = this.deps.settings();
    if (this.pushingCache?.settings !== settings) {
      const channels = PUSH_CHANNELS.filter((c) => pushEnabled(settings, c) && channelConfig(settings, c).config !== null && addressProblem(settings, c) === null);
      this.pushingCache = { settings, channels };
    }
    return this.pushingCache.channels;
  }

  /** The channel's adapter for the settings as they are now, or why it cannot be called. */
  adapter(channel: PushChannel): { adapter: ChannelAdapter; problem: null } | { adapter: null; problem: string } {
    const settings = this.deps.settings();
    // One adapter per channel and settings: it keeps what it learnt (Shopify's locations and cost
    // budget, Google's access token) from one round to the next.
    const cached = this.adapters.get(channel);
    if (cached?.settings === settings) return { adapter: cached.adapter, problem: null };
    const made = this.makeAdapter(channel, settings);
    if (made.adapter) this.adapters.set(channel, { settings, adapter: made.adapter });
    return made;
  }

  private makeAdapter(channel: PushChannel, settings: StoredSettings): { adapter: ChannelAdapter; problem: null } | { adapter: null; problem: string } {
    const made = channelConfig(settings, channel);
    if (!made.config) return { adapter: null, problem: made.problem };
    const address = addressProblem(settings, channel);
    if (address) return { adapter: null, problem: address };
    const net = { outbound: this.deps.outbound, allowPrivateNetwork: settings.webhooks.allowPrivateNetwork, timeoutMs: this.options.timeoutMs };
    const config = made.config;
    if (config.channel === 'shopify') return { adapter: createShopifyChannel(config, net), problem: null };
    if (config.channel === 'woocommerce') return { adapter: createWooCommerceChannel(config, net), problem: null };
    return { adapter: createGoogleChannel(config, { ...net, concurrency: this.options.googleConcurrency }), problem: null };
  }

  private adapterOrRefuse(channel: PushChannel): ChannelAdapter {
    const made = this.adapter(channel);
    if (!made.adapter) throw new AppError('validation_failed', `${channel}: ${made.problem}`, { issues: [{ path: `channels.${channel}`, message: made.problem }] });
    return made.adapter;
  }

  private wake(channel: PushChannel): void {
    this.pusher?.kick(channel);
  }

  /** Pulls the channel's catalogue, stores the mapping and answers the match report. */
  async connect(channel: PushChannel): Promise<MatchReport> {
    const adapter = this.adapterOrRefuse(channel);
    try {
      const catalogue = await adapter.catalogue(this.abort.signal);
      return await applyCatalogue({ db: this.deps.db, queue: this.deps.queue, pushEnabled: this.pushing().includes(channel), wake: () => this.wake(channel) }, channel, catalogue);
    } catch (error) {
      throw asAppError(error, channel);
    }
  }

  async reconcile(channel: PushChannel): Promise<ReconcileResult> {
    const adapter = this.adapterOrRefuse(channel);
    try {
      return await reconcile(
        { db: this.deps.db, queue: this.deps.queue, summary: this.deps.summary, pushEnabled: this.pushing().includes(channel), wake: () => this.wake(channel) },
        channel,
        adapter,
        this.abort.signal,
      );
    } catch (error) {
      throw asAppError(error, channel);
    }
  }

  /**
   * Every `channels.driftCheckHours`, the channels this process pushes are synced: the catalogue is
   * pulled and matched again, and every matched item is read back and corrected.
   */
  private async periodicDriftCheck(): Promise<void> {
    const settings = this.deps.settings();
    const hours = settings.channels.driftCheckHours;
    if (hours <= 0 || !this.pusher) return;
    for (const channel of this.pushing()) {
      if (!this.pusher.hasLease(channel)) continue;
      const row = (await this.deps.db('channel_state').select('last_reconcile_at', 'connected_at').where({ channel }).first()) as
        | { last_reconcile_at: string | null; connected_at: string | null }
        | undefined;
      const last = row?.last_reconcile_at ?? row?.connected_at ?? null;
      if (last && Date.now() - Date.parse(last) < hours * 60 * 60_000) continue;
      try {
        // The catalogue first, so items added on either side since are matched (and what is gone, dropped) …
        const adapter = this.adapterOrRefuse(channel);
        await applyCatalogue({ db: this.deps.db, queue: this.deps.queue, pushEnabled: false, wake: () => undefined }, channel, await adapter.catalogue(this.abort.signal));
        // … then every matched item's value is read back and corrected.
        await this.reconcile(channel);
      } catch (error) {
        this.deps.log.warn(`drift check of ${channel} failed: ${(error as Error).message}`);
      }
    }
  }

  matches(channel: PushChannel): Promise<{ report: MatchReport | null }> {
    return lastReport(this.deps.db, channel).then((report) => ({ report }));
  }

  async status() {
    return { channels: await channelStatuses(this.deps.db, this.deps.settings()) };
  }

  pushes(input: ParsedInput<'channels.pushes'>) {
    return listPushes(this.deps.db, input);
  }

  async retry(input: ParsedInput<'channels.retry'>) {
    const push = await retryPush(this.deps.queue, input.channel, input.id);
    this.pusher?.retryNow(input.channel);
    return push;
  }

  async drift(input: ParsedInput<'channels.drift'>) {
    return { drift: await listDrift(this.deps.db, input.channel, input.limit) };
  }

  /**
   * A channel's inventory webhook (Shopify `inventory_levels/update`, WooCommerce
   * `product.updated`), already authenticated by its signature. Webhooks that arrive together share
   * one transaction.
   */
  receiveEcho(channel: PushChannel, body: unknown): Promise<EchoResult> {
    return new Promise((resolve, reject) => {
      this.echoes.push({ channel, body, resolve, reject });
      if (this.echoes.length === 1) setImmediate(() => void this.flushEchoes());
    });
  }

  private async flushEchoes(): Promise<void> {
    const batch = this.echoes.splice(0, 500);
    if (batch.length === 0) return;
    try {
      const changed = new Set<PushChannel>();
      const results = await this.deps.queue.exclusive(async ({ trx, now }) => {
        const out: EchoResult[] = [];
        for (const channel of PUSH_CHANNELS) {
          const mine = batch.filter((e) => e.channel === channel);
          if (mine.length === 0) continue;
          const answers = await applyEchoes(trx, now, channel, mine.map((e) => readEcho(channel, e.body)), this.options.echoDelayMs);
          mine.forEach((e, i) => {
            out[batch.indexOf(e)] = answers[i] as EchoResult;
          });
          if (answers.some((a) => a.outcome === 'changed')) changed.add(channel);
        }
        return out;
      });
      // The correction push waits its delay; the lane schedules itself for it.
      for (const channel of changed) this.pusher?.wake(channel);
      batch.forEach((e, i) => e.resolve(results[i] as EchoResult));
    } catch (error) {
      for (const e of batch) e.reject(error);
    }
    if (this.echoes.length > 0) setImmediate(() => void this.flushEchoes());
  }
}
