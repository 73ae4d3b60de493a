/**
 * Which requests need to be signed in, decided from the route that matched and never from the raw
 * URL. The router decodes the path before matching, so `/%61pi/v1/settings` is the settings route;
 * a check that read the URL string saw a path outside /api/v1 and let it through. Here a route
 * declares itself public in its config (`config: { auth: 'public' }`), and every route that does
 * not declare anything needs the API token or a browser session: a route added later is closed
 * until someone opens it.
 *
 * Every route that needs a sign-in also needs a role (issue 20): `config.role`, which the contract's
 * routes take from shared/operation-roles.ts. A route that states none needs the owner's, so a
 * route added later is the owner's alone until someone says otherwise. The API token, and a browser
 * session made from it, act as the owner; a person's session carries their role as it is now.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import type { Actor } from '../../../shared/schemas/actor';
import { APP_REQUEST_HEADER } from '../../../shared/schemas/auth';
import { roleAllows, type Role } from '../../../shared/schemas/users';
import type { Session, SessionStore } from '../../core/auth/sessions';
import type { FailedAuthLimiter } from './failed-auth-limit';
import { presentedSession } from './session-cookie';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison: hashing first makes the lengths equal and hides the token's length. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The expected token's digest, hashed again only when the token changes (it is rotated, not
 * changed per request). With the presented token hashed once for both the comparison and the
 * storefront lookup, a request pays one SHA-256 instead of three (about 4 µs of the read path's
 * ~75 µs per request, measured in the serve bench).
 */
function expectedDigest(): (expected: string) => Buffer {
  let last: { token: string; digest: Buffer } | null = null;
  return (expected) => {
    if (last?.token !== expected) last = { token: expected, digest: digest(expected) };
    return last.digest;
  };
}

/** The token from an `Authorization: Bearer …` header, or null. */
function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? (match[1] as string) : null;
}

/**
 * token: `Authorization: Bearer <token>`, or the session cookie of a browser signed in with the
 * token; token-or-query: also `?token=` (the events stream, for scripts: EventSource cannot send
 * headers); token-or-storefront: also a storefront token (the availability reads, which a
 * storefront makes; every other route answers a storefront token with 403); public: neither (the
 * route authenticates by other means, such as a channel's signature or the sign-in itself, or
 * serves what is public anyway).
 */
export type RouteAuth = 'token' | 'token-or-query' | 'token-or-storefront' | 'public';

/** How a request that passed the check was authenticated (`GET /auth/me` reports it). */
export type Authenticated =
  | { via: 'token' }
  | { via: 'session'; session: Session; secureCookie: boolean }
  | { via: 'storefront'; tokenId: string };

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- declaration merging needs an interface
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** The role a signed-in caller needs; absent: the owner's. */
    role?: Role;
  }
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- declaration merging needs an interface
  interface FastifyRequest {
    /** Set by the check for routes that need it; null on public routes. */
    authenticated: Authenticated | null;
    /** routeConfig's memo: undefined until read. */
    matchedRouteConfig: FastifyContextConfig | null | undefined;
  }
}

export const PUBLIC_ROUTE: FastifyContextConfig = { auth: 'public' };

/** The role of whoever made the request: the token (and sessions made from it) acts as the owner. */
export function roleOf(authenticated: Authenticated): Role {
  // A storefront token only reads (and only reaches the availability routes, checked before this).
  if (authenticated.via === 'storefront') return 'viewer';
  return authenticated.via === 'session' && authenticated.session.user ? authenticated.session.user.role : 'owner';
}

/**
 * Who the request's writes are recorded under: the person signed in, or the API token (a script,
 * or a browser signed in with the token). Public routes that write (the channels' webhooks) say
 * who they are themselves.
 */
export function actorOf(authenticated: Authenticated | null): Actor {
  const user = authenticated?.via === 'session' ? authenticated.session.user : null;
  if (user) return { kind: 'user', id: user.id, name: user.username };
  return { kind: 'token', name: 'API token' };
}

const ROLE_CAN: Record<Role, string> = {
  viewer: 'read',
  staff: 'read and change products and stock',
  owner: 'do everything',
};

/** 403 unless the caller's role reaches the route's. */
function requireRole(request: FastifyRequest, authenticated: Authenticated): void {
  const needed = routeConfig(request)?.role ?? 'owner';
  const role = roleOf(authenticated);
  if (roleAllows(role, needed)) return;
  throw new AppError(
    'forbidden',
    `${request.method} ${request.routeOptions.url ?? ''} needs the ${needed} role; you are signed in as ${role} (a ${role} may ${ROLE_CAN[role]}). Ask the shop's owner`,
    { role, needed },
  );
}

