/**
 * Security: how account passwords are kept (issue 20). scrypt from node:crypto with a fresh random
 * salt per password, its cost parameters stored with the hash (so they can be raised later without
 * locking anyone out), and a constant-time comparison.
 */
import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPassword, needsRehash, PASSWORD_HASH_PARAMS, verifyPassword } from '../../electron/core/auth/password';

/** Cheap parameters for the tests that hash many times; the default ones are checked on their own. */
const FAST = { logN: 10, r: 8, p: 1 } as const;

describe('security: password hashing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stores scrypt with its parameters, a 16-byte salt and a 32-byte hash, in the PHC string format', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
    expect(match, stored).not.toBeNull();
    const [, ln, r, p, salt, hash] = match as RegExpExecArray;
    expect({ logN: Number(ln), r: Number(r), p: Number(p) }).toEqual(PASSWORD_HASH_PARAMS);
    // OWASP's floor for scrypt: N = 2^17, r = 8, p = 1.
    expect(PASSWORD_HASH_PARAMS.logN).toBeGreaterThanOrEqual(17);
    expect(Buffer.from(salt as string, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash as string, 'base64')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
  });

  it('salts every password: the same password twice gives two different hashes, both valid', async () => {
    const a = await hashPassword('same password', FAST);
    const b = await hashPassword('same password', FAST);
    expect(a).not.toBe(b);
    expect(a.split('$')[3]).not.toBe(b.split('$')[3]);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('verifies with the parameters stored in the hash, and says when they are below the current ones', async () => {
    const old = await hashPassword('an older password', FAST);
    expect(old).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword('an older password', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('a current one'))).toBe(false);
  });

  it('compares in constant time (crypto.timingSafeEqual), never with === on the hash', async () => {
    const stored = await hashPassword('timing matters', FAST);
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    expect(await verifyPassword('timing matters', stored)).toBe(true);
    expect(await verifyPassword('timing matter!', stored)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('answers false, never throws, for a stored value that is not a hash it made, and refuses absurd parameters', async () => {
    for (const bad of ['', 'plain-text', '$scrypt$ln=10,r=8,p=1$AAAA', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', '$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g']) {
      expect(await verifyPassword('anything', bad), bad).toBe(false);
    }
  });
});
