import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TOKEN_FILE = 'api-token';

/**
 * The API token: STOCKFEED_API_TOKEN when set, otherwise generated once and kept in the data
 * folder (readable by the owner only), so scripts keep working across restarts.
 */
export function loadOrCreateToken(dataDir: string, fromEnv = process.env.STOCKFEED_API_TOKEN): string {
  const envToken = fromEnv?.trim();
  if (envToken) {
    if (envToken.length < 16) throw new Error('STOCKFEED_API_TOKEN must be at least 16 characters');
    return envToken;
  }
  const file = path.join(dataDir, TOKEN_FILE);
  try {
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison: hashing first makes the lengths equal and hides the token's length. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token from an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? (match[1] as string) : null;
}
