/**
 * Failures of a delivery attempt, classified so the runner knows whether waiting can help: a
 * refused connection or an engine's 503 may pass, a wrong key or a rejected request will not.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** True when the same attempt may succeed later without a settings change. */
    readonly retryable: boolean,
    /** The server's own wish (HTTP Retry-After), in milliseconds. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export type RetryPolicy = {
  /** Delay before the first retry; doubles with each failure. */
  baseMs: number;
  /** Ceiling of the computed delay (a longer Retry-After is still honoured, up to maxRetryAfterMs). */
  maxMs: number;
  /** Consecutive failed attempts after which the target stops retrying until the next publish. */
  maxAttempts: number;
  /** Ceiling for a server's Retry-After, so a hostile or broken header cannot park a target for days. */
  maxRetryAfterMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 2_000,
  maxMs: 10 * 60_000,
  maxAttempts: 8,
  maxRetryAfterMs: 6 * 60 * 60_000,
};

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits between half and all of
 * base·2^(n−1) (capped), so targets that failed together do not all retry in the same instant.
 * A server's Retry-After is a floor.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | null, random = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp * (0.5 + random() * 0.5));
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/** HTTP Retry-After: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
