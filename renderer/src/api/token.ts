/**
 * Credentials that reach the page from outside, each exchanged once for a session (auth.ts) and
 * then dropped:
 * - the link the server prints, `…/#signin=<one-time code>`;
 * - an older link or bookmark with the token itself, `…/#token=<token>` (still accepted, so a
 *   bookmark keeps working; main.ts removes it from the address at once);
 * - a token an earlier version of the app kept in sessionStorage or localStorage, which is removed
 *   from both whatever the exchange gives: the app keeps no token in the browser any more.
 */
import type { SignInCredential } from './auth';

/** Where earlier versions kept the token. */
export const LEGACY_TOKEN_KEY = 'stockfeed.apiToken';

/** The part of the Web Storage API used here; null when the browser refuses storage. */
export type StorageLike = {
  getItem(key: string): string | null;
  removeItem(key: string): void;
};

/** The credential in a location hash like `#signin=abc` or `#token=abc` (also after `#/?`), or null. */
export function credentialFromHash(hash: string): SignInCredential | null {
  const params = new URLSearchParams(hash.replace(/^#\/?\??/, ''));
  const code = params.get('signin')?.trim();
  if (code) return { code };
  const token = params.get('token')?.trim();
  return token ? { token } : null;
}

/** Whether the hash holds a credential (so it must leave the address bar), even an empty one. */
export function hashHoldsCredential(hash: string): boolean {
  const params = new URLSearchParams(hash.replace(/^#\/?\??/, ''));
  return params.has('signin') || params.has('token');
}

/** A token an earlier version kept, removed from every storage; null when there is none. */
export function takeLegacyToken(storages: ReadonlyArray<StorageLike | null>): string | null {
  let found: string | null = null;
  for (const storage of storages) {
    try {
      const value = storage?.getItem(LEGACY_TOKEN_KEY)?.trim();
      if (value && found === null) found = value;
      storage?.removeItem(LEGACY_TOKEN_KEY);
    } catch {
      // Storage throws when the browser blocks it (private modes, policies): nothing was kept there.
    }
  }
  return found;
}
