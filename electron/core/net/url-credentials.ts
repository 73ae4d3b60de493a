/**
 * User name and password in a URL the owner saved (basic auth for a local n8n, say). They are
 * stored and sent, but every answer, log line and change-log entry shows the URL masked, so the
 * change log (readable by every API client) and the screens never give them away.
 */

/** What the credentials are replaced with: `https://***@host/path` stays a valid URL. */
export const CREDENTIALS_MASK = '***';

/** The URL with its user name and password replaced by the mask (unchanged when it has none). */
export function maskCredentials(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.username && !parsed.password) return url;
  parsed.username = CREDENTIALS_MASK;
  parsed.password = '';
  return parsed.href;
}

/**
 * A webhook URL as the change log shows it: scheme and host (credentials masked), with the path and
 * query as the mask. Many receivers keep their secret there (Slack's and Discord's incoming
 * webhooks, Zapier's catch hooks, an n8n webhook path), and the change log is read by everyone
 * signed in and sent to every subscription that takes all events; the owner reads the whole URL in
 * the list of webhooks.
 */
export function changeLogUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const userInfo = parsed.username || parsed.password ? `${CREDENTIALS_MASK}@` : '';
  const rest = parsed.pathname === '/' && !parsed.search ? '/' : `/${CREDENTIALS_MASK}`;
  return `${parsed.protocol}//${userInfo}${parsed.host}${rest}`;
}

/**
 * A URL sent back with the mask in place of the credentials (a client that saves what it read)
 * keeps the stored credentials; any other URL replaces them.
 */
export function keepMaskedCredentials(next: string, stored: string): string {
  let parsed: URL;
  let previous: URL;
  try {
    parsed = new URL(next);
    previous = new URL(stored);
  } catch {
    return next;
  }
  if (parsed.username !== CREDENTIALS_MASK || parsed.password !== '') return next;
  parsed.username = previous.username;
  parsed.password = previous.password;
  return parsed.href;
}

/**
 * Where the user info (`user:pass@`) of an http(s) address or address template sits in its text,
 * end included. Found in the text, not by parsing and printing the URL again, so a template's
 * `{slug}` and the rest of the address stay exactly as written. Read as the WHATWG parser reads
 * these schemes: any run of `/` or `\` after the colon, the authority up to the first `/`, `\`,
 * `?` or `#`, the user info up to its last `@`.
 */
function userInfoSpan(text: string): { start: number; end: number } | null {
  const scheme = /^\s*https?:[/\\]*/i.exec(text);
  if (!scheme) return null;
  const start = scheme[0].length;
  const rest = text.slice(start);
  const authorityEnd = rest.search(/[/\\?#]/);
  const at = (authorityEnd === -1 ? rest : rest.slice(0, authorityEnd)).lastIndexOf('@');
  return at === -1 ? null : { start, end: start + at + 1 };
}

/** Whether an http(s) address or address template names a user or a password. */
export function hasCredentials(text: string): boolean {
  const span = userInfoSpan(text);
  if (span && /[^:]/.test(text.slice(span.start, span.end - 1))) return true;
  try {
    const parsed = new URL(text);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** The address or template without its user info, the rest as written (unchanged when it has none). */
export function withoutCredentials(text: string): string {
  const span = userInfoSpan(text);
  const stripped = span ? text.slice(0, span.start) + text.slice(span.end) : text;
  if (!hasCredentials(stripped)) return stripped;
  // Only a spelling the parser reads past the text's shape (a tab inside the scheme): printed again by it, braces encoded.
  const parsed = new URL(stripped);
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}
