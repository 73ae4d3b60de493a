/**
 * What never reaches a log file: secrets named by their key anywhere in a line's fields (pino's
 * redact paths), and secrets inside text: a URL's user name and password (shown as `***@`, as in
 * the API and the change log), a bearer token, a session cookie.
 */
import { CREDENTIALS_MASK } from '../net/url-credentials';

export const REDACTED = '[redacted]';

const SECRET_KEYS = ['password', 'secret', 'token', 'apiToken', 'privateKey', 'authorization', 'cookie', 'signature', 'passphrase'];

/** pino redact paths: each secret key at the top of the fields and one or two levels down. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g;
const COOKIE = /\b((?:__Host-)?stockfeed_session)=[^\s;]+/g;

/** A message or field text with credentials in it masked. */
export function redactText(text: string): string {
  return text.replace(URL_USERINFO, `$1${CREDENTIALS_MASK}@`).replace(BEARER, `$1 ${REDACTED}`).replace(COOKIE, `$1=${REDACTED}`);
}

/** The fields of a line with every string in them passed through redactText (keys are pino's job). */
export function redactFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactFields(v, depth + 1)]));
}
