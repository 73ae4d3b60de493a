/**
 * Which requests need the API token, decided from the route that matched and never from the raw
 * URL. The router decodes the path before matching, so `/%61pi/v1/settings` is the settings route;
 * a check that read the URL string saw a path outside /api/v1 and let it through. Here a route
 * declares itself public in its config (`config: { auth: 'public' }`), and every route that does
 * not declare anything needs the token: a route added later is closed until someone opens it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import type { FailedAuthLimiter } from './failed-auth-limit';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison: hashing first makes the lengths equal and hides the token's length. */
function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token from an `Authorization: Bearer …` header, or null. */
function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? (match[1] as string) : null;
}

/**
 * token: `Authorization: Bearer <token>`; token-or-query: also `?token=` (the events stream, because
 * EventSource cannot send headers); public: no token (the route authenticates by other means, such
 * as a channel's signature, or serves what is public anyway).
 */
export type RouteAuth = 'token' | 'token-or-query' | 'public';

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- declaration merging needs an interface
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

export const PUBLIC_ROUTE: FastifyContextConfig = { auth: 'public' };

/**
 * The matched route's declaration. A request no route matched goes to the not-found handler, which
 * runs no handler and says only that there is no such endpoint.
 */
export function routeAuth(request: FastifyRequest): RouteAuth {
  if (request.is404) return 'public';
  return request.routeOptions.config?.auth ?? 'token';
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

export type TokenCheckOptions = {
  expectedToken: () => string;
  /** Counts wrong tokens per client address; null turns the limit off. */
  failedAuth: FailedAuthLimiter | null;
};

function refuseForNow(reply: FastifyReply, limiter: FailedAuthLimiter, waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  reply.header('Retry-After', String(seconds));
  return new AppError(
    'rate_limited',
    `Too many failed authentications from this address: the limit is ${limiter.max} wrong tokens per minute; try again in ${seconds} seconds`,
    { limit: limiter.max, retryAfter: `${seconds} seconds` },
  );
}

/**
 * The token check, as an onRequest hook: it runs after routing, so it sees the route that will
 * answer. A missing token is not counted as a failed authentication (it is no guess, and any web
 * page could send such requests to lock the owner out); a wrong one is.
 */
export function registerTokenCheck(app: FastifyInstance, options: TokenCheckOptions): void {
  const { expectedToken, failedAuth } = options;
  app.addHook('onRequest', async (request, reply) => {
    if (routeAuth(request) === 'public') return;
    const waitMs = failedAuth?.refusedFor(request.ip) ?? 0;
    if (failedAuth && waitMs > 0) throw refuseForNow(reply, failedAuth, waitMs);
    const presented = presentedToken(request);
    if (!presented) throw new AppError('unauthorized', 'Send the API token as "Authorization: Bearer <token>"');
    if (!tokensMatch(presented, expectedToken())) {
      failedAuth?.recordFailure(request.ip);
      throw new AppError('unauthorized', 'The API token is not valid');
    }
  });
}
