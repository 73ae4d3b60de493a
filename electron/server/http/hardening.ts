/**
 * Request rate limits. Routes that need the token are limited per API token, per storefront token
 * (keyed by its id, so the limiter's memory never holds a secret) or per browser session; channel webhook routes, which carry no
 * token, per channel and client address; wrong tokens per client address (failed-auth-limit.ts).
 * Over a limit is 429 in the API's error shape. Which routes are limited is read from the route's
 * own declaration (route-auth.ts), never from the URL string.
 */
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { AppError } from '../../../shared/errors';
import { FailedAuthLimiter } from './failed-auth-limit';
import { routeAuth, routeConfig } from './route-auth';

export type RateLimitOptions = {
  /** Requests per minute per API token. */
  perMinute: number;
  /** Requests per minute per channel endpoint and client address. */
  channelPerMinute: number;
  /**
   * Requests per minute per storefront token (the availability endpoints only): a shop's pages ask
   * at page-view rates, far above what a person or a script needs. Default: DEFAULT_STOREFRONT_PER_MINUTE.
   */
  storefrontPerMinute?: number;
  /** Wrong API tokens per minute per client address before it gets 429 (default 20). */
  failedAuthPerMinute?: number;
};

/** Generous for a person in the UI (every tab of a browser shares its session) and for scripts; it stops a runaway loop. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perMinute: 1200, channelPerMinute: 600 };

/** 1,000 a second: a busy storefront's page views, each answered from the read cache; it still stops a runaway loop. */
export const DEFAULT_STOREFRONT_PER_MINUTE = 60_000;

/** A person mistyping a token a few times stays well under it; a guessing loop is stopped at once. */
export const DEFAULT_FAILED_AUTH_PER_MINUTE = 20;

/**
 * The limits from STOCKFEED_RATE_LIMIT (requests per minute per token; 0 turns every limit off),
 * or the defaults. A value that is not a whole number is refused, so a typo cannot disable them.
 */
export function rateLimitFromEnv(
  raw: string | undefined = process.env.STOCKFEED_RATE_LIMIT,
  storefrontRaw: string | undefined = process.env.STOCKFEED_STOREFRONT_RATE_LIMIT,
): RateLimitOptions | false {
  const perMinute = wholeNumber('STOCKFEED_RATE_LIMIT', raw, 'or 0 for no limit');
  if (perMinute === 0) return false;
  const storefrontPerMinute = wholeNumber('STOCKFEED_STOREFRONT_RATE_LIMIT', storefrontRaw, 'at least 1 (STOCKFEED_RATE_LIMIT=0 turns every limit off)');
  if (storefrontPerMinute === 0) throw new Error(`STOCKFEED_STOREFRONT_RATE_LIMIT must be a whole number of requests per minute, at least 1 (STOCKFEED_RATE_LIMIT=0 turns every limit off) (got "0")`);
  const options: RateLimitOptions = { ...DEFAULT_RATE_LIMIT };
  if (perMinute !== undefined) options.perMinute = perMinute;
  if (storefrontPerMinute !== undefined) options.storefrontPerMinute = storefrontPerMinute;
  return options;
}

/** A setting's whole number, or undefined when it is not set; anything else is refused by name. */
function wholeNumber(name: string, raw: string | undefined, allowed: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of requests per minute, ${allowed} (got "${raw}")`);
  return value;
}

const WINDOW_MS = 60_000;

/**
 * A browser shares the budget of nobody else: its session is the key, as a token is for a script
 * and each storefront token for its storefront. Read from who the route-auth check found (it ran
 * first), not by hashing the presented token again on every request.
 */
function tokenKey(request: FastifyRequest): string {
  const authenticated = request.authenticated;
  if (authenticated?.via === 'token') return 'token';
  if (authenticated?.via === 'storefront') return `storefront:${authenticated.tokenId}`;
  return authenticated?.via === 'session' ? `session:${authenticated.session.idHash}` : `ip:${request.ip}`;
}

/** The failed-authentication limiter for these options, or null when limits are off. */
export function failedAuthLimiter(options: RateLimitOptions | false): FailedAuthLimiter | null {
  if (options === false) return null;
  return new FailedAuthLimiter({ max: options.failedAuthPerMinute ?? DEFAULT_FAILED_AUTH_PER_MINUTE, windowMs: WINDOW_MS });
}

/** Wrong passwords per username in a quarter of an hour: a person who forgot theirs is not locked out for long. */
export const ACCOUNT_LOGIN_LIMIT = { max: 10, windowMs: 15 * WINDOW_MS };

/**
 * Wrong passwords counted per username (whatever the address), or null when limits are off. It
 * stops a guesser spread over many addresses; the most it can do to the person is make them wait a
 * quarter of an hour (or ask the owner for a new password), never lock them out for good.
 */
export function accountLoginLimiter(options: RateLimitOptions | false): FailedAuthLimiter | null {
  return options === false ? null : new FailedAuthLimiter(ACCOUNT_LOGIN_LIMIT);
}

function tooMany(max: number, after: string): AppError {
  return new AppError('rate_limited', `Too many requests: the limit is ${max} per minute; try again in ${after}`, { limit: max, retryAfter: after });
}

/** Registers the limiter; must run before the routes are declared (it hooks each route as it is added). */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions | false): Promise<void> {
  if (options === false) return;
  const storefront = options.storefrontPerMinute ?? DEFAULT_STOREFRONT_PER_MINUTE;
  await app.register(rateLimit, {
    global: true,
    // The route-auth hook ran first (an app hook; this one is the route's), so the token kind is known.
    max: (request) => (request.authenticated?.via === 'storefront' ? storefront : options.perMinute),
    timeWindow: WINDOW_MS,
    keyGenerator: tokenKey,
    // Public routes (health, the UI, feeds) are not limited per token; the channel webhooks, which
    // are public too, have a budget of their own in their route config.
    allowList: (request) => routeAuth(request) === 'public' && routeConfig(request)?.rateLimit === undefined,
    errorResponseBuilder: (_request, context) => tooMany(context.max, context.after),
  });
}

/** Route config for a channel endpoint: its own budget per channel and client address. */
export function channelRateLimit(options: RateLimitOptions | false, channel: string): FastifyContextConfig {
  if (options === false) return {};
  return {
    rateLimit: {
      max: options.channelPerMinute,
      timeWindow: WINDOW_MS,
      keyGenerator: (request: FastifyRequest) => `channel:${channel}:${request.ip}`,
    },
  };
}

/**
 * Errors Fastify raises before routing (a URL that does not decode, a path parameter past the
 * length limit) answered in the API's error shape instead of Fastify's own.
 */
export function frameworkErrorReply(error: { code?: string; message: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment is too long (at most 100 characters)'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'The URL is not valid: a path segment does not decode (check its %-escapes)'
        : `The request could not be read: ${error.message}`;
  void reply.code(400).send({ error: new AppError('bad_request', message).toBody() });
}
