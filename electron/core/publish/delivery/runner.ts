/**
 * Delivery after each publish: the publisher hands over what it wrote, and each target (SFTP,
 * IndexNow) delivers it on its own schedule. Nothing here blocks the publisher; a slow or broken
 * target only shows in its status.
 */
import type { Logger } from '../../logger';
import { Outbound } from '../../net/outbound';
import type { HostKeyPin, PublishOutcome, StoredSettings, TargetStatus } from '../types';
import { DEFAULT_RETRY, type RetryPolicy } from './delivery-error';
import { IndexNowTarget } from './indexnow-target';
import { SftpTarget } from './sftp-target';
import { TargetLoop } from './target-loop';

export type DeliveryRunnerOptions = {
  /** The stored settings (secrets included), read at every attempt so changes apply at once. */
  settings: () => StoredSettings;
  logger: Logger;
  /** The publish folder, for the IndexNow key file before the first publish arrives. */
  publishDir?: () => string;
  /**
   * Pins an SFTP server's key on first connection (through the settings); returns the key now
   * pinned for it. Without it, SFTP refuses a server whose key is not in the settings.
   */
  pinHostKey?: (pin: HostKeyPin) => Promise<string>;
  /** Backoff timing; tests shorten it. */
  retry?: Partial<RetryPolicy>;
  sftpConnectTimeoutMs?: number;
  sftpConcurrency?: number;
  indexNowTimeoutMs?: number;
  /** URLs per IndexNow request (the protocol's maximum, 10,000, unless a test lowers it). */
  indexNowBatchSize?: number;
  /** The checked way out for IndexNow and the SFTP server's address (the core passes its own; default: one with the system resolver). */
  outbound?: Outbound;
};

export type DeliveryRunner = {
  /** Hands a finished publish to every target; returns at once. */
  onPublished(outcome: PublishOutcome): void;
  status(): TargetStatus[];
  /** Retries a target now instead of waiting for its backoff (the UI's "retry" button). */
  retryNow(target: TargetStatus['target']): void;
  /** The settings changed: targets whose settings changed are reset and, if failed, retried. */
  settingsChanged(): void;
  /** Resolves once no attempt is running (pending retries may still be scheduled). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

/** Creates the runner with its two targets. */
export function createDeliveryRunner(options: DeliveryRunnerOptions): DeliveryRunner {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const loopOptions = { settings: options.settings, logger: options.logger, retry, now: () => new Date() };
  const outbound = options.outbound ?? new Outbound();
  const loops = new Map<TargetStatus['target'], TargetLoop>([
    [
      'sftp',
      new TargetLoop(
        new SftpTarget({
          logger: options.logger,
          connectTimeoutMs: options.sftpConnectTimeoutMs ?? 20_000,
          concurrency: options.sftpConcurrency ?? 3,
          pinHostKey: options.pinHostKey,
          outbound,
        }),
        loopOptions,
      ),
    ],
    [
      'indexnow',
      new TargetLoop(
        new IndexNowTarget({
          logger: options.logger,
          publishDir: options.publishDir,
          requestTimeoutMs: options.indexNowTimeoutMs ?? 30_000,
          batchSize: options.indexNowBatchSize,
          outbound,
        }),
        loopOptions,
      ),
    ],
  ]);
  let closed = false;

  return {
    onPublished(outcome) {
      if (closed) return;
      for (const loop of loops.values()) loop.onPublished(outcome);
    },
    status() {
      return [...loops.values()].map((loop) => loop.status());
    },
    retryNow(target) {
      const loop = loops.get(target);
      if (!loop) throw new Error(`unknown delivery target "${String(target)}"`);
      loop.retryNow();
    },
    settingsChanged() {
      for (const loop of loops.values()) loop.settingsChanged();
    },
    async idle() {
      await Promise.all([...loops.values()].map((loop) => loop.idle()));
    },
    async close() {
      closed = true;
      await Promise.all([...loops.values()].map((loop) => loop.close()));
      if (!options.outbound) outbound.close();
    },
  };
}
