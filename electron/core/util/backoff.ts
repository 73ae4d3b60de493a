/**
 * Exponential backoff with "equal jitter": each failure doubles the delay up to a maximum, and half
 * of it is random, so many senders that failed together do not come back together.
 */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random = Math.random()): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (random * exp) / 2);
}
