/**
 * Account passwords, kept as scrypt hashes (node:crypto; no native add-on to build on every
 * platform, unlike argon2). Each hash has its own random salt and carries its cost parameters, in
 * the PHC string format `$scrypt$ln=17,r=8,p=1$<salt>$<hash>`, so the parameters can be raised
 * later: a hash made with lower ones still verifies, and is replaced at the next sign-in.
 *
 * The default cost is OWASP's floor for scrypt (N = 2^17, r = 8, p = 1): 128 MiB and a few hundred
 * milliseconds per hash. So that a burst of sign-ins cannot take the server's memory, at most two
 * hashes are computed at once; the others wait their turn.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

export type PasswordHashParams = { logN: number; r: number; p: number };

export const PASSWORD_HASH_PARAMS: PasswordHashParams = { logN: 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Bounds on parameters read back from a stored hash: a tampered row must not make one hash take minutes or gigabytes. */
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{32,})$/;

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, length: number, options: crypto.ScryptOptions) => Promise<Buffer>;

const MAX_CONCURRENT = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, params: PasswordHashParams, length: number): Promise<Buffer> {
  const N = 2 ** params.logN;
  // scrypt needs 128·N·r bytes; Node refuses anything over maxmem (32 MiB by default).
  const maxmem = 128 * N * params.r + 16 * 1024 * 1024;
  return limited(() => scrypt(password.normalize('NFKC'), salt, length, { N, r: params.r, p: params.p, maxmem }));
}

/** A new hash of `password` with a fresh salt: the string to store. */
export async function hashPassword(password: string, params: PasswordHashParams = PASSWORD_HASH_PARAMS): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params, HASH_BYTES);
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64').replace(/=+$/, '')}$${hash.toString('base64').replace(/=+$/, '')}`;
}

type Parsed = { params: PasswordHashParams; salt: Buffer; hash: Buffer };

function parse(stored: string): Parsed | null {
  const match = PHC.exec(stored);
  if (!match) return null;
  const params = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.logN < 1 || params.logN > MAX_LOG_N || params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) return null;
  return { params, salt: Buffer.from(match[4] as string, 'base64'), hash: Buffer.from(match[5] as string, 'base64') };
}

/** Whether `password` is the one `stored` was made from; false for anything that is not such a hash. Compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return crypto.timingSafeEqual(candidate, parsed.hash);
}

/** Whether `stored` was made with lower parameters than today's (it is replaced at the next sign-in). */
export function needsRehash(stored: string, params: PasswordHashParams = PASSWORD_HASH_PARAMS): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.params.logN < params.logN || parsed.params.r < params.r || parsed.params.p < params.p;
}

/**
 * The time a real check takes, spent when there is nothing to check (an unknown username): a
 * sign-in for a name that does not exist answers no faster than one with a wrong password.
 */
export async function spendVerifyTime(params: PasswordHashParams = PASSWORD_HASH_PARAMS): Promise<void> {
  await derive('not a password', crypto.randomBytes(SALT_BYTES), params, HASH_BYTES);
}