/**
 * The matched route's config, or null when no route matched. Fastify's `request.routeOptions`
 * builds a new object on every read (and asks the router about version constraints), and the
 * checks here read the config several times per request: it is read once and kept on the request.
 */
export function routeConfig(request: FastifyRequest): FastifyContextConfig | null {
  let config = request.matchedRouteConfig;
  if (config === undefined) {
    config = request.is404 ? null : (request.routeOptions.config ?? null);
    request.matchedRouteConfig = config;
  }
  return config;
}

/**
 * The matched route's declaration. A request no route matched goes to the not-found handler, which
 * runs no handler and says only that there is no such endpoint.
 */
export function routeAuth(request: FastifyRequest): RouteAuth {
  const config = routeConfig(request);
  if (config === null) return 'public';
  return config.auth ?? 'token';
}

/**
 * A page on another site can put `?token=` in an image or EventSource URL but cannot set a header;
 * browsers mark such requests `Sec-Fetch-Site: cross-site` (or `same-site`), and the query token is
 * not taken from them, so a foreign page can neither use a token it learnt nor burn the owner's
 * failed-authentication budget with wrong ones.
 */
function fromAnotherSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

/** The token the request presents, where its route accepts one; null when it presents none. */
export function presentedToken(request: FastifyRequest): string | null {
  const auth = routeAuth(request);
  if (auth === 'public') return null;
  const bearer = bearerToken(request.headers.authorization);
  if (bearer || auth !== 'token-or-query' || fromAnotherSite(request)) return bearer;
  const value = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Every route registered in `scope` (and its children) is public unless it says otherwise. */
export function declareRoutesPublic(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, auth: route.config?.auth ?? 'public' };
  });
}

/** The storefront tokens the check accepts (core/auth/storefront-tokens.ts). */
export type StorefrontTokenCheck = {
  /**
   * The id of the storefront token presented, or null; `sha256` is the presented token's SHA-256,
   * already computed for the API token's comparison.
   */
  check(presented: string, sha256: Buffer): string | null;
  /** Changes whenever a token is made or revoked, here or (once its change arrives) on another server. */
  version(): number;
};

export type RouteAuthOptions = {
  expectedToken: () => string;
  /** Storefront tokens; absent: none are accepted. */
  storefrontTokens?: StorefrontTokenCheck;
  sessions: Pick<SessionStore, 'find'>;
  /** Counts wrong tokens per client address; null turns the limit off. */
  failedAuth: FailedAuthLimiter | null;
};

