/**
 * One-time sign-in codes for the link the server prints at start (`…/#signin=<code>`). The link
 * used to carry the API token itself, which then sat in the terminal's scrollback, in service logs
 * (journald keeps what a service prints) and in the browser's history. A code signs in one browser
 * once, within a few minutes, and is worth nothing after: printed output and history keep nothing
 * that opens the shop.
 *
 * Codes live in this process's memory only: the link points at this server, a restart prints a
 * new one, and a code never needs to survive either.
 */
import { createHash, randomBytes } from 'node:crypto';

export const SIGN_IN_CODE_TTL_MS = 15 * 60 * 1000;

/** Unredeemed codes kept at once; the oldest goes first (issuing is not reachable from outside, so this is only a bound). */
const MAX_CODES = 100;

const hash = (code: string) => createHash('sha256').update(code).digest('base64url');

export class SignInCodes {
  /** Hash of each code → when it stops working. Only hashes, like the sessions table. */
  private readonly codes = new Map<string, number>();

  constructor(private readonly ttlMs = SIGN_IN_CODE_TTL_MS) {}

  /** A new code (256 random bits, base64url), valid once within the time to live. */
  issue(): string {
    this.dropExpired();
    if (this.codes.size >= MAX_CODES) {
      const oldest = this.codes.keys().next();
      if (!oldest.done) this.codes.delete(oldest.value);
    }
    const code = randomBytes(32).toString('base64url');
    this.codes.set(hash(code), Date.now() + this.ttlMs);
    return code;
  }

  /** Whether `code` was issued and is unused and unexpired; it cannot be redeemed again either way. */
  redeem(code: string): boolean {
    const key = hash(code);
    const until = this.codes.get(key);
    this.codes.delete(key);
    return until !== undefined && until > Date.now();
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [key, until] of this.codes) if (until <= now) this.codes.delete(key);
  }
}
