import { describe, expect, it } from 'vitest';
import { createTokenStore, TOKEN_STORAGE_KEY, tokenFromHash, type StorageLike } from '../../renderer/src/api/token';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('tokenFromHash', () => {
  it('reads the token from the link the server prints', () => {
    expect(tokenFromHash('#token=abc-DEF_123')).toBe('abc-DEF_123');
    expect(tokenFromHash('#/?token=xyz')).toBe('xyz');
  });

  it('finds nothing in an ordinary route hash', () => {
    expect(tokenFromHash('#/products')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });
});

describe('createTokenStore', () => {
  it('keeps the token for the session only unless asked to remember it', () => {
    const session = memoryStorage();
    const local = memoryStorage();
    const store = createTokenStore(session, local);
    store.set('t1', false);
    expect(session.data.get(TOKEN_STORAGE_KEY)).toBe('t1');
    expect(local.data.has(TOKEN_STORAGE_KEY)).toBe(false);
    expect(store.remembered()).toBe(false);

    store.set('t2', true);
    expect(local.data.get(TOKEN_STORAGE_KEY)).toBe('t2');
    expect(store.remembered()).toBe(true);
    // A new tab starts with an empty sessionStorage and finds the remembered token.
    expect(createTokenStore(memoryStorage(), local).get()).toBe('t2');
  });

  it('forgets the token everywhere on clear', () => {
    const session = memoryStorage();
    const local = memoryStorage();
    const store = createTokenStore(session, local);
    store.set('t', true);
    store.clear();
    expect(store.get()).toBeNull();
    expect(session.data.size + local.data.size).toBe(0);
  });

  it('still works for the page when the browser blocks storage', () => {
    const blocked: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = createTokenStore(blocked, null);
    store.set('t', true);
    expect(store.get()).toBe('t');
  });
});