/** The 429 for an address over the failed-authentication limit, with its Retry-After. */
export function refuseForNow(reply: FastifyReply, limiter: FailedAuthLimiter, waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  reply.header('Retry-After', String(seconds));
  return new AppError(
    'rate_limited',
    `Too many failed authentications from this address: the limit is ${limiter.max} wrong tokens per minute; try again in ${seconds} seconds`,
    { limit: limiter.max, retryAfter: `${seconds} seconds` },
  );
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The sign-in request and every change made with the session cookie must carry the app's header. */
export function requireAppHeader(request: FastifyRequest): void {
  if (request.headers[APP_REQUEST_HEADER.toLowerCase()] !== undefined) return;
  throw new AppError(
    'forbidden',
    `A change made with the session cookie must carry the ${APP_REQUEST_HEADER} header (the Stockfeed app sends it; a form on another site cannot). Scripts send "Authorization: Bearer <token>" instead`,
  );
}

/** Who a token is: the API token, a storefront token, or nobody (null). */
type TokenIdentity = { via: 'token' } | { via: 'storefront'; tokenId: string };

const API_TOKEN: TokenIdentity = { via: 'token' };

/**
 * The token a keep-alive connection last presented and had accepted, and what the check then
 * depended on: the API token as it was and the storefront tokens' version. A storefront asks for
 * availability at page-view rates over a few long-lived connections, each with one token; hashing
 * it again for every request was the largest single cost of a cached read after the socket writes
 * (a SHA-256 and its hex, about 4 µs of ~70). It is kept per connection, never shared between
 * them, so a token is only ever compared with one this same connection already proved it holds;
 * it is compared in constant time all the same (a proxy may carry several clients' requests on
 * one connection). A token made or revoked, here or on another server, changes the version, and a
 * rotated API token changes the expected token: the next request is checked in full.
 */
type Verified = { token: string; expected: string; version: number; identity: TokenIdentity };

const verifiedOn = new WeakMap<object, Verified>();

/** Equal strings, in time that depends on their length only (tokens have a fixed, public length). */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Who `presented` is, from the connection's last verification when it still holds, else by hashing it. */
function identify(request: FastifyRequest, presented: string, options: RouteAuthOptions, expectedDigestOf: (token: string) => Buffer): TokenIdentity | null {
  const expected = options.expectedToken();
  const version = options.storefrontTokens?.version() ?? 0;
  const socket = request.raw.socket as object | undefined;
  const known = socket ? verifiedOn.get(socket) : undefined;
  if (known && known.expected === expected && known.version === version && sameToken(presented, known.token)) return known.identity;
  const presentedDigest = digest(presented);
  let identity: TokenIdentity | null = null;
  if (timingSafeEqual(presentedDigest, expectedDigestOf(expected))) {
    identity = API_TOKEN;
  } else {
    const tokenId = options.storefrontTokens?.check(presented, presentedDigest) ?? null;
    if (tokenId !== null) identity = { via: 'storefront', tokenId };
  }
  if (identity && socket) verifiedOn.set(socket, { token: presented, expected, version, identity });
  return identity;
}

/**
 * The API token, where the request presents one: it wins over a session cookie sent with it, and a
 * wrong one is counted and refused, never passed on to the cookie. An address over the
 * failed-authentication limit is refused before anything else, a token verified earlier included.
 */
function checkToken(request: FastifyRequest, reply: FastifyReply, presented: string, options: RouteAuthOptions, expectedDigestOf: (token: string) => Buffer): Authenticated {
  const { failedAuth } = options;
  const waitMs = failedAuth?.refusedFor(request.ip) ?? 0;
  if (failedAuth && waitMs > 0) throw refuseForNow(reply, failedAuth, waitMs);
  const identity = identify(request, presented, options, expectedDigestOf);
  if (identity?.via === 'token') return identity;
  if (identity?.via === 'storefront') {
    if (routeAuth(request) === 'token-or-storefront') return identity;
    throw new AppError(
      'forbidden',
      'A storefront token reads availability only (GET /api/v1/availability?skus=… and /api/v1/availability/{sku}); everything else needs the API token',
    );
  }
  failedAuth?.recordFailure(request.ip);
  throw new AppError('unauthorized', 'The API token is not valid');
}

/**
 * The session the cookie names. An unknown or ended session is refused; it is not counted as a
 * failed authentication: a session id is 256 random bits, nobody guesses one, and every browser
 * holds an ended cookie after the token is rotated. The answer does not clear the cookie: a request
 * that crossed a sign-in or a rotation in another request would then clear the new cookie those set
 * (the browser applies whichever answer arrives last). Sign out clears it, and signing in replaces
 * it. A change without the app's header is refused (see requireAppHeader).
 */
async function checkSession(request: FastifyRequest, options: RouteAuthOptions): Promise<Authenticated | null> {
  const cookie = presentedSession(request);
  if (!cookie) return null;
  const found = await options.sessions.find(cookie.id, options.expectedToken());
  if (!found) {
    throw new AppError('unauthorized', 'Your session has ended (you signed out, it expired, or the API token was changed); sign in again');
  }
  if (!READ_METHODS.has(request.method)) requireAppHeader(request);
  return { via: 'session', session: found.session, secureCookie: cookie.secure };
}

/**
 * The check, as an onRequest hook: it runs after routing, so it sees the route that will answer.
 * A missing token is not counted as a failed authentication (it is no guess, and any web page could
 * send such requests to lock the owner out); a wrong one is. A hook with a callback rather than an
 * async function: a request with a token is decided without waiting for anything, and the promise
 * an async hook makes for every request is a cost of its own on the read path.
 */
export function registerRouteAuth(app: FastifyInstance, options: RouteAuthOptions): void {
  app.decorateRequest('authenticated', null);
  app.decorateRequest('matchedRouteConfig', undefined);
  const expected = expectedDigest();
  app.addHook('onRequest', (request, reply, done) => {
    if (routeAuth(request) === 'public') return done();
    const token = presentedToken(request);
    if (token) {
      try {
        accept(request, checkToken(request, reply, token, options, expected));
      } catch (error) {
        return done(error as Error);
      }
      return done();
    }
    checkSession(request, options).then(
      (authenticated) => {
        try {
          if (!authenticated) throw new AppError('unauthorized', 'Send the API token as "Authorization: Bearer <token>", or sign in');
          accept(request, authenticated);
        } catch (error) {
          return done(error as Error);
        }
        done();
      },
      (error: Error) => done(error),
    );
  });
}

/** Records who made the request, once their role is known to reach the route's. */
function accept(request: FastifyRequest, authenticated: Authenticated): void {
  request.authenticated = authenticated;
  requireRole(request, authenticated);
}
