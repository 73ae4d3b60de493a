/**
 * The page's side of signing in (issue 14): credentials that arrive with the page (the printed
 * one-time link, an old `#token=` bookmark, a token an earlier version kept in storage) are each
 * exchanged once for the server's session cookie and dropped; the page keeps no token.
 */
import { describe, expect, it } from 'vitest';
import { httpAuth } from '../../renderer/src/api/auth';
import type { FetchLike } from '../../renderer/src/api/client';
import { credentialFromHash, hashHoldsCredential, LEGACY_TOKEN_KEY, takeLegacyToken, type StorageLike } from '../../renderer/src/api/token';

function memoryStorage(entries: Record<string, string> = {}): StorageLike & { data: Map<string, string> } {
  const data = new Map(Object.entries(entries));
  return { data, getItem: (key) => data.get(key) ?? null, removeItem: (key) => void data.delete(key) };
}

describe('credentialFromHash', () => {
  it('reads the one-time code of the link the server prints, and the token of an older link', () => {
    expect(credentialFromHash('#signin=abc-DEF_123')).toEqual({ code: 'abc-DEF_123' });
    expect(credentialFromHash('#token=abc-DEF_123')).toEqual({ token: 'abc-DEF_123' });
    expect(credentialFromHash('#/?token=xyz')).toEqual({ token: 'xyz' });
  });

  it('finds nothing in an ordinary route hash, and still says an empty one must leave the address', () => {
    expect(credentialFromHash('#/products')).toBeNull();
    expect(credentialFromHash('')).toBeNull();
    expect(credentialFromHash('#token=')).toBeNull();
    expect(hashHoldsCredential('#token=')).toBe(true);
    expect(hashHoldsCredential('#signin=x')).toBe(true);
    expect(hashHoldsCredential('#/products')).toBe(false);
  });
});

describe('takeLegacyToken', () => {
  it('takes a token an earlier version kept, and removes it from every storage', () => {
    const session = memoryStorage({ [LEGACY_TOKEN_KEY]: 'from-session', other: 'kept' });
    const local = memoryStorage({ [LEGACY_TOKEN_KEY]: 'from-local' });
    expect(takeLegacyToken([session, local])).toBe('from-session');
    expect(session.data.has(LEGACY_TOKEN_KEY)).toBe(false);
    expect(local.data.has(LEGACY_TOKEN_KEY)).toBe(false);
    expect(session.data.get('other')).toBe('kept');
    expect(takeLegacyToken([session, local])).toBeNull();
  });

  it('copes with storage the browser blocks', () => {
    const blocked: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(takeLegacyToken([blocked, null, memoryStorage({ [LEGACY_TOKEN_KEY]: 't' })])).toBe('t');
  });
});

describe('httpAuth', () => {
  type Call = { url: string; method: string; headers: Record<string, string>; body?: string };
  function fakeFetch(answers: Array<[number, unknown]>): { fetch: FetchLike; calls: Call[] } {
    const calls: Call[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, ...init });
      const [status, body] = answers.shift() ?? [500, ''];
      return { status, statusText: '', text: async () => (body === undefined ? '' : JSON.stringify(body)) };
    };
    return { fetch, calls };
  }
  const session = { via: 'session', signedInWith: 'api-token', signedInAt: '2026-12-10T10:00:00.000Z', expiresAt: '2027-01-09T10:00:00.000Z' };

  it('posts the token once to /auth/login with the app header, and keeps nothing', async () => {
    const { fetch, calls } = fakeFetch([[200, session]]);
    await expect(httpAuth(fetch).login({ token: 'tok' })).resolves.toEqual(session);
    expect(calls).toEqual([
      {
        url: '/api/v1/auth/login',
        method: 'POST',
        headers: { Accept: 'application/json', 'X-Stockfeed-Request': '1', 'Content-Type': 'application/json' },
        body: '{"token":"tok"}',
      },
    ]);
  });

  it("throws the server's reason for a refused sign-in", async () => {
    const { fetch } = fakeFetch([[401, { error: { code: 'unauthorized', message: 'This sign-in link was used already or has expired' } }]]);
    await expect(httpAuth(fetch).login({ code: 'c' })).rejects.toMatchObject({ code: 'unauthorized', status: 401, message: expect.stringContaining('used already') });
  });

  it('says who is signed in, or null on 401; signs out with the app header', async () => {
    const { fetch, calls } = fakeFetch([[200, session], [401, { error: { code: 'unauthorized', message: 'Not signed in' } }], [204, undefined]]);
    const auth = httpAuth(fetch);
    await expect(auth.me()).resolves.toEqual(session);
    await expect(auth.me()).resolves.toBeNull();
    await auth.logout();
    expect(calls.map((c) => `${c.method} ${c.url} ${c.headers['X-Stockfeed-Request']}`)).toEqual([
      'GET /api/v1/auth/me 1',
      'GET /api/v1/auth/me 1',
      'POST /api/v1/auth/logout 1',
    ]);
  });

  it('reports an unreachable server as such', async () => {
    const auth = httpAuth(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(auth.me()).rejects.toMatchObject({ code: 'network' });
  });
});
