/**
 * The session cookie: `HttpOnly` (no script on the page can read it, unlike the token the UI used
 * to keep in localStorage), `SameSite=Strict` (a browser sends it only with requests another site's
 * page did not start), `Path=/`, no `Domain` (this host only), and a `Max-Age`, so it outlives the
 * browser being closed: signing in once per browser is the point.
 *
 * The cookie is set once per session, at sign-in, for as long as a session can last (90 days); the
 * server ends the session sooner when it goes unused (core/auth/sessions.ts). Renewing the cookie
 * as the session's end moves on would put a Set-Cookie on ordinary answers, and one that arrives
 * after a sign-in or a rotation in another tab would put the old, ended id back in the browser.
 *
 * `Secure` only when the page was served over https: browsers drop a Secure cookie set over plain
 * http, except on localhost, and a server reached over http://192.168.1.20 must still work. Behind
 * a reverse proxy that ends TLS, this process sees plain http; the page's own `Origin` (which the
 * browser sends with the sign-in request) says https, so that decides. A Secure cookie is named
 * `__Host-stockfeed_session`: browsers accept that name only with Secure, Path=/ and no Domain, so
 * a page on a sibling sub-domain cannot plant a cookie of that name.
 *
 * One cookie name and one value format, parsed by hand rather than with a cookie library: the value
 * is ours (43 base64url characters) and nothing else is read from the Cookie header.
 */
import type { FastifyRequest } from 'fastify';
import { SESSION_MAX_AGE_MS, type Session } from '../../core/auth/sessions';

export const SESSION_COOKIE = 'stockfeed_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export type PresentedSession = { id: string; secure: boolean };

/** The session cookie the request carries (the `__Host-` one first), or null. The id is not checked here. */
export function presentedSession(request: FastifyRequest): PresentedSession | null {
  const header = request.headers.cookie;
  if (!header) return null;
  let plain: string | null = null;
  for (const part of header.split(';')) {
    const cut = part.indexOf('=');
    if (cut < 0) continue;
    const name = part.slice(0, cut).trim();
    const value = part.slice(cut + 1).trim();
    if (name === SECURE_SESSION_COOKIE && value !== '') return { id: value, secure: true };
    if (name === SESSION_COOKIE && value !== '' && plain === null) plain = value;
  }
  return plain === null ? null : { id: plain, secure: false };
}

/** Whether the page that sent this request was served over https (TLS here, or at a reverse proxy). */
export function servedOverHttps(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true;
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin.toLowerCase().startsWith('https://');
}

function attributes(secure: boolean, maxAgeSeconds: number): string {
  return `Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value that stores a new session's id for as long as the session can last. */
export function sessionCookie(id: string, session: Pick<Session, 'signedInAt'>, secure: boolean): string {
  const until = Date.parse(session.signedInAt) + SESSION_MAX_AGE_MS;
  const maxAge = Math.max(0, Math.ceil((until - Date.now()) / 1000));
  return `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=${id}; ${attributes(secure, maxAge)}`;
}

/** The Set-Cookie value that makes the browser drop its session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=; ${attributes(secure, 0)}`;
}
