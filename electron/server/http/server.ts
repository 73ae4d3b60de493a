/**
 * The REST API and the static UI, as a Fastify instance. The headless server listens with it; the
 * tests inject requests into it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { HTTP_CONTENT_SECURITY_POLICY } from '../../../shared/csp';
import { AppError } from '../../../shared/errors';
import type { Core } from '../../core/core';
import type { Logger } from '../../core/logger';
import { diskFullError, isDiskFull } from '../../core/db/storage-errors';
import { API_PREFIX, registerContractRoutes } from './routes';
import { registerCatalogRoutes } from './catalog-routes';
import { registerFeedsRoute } from './feeds-route';
import { registerEventsRoute } from './events-route';
import { registerOpenApiRoute } from './openapi';
import { registerChannelRoutes } from './channel-routes';
import { accountLoginLimiter, DEFAULT_RATE_LIMIT, failedAuthLimiter, frameworkErrorReply, registerRateLimit, type RateLimitOptions } from './hardening';
import { declareRoutesPublic, PUBLIC_ROUTE, registerRouteAuth } from './route-auth';
import { registerHostChecks } from './host-check';
import { registerAuthRoutes } from './auth-routes';
import type { SignInCodes } from './sign-in-codes';

export type ApiOptions = {
  core: Core;
  /** A fixed token, or a getter read on every request; default: the core's rotatable token. */
  token?: string | (() => string);
  version: string;
  /** The built renderer (out/renderer); the UI is served from `/` when it exists. */
  staticDir?: string | undefined;
  logger: Logger;
  bodyLimit?: number;
  /** Per-token, per-channel and failed-authentication limits; false turns them off. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Host names the server answers to besides localhost and IP addresses (see host-check.ts): a
   * reverse proxy's public name, or the name the server is bound to.
   */
  allowedHosts?: readonly string[];
  /**
   * The reverse proxies' addresses (IPs or CIDR ranges, see trusted-proxies.ts) whose X-Forwarded-*
   * headers are believed, so the per-address limits count each client behind them apart. Empty or
   * absent (the default): the headers change nothing and the address is the connection's.
   */
  trustProxy?: readonly string[];
  /** The one-time codes of the sign-in link the server prints; none: only the token signs a browser in. */
  signInCodes?: SignInCodes;
};

export async function createApiServer(options: ApiOptions): Promise<FastifyInstance> {
  const { core, logger } = options;
  const token = options.token;
  const expectedToken = typeof token === 'function' ? token : () => token ?? core.tokens.current();
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? [...options.trustProxy] : false,
    frameworkErrors: frameworkErrorReply,
  });

  // A callback rather than an async hook: every answer passes here, and an async hook costs a promise each.
  // Names in lower case, as Fastify stores and sends them anyway: a name with capitals is lowered
  // on every call (a runtime call and a new string), 0.8–1.4 µs for these three against 0.4–0.6 µs
  // (fastify.inject, 20,000 answers, alternated).
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', HTTP_CONTENT_SECURITY_POLICY);
    done(null, payload);
  });

  const limits = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  // In this order: a misdirected or cross-site request is refused before its token is looked at.
  registerHostChecks(app, options.allowedHosts ?? [], { forwarded: (options.trustProxy?.length ?? 0) > 0 });
  // One count of wrong tokens per address, whether sent with a request or to sign in.
  const failedAuth = failedAuthLimiter(limits);
  registerRouteAuth(app, { expectedToken, sessions: core.sessions, failedAuth, storefrontTokens: core.storefrontTokens });

  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.code === 'unauthorized') reply.header('WWW-Authenticate', 'Bearer');
      return reply.code(error.status).send({ error: error.toBody() });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: { code: 'payload_too_large', message: `The request body is larger than ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes` } });
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const message =
        fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Send the body as JSON with "Content-Type: application/json"'
          : fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'The body is empty but Content-Type says JSON; send {} or no Content-Type'
            : `The request could not be read: ${fastifyError.message}`;
      return reply.code(400).send({ error: { code: 'bad_request', message } });
    }
    // A full disk hit outside the write queue (a read spilling to a temporary file, a streamed upload).
    if (isDiskFull(error)) return reply.code(507).send({ error: diskFullError(core.config, error).toBody() });
    logger.error(`${request.method} ${request.url.split('?')[0]} failed: ${error.stack ?? error.message}`);
    return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong inside Stockfeed; the error was logged' } });
  });

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0];
    reply.code(404).send({ error: { code: 'not_found', message: `No such endpoint: ${request.method} ${url}` } });
  });

  await registerRateLimit(app, limits);
  // cache: memory | redis | degraded (Redis unreachable: reads go to the database, still right).
  app.get(`${API_PREFIX}/health`, { config: PUBLIC_ROUTE }, async () => ({ ok: true, version: options.version, cache: core.cache.state() }));
  registerAuthRoutes(app, {
    expectedToken,
    sessions: core.sessions,
    users: core.users,
    failedAuth,
    accountLogins: accountLoginLimiter(limits),
    signInCodes: options.signInCodes ?? null,
  });
  registerContractRoutes(app, core.handlers, core.atHand);
  registerEventsRoute(app, core, { expectedToken });
  registerOpenApiRoute(app, options.version);
  await registerCatalogRoutes(app, core, logger);
  await registerChannelRoutes(app, core, limits);
  registerFeedsRoute(app, core);

  const staticDir = options.staticDir;
  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    // The UI's files are public: the page signs in itself.
    await app.register(async (scope) => {
      declareRoutesPublic(scope);
      await scope.register(fastifyStatic, {
        root: path.resolve(staticDir),
        prefix: '/',
        index: ['index.html'],
        // A path no file can have (a NUL, a `..` segment) is not found, as any other missing file,
        // rather than the file server's own 400 or 403.
        allowedPath: (pathname) => !pathname.includes('\0') && !pathname.split(/[\\/]/).includes('..'),
      });
    });
  } else {
    app.get('/', { config: PUBLIC_ROUTE }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The Stockfeed UI is not built. Run `npm run build` (or start with `npm run serve`, which builds it).\nThe API is at /api/v1.'),
    );
  }
  return app;
}
