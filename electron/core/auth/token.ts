import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../publish/atomic-file';
import { PRIVATE_FILE_MODE } from '../data-files';

export const TOKEN_FILE = 'api-token';

/** At least 16 characters of the kinds tokens are made of (ours are 43 base64url characters). */
const MIN_TOKEN_LENGTH = 16;
const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]+$/;

/** A token file that is there but does not hold a token, or is gone though one was issued. */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

export type TokenFileState = { kind: 'missing' } | { kind: 'token'; token: string } | { kind: 'invalid'; reason: string };

/** What the token file holds: a token, nothing (no file), or why its content is not a token. */
export function readTokenFile(file: string): TokenFileState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  const token = text.trim();
  if (token === '') return { kind: 'invalid', reason: 'it is empty' };
  if (/\s/.test(token)) return { kind: 'invalid', reason: 'it holds more than one word' };
  if (!TOKEN_CHARS.test(token)) return { kind: 'invalid', reason: 'it holds characters a token never has' };
  if (token.length < MIN_TOKEN_LENGTH) return { kind: 'invalid', reason: `it holds ${token.length} characters; a token has at least ${MIN_TOKEN_LENGTH}` };
  return { kind: 'token', token };
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Replaces the token file durably: a temporary file (0600 whatever the umask) written and fsynced,
 * renamed over the old one, then the folder fsynced. A crash or power cut leaves the old token or
 * the new one, never an empty or half-written file.
 */
export function writeTokenFile(dataDir: string, token: string): void {
  const file = path.join(dataDir, TOKEN_FILE);
  const temp = path.join(dataDir, `.${TOKEN_FILE}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const bytes = Buffer.from(`${token}\n`, 'utf8');
  try {
    const fd = fs.openSync(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      if (process.platform !== 'win32') fs.fchmodSync(fd, PRIVATE_FILE_MODE);
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(dataDir);
}

/** The sentence that tells the owner how to get a working token again, without losing anything. */
export function tokenRecovery(dataDir: string): string {
  return `Delete nothing else. Restore the file from a backup, or issue a new token with \`npm run cli -- token --new --data "${dataDir}"\` (scripts that use the old token then need the new one).`;
}

/**
 * The API token: STOCKFEED_API_TOKEN when set, otherwise the one kept in the data folder (readable
 * by the owner only), so scripts keep working across restarts. A token is issued when the folder
 * has none and never had one (`issuedBefore` false). A file that is missing though a token was
 * issued, or that does not hold a token (cut short, emptied, edited), is an error naming the file
 * and the fix: replacing it silently would break every script with no word why, and hide the damage.
 */
export function loadOrCreateToken(
  dataDir: string,
  fromEnv = process.env.STOCKFEED_API_TOKEN,
  options: { issuedBefore?: boolean } = {},
): { token: string; created: boolean } {
  const envToken = fromEnv?.trim();
  if (envToken) {
    if (envToken.length < MIN_TOKEN_LENGTH) throw new Error(`STOCKFEED_API_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
    return { token: envToken, created: false };
  }
  const file = path.join(dataDir, TOKEN_FILE);
  const state = readTokenFile(file);
  if (state.kind === 'token') return { token: state.token, created: false };
  if (state.kind === 'invalid') {
    throw new TokenFileError(`The API token file ${file} does not hold a valid token (${state.reason}); it may have been cut short or edited. Stockfeed does not replace it by itself. ${tokenRecovery(dataDir)}`);
  }
  if (options.issuedBefore) {
    throw new TokenFileError(`The API token file ${file} is missing, though this data folder had one (its database records that a token was issued). Stockfeed does not make a new one by itself. ${tokenRecovery(dataDir)}`);
  }
  const token = newToken();
  writeTokenFile(dataDir, token);
  return { token, created: true };
}
