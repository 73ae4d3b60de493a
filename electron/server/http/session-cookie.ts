/**
 * The session cookie: `HttpOnly` (no script on the page can read it, unlike the token the UI used
 * to keep in localStorage), `SameSite=Strict` (a browser sends it only with requests another site's
 * page did not start), `Path=/`, no `Domain` (this host only), and a `Max-Age`, so it outlives the
 * browser being closed: signing in once per browser is the point.
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

/** The Set-Cookie value that stores a session id until `expiresAt`. */
export function sessionCookie(id: string, expiresAt: string, secure: boolean): string {
  const maxAge = Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000));
  return `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=${id}; ${attributes(secure, maxAge)}`;
}

/** The Set-Cookie value that makes the browser drop its session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=; ${attributes(secure, 0)}`;
}
