/**
 * A fresh Idempotency-Key for one intended write. Built from getRandomValues because
 * crypto.randomUUID exists only in secure contexts, and the server may be opened over a LAN address.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * One key per intended write: asking again with the same body (a retry after a lost answer) gives
 * the same key, so the server applies the write once; a changed body gets a new key.
 */
export function createIdempotencyKeys(make: () => string = newIdempotencyKey) {
  let last: { body: string; key: string } | null = null;
  return {
    keyFor(body: unknown): string {
      const text = JSON.stringify(body);
      if (last?.body !== text) last = { body: text, key: make() };
      return last.key;
    },
    /** After a success: the next write is a new one even with the same body (receive 5, then 5 more). */
    reset(): void {
      last = null;
    },
  };
}
