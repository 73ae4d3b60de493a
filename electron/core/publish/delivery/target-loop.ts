/**
 * Runs one delivery target: at most one attempt at a time, newer publishes coalesced into the
 * next attempt, failures retried with backoff, and the status the UI and the API show.
 */
import type { Logger } from '../../logger';
import type { HostKeyStatus, PublishOutcome, StoredSettings, TargetState, TargetStatus } from '../types';
import { backoffDelay, DeliveryError, errorMessage, type RetryPolicy } from './delivery-error';

/** What a target (SFTP, IndexNow) implements; the loop owns timing, retries and status. */
export type DeliveryTarget = {
  readonly name: TargetStatus['target'];
  enabled(settings: StoredSettings): boolean;
  /** The settings this target depends on, as a string: a change re-arms a failed target. */
  fingerprint(settings: StoredSettings): string;
  /** Records a publish (also while off, so enabling later knows the folder's current state). */
  accept(outcome: PublishOutcome, enabled: boolean): void;
  /** True when something accepted has not been delivered yet. */
  hasWork(): boolean;
  /** One attempt at delivering everything pending; returns the publish sequence delivered, if any. */
  deliver(settings: StoredSettings, signal: AbortSignal): Promise<number | null>;
  /** The target's settings changed: forget what no longer holds and mark what must be redone. */
  reset(settings: StoredSettings): void;
  /** The server key pinned and any refused one (SFTP). */
  hostKey?(settings: StoredSettings): HostKeyStatus;
};

export type LoopOptions = {
  settings: () => StoredSettings;
  logger: Logger;
  retry: RetryPolicy;
  now: () => Date;
};

export class TargetLoop {
  private state: Exclude<TargetState, 'off'> = 'idle';
  private lastSeq: number | null = null;
  private lastDeliveredAt: string | null = null;
  private lastDurationMs: number | null = null;
  private attempts = 0;
  private lastError: string | null = null;
  private nextAttemptAt: Date | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly abort = new AbortController();
  private fingerprint: string;

  constructor(
    private readonly target: DeliveryTarget,
    private readonly options: LoopOptions,
  ) {
    this.fingerprint = target.fingerprint(options.settings());
  }

  onPublished(outcome: PublishOutcome): void {
    if (this.closed) return;
    this.checkSettings();
    const enabled = this.target.enabled(this.options.settings());
    this.target.accept(outcome, enabled);
    if (!enabled) return;
    // A scheduled retry keeps its time: hammering a server that asked us to wait helps nobody.
    // The retry then delivers the newest publish, with everything accumulated since.
    if (this.state === 'retrying') return;
    // A new publish re-arms a target that gave up: it gets a fresh round of retries.
    if (this.state === 'failed') this.attempts = 0;
    this.start();
  }

  /** Skips the wait of a scheduled retry, or tries a failed target again. */
  retryNow(): void {
    if (this.closed) return;
    this.checkSettings();
    this.clearTimer();
    if (this.state === 'failed') this.attempts = 0;
    if (this.state === 'retrying') this.state = 'idle';
    this.start();
  }

  /** Re-reads the settings: a changed destination resets the target and retries at once. */
  settingsChanged(): void {
    if (this.closed) return;
    if (this.checkSettings()) this.retryNow();
  }

  status(): TargetStatus {
    const settings = this.options.settings();
    const enabled = this.target.enabled(settings);
    return {
      target: this.target.name,
      state: enabled ? this.state : 'off',
      lastSeq: this.lastSeq,
      lastDeliveredAt: this.lastDeliveredAt,
      lastDurationMs: this.lastDurationMs,
      attempts: this.attempts,
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt ? this.nextAttemptAt.toISOString() : null,
      hostKey: this.target.hostKey?.(settings) ?? null,
    };
  }

  /** Resolves when no attempt is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    this.abort.abort();
    await this.idle();
  }

  private checkSettings(): boolean {
    const settings = this.options.settings();
    const next = this.target.fingerprint(settings);
    if (next === this.fingerprint) return false;
    this.fingerprint = next;
    this.target.reset(settings);
    this.attempts = 0;
    return true;
  }

  private start(): void {
    if (this.running || this.closed) return;
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    while (!this.closed && this.target.hasWork()) {
      const settings = this.options.settings();
      if (!this.target.enabled(settings)) return;
      this.state = 'delivering';
      this.nextAttemptAt = null;
      const started = performance.now();
      try {
        const seq = await this.target.deliver(settings, this.abort.signal);
        if (seq !== null) this.lastSeq = seq;
        this.lastDeliveredAt = this.options.now().toISOString();
        this.lastDurationMs = Math.round(performance.now() - started);
        this.attempts = 0;
        this.lastError = null;
        this.state = 'idle';
      } catch (error) {
        if (this.closed) return;
        this.fail(error);
        return;
      }
    }
  }

  private fail(error: unknown): void {
    const retryable = error instanceof DeliveryError ? error.retryable : true;
    const retryAfterMs = error instanceof DeliveryError ? error.retryAfterMs : null;
    this.attempts += 1;
    this.lastError = errorMessage(error);
    const name = this.target.name;
    if (!retryable || this.attempts >= this.options.retry.maxAttempts) {
      this.state = 'failed';
      this.nextAttemptAt = null;
      const why = retryable ? `gave up after ${this.attempts} attempts` : 'not retried (fix the settings or retry by hand)';
      this.options.logger.error(`delivery ${name} failed, ${why}: ${this.lastError}`);
      return;
    }
    const delay = backoffDelay(this.options.retry, this.attempts, retryAfterMs);
    this.state = 'retrying';
    this.nextAttemptAt = new Date(this.options.now().getTime() + delay);
    this.options.logger.warn(`delivery ${name} attempt ${this.attempts} failed, retrying in ${delay} ms: ${this.lastError}`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.state = 'idle';
      this.start();
    }, delay);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAttemptAt = null;
  }
}
