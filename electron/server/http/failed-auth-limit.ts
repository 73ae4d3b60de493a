/**
 * Failed authentications counted per client address. The per-token limit in hardening.ts cannot
 * stop guessing, because every guess is a different token; this one counts wrong tokens by the
 * address they come from, in a fixed window that starts at the address's first failure.
 *
 * Once an address is over the limit, every request from it that needs the token gets 429 until the
 * window ends, the right token included: if the right token still got through, the difference
 * between 429 and 200 would answer the guess and the limit would slow nothing down.
 */
export type FailedAuthLimitOptions = {
  /** Wrong tokens an address may send per window before it is refused. */
  max: number;
  windowMs: number;
  /** Addresses remembered at once; the oldest window is dropped first (bounds memory under a spray of addresses). */
  maxAddresses?: number;
  now?: () => number;
};

type Window = { failures: number; endsAt: number };

export class FailedAuthLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxAddresses: number;
  private readonly now: () => number;

  constructor(private readonly options: FailedAuthLimitOptions) {
    this.maxAddresses = options.maxAddresses ?? 10_000;
    this.now = options.now ?? (() => Date.now());
  }

  get max(): number {
    return this.options.max;
  }

  /** Milliseconds until `address` may try again; 0 when it is not refused. */
  refusedFor(address: string): number {
    const window = this.current(address);
    return window && window.failures >= this.options.max ? window.endsAt - this.now() : 0;
  }

  recordFailure(address: string): void {
    const window = this.current(address);
    if (window) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= this.maxAddresses) this.dropOldest();
    this.windows.set(address, { failures: 1, endsAt: this.now() + this.options.windowMs });
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window && window.endsAt <= this.now()) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  /** Map order is insertion order, so the first entry is the window that started first. */
  private dropOldest(): void {
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }
}
