/**
 * The API token of the headless server. It arrives once in the link the server prints
 * (`http://127.0.0.1:PORT/#token=…`) or is typed on the sign-in screen, and is kept in
 * sessionStorage (gone when the tab closes) or, when the user asks, in localStorage too.
 */

export const TOKEN_STORAGE_KEY = 'stockfeed.apiToken';

/** The part of the Web Storage API used here; null when the browser refuses storage. */
export type StorageLike = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

/** The token in a location hash like `#token=abc` (or `#/?token=abc`), or null. */
export function tokenFromHash(hash: string): string | null {
  const raw = hash.replace(/^#\/?\??/, '');
  const token = new URLSearchParams(raw).get('token')?.trim();
  return token ? token : null;
}

export type TokenStore = {
  get(): string | null;
  /** Whether the token is kept in localStorage, beyond this tab. */
  remembered(): boolean;
  set(token: string, remember: boolean): void;
  clear(): void;
};

function safely<T>(run: () => T, fallback: T): T {
  try {
    return run();
  } catch {
    // Storage throws when the browser blocks it (private modes, policies); the token then lives
    // only as long as the page.
    return fallback;
  }
}

export function createTokenStore(session: StorageLike | null, local: StorageLike | null): TokenStore {
  let inMemory: string | null = null;
  return {
    get() {
      return (
        safely(() => session?.getItem(TOKEN_STORAGE_KEY) ?? null, null) ??
        safely(() => local?.getItem(TOKEN_STORAGE_KEY) ?? null, null) ??
        inMemory
      );
    },
    remembered() {
      return safely(() => local?.getItem(TOKEN_STORAGE_KEY) != null, false);
    },
    set(token, remember) {
      inMemory = token;
      safely(() => session?.setItem(TOKEN_STORAGE_KEY, token), undefined);
      if (remember) safely(() => local?.setItem(TOKEN_STORAGE_KEY, token), undefined);
      else safely(() => local?.removeItem(TOKEN_STORAGE_KEY), undefined);
    },
    clear() {
      inMemory = null;
      safely(() => session?.removeItem(TOKEN_STORAGE_KEY), undefined);
      safely(() => local?.removeItem(TOKEN_STORAGE_KEY), undefined);
    },
  };
}
