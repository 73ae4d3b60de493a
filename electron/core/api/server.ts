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
import type { Core } from '../core';
import type { Logger } from '../db/migrate';
import { API_PREFIX, registerContractRoutes } from './routes';
import { registerCatalogRoutes } from './catalog-routes';
import { bearerToken, tokensMatch } from './token';
import { registerFeedsRoute } from './feeds-route';
import { EVENTS_PATH, registerEventsRoute } from './events-route';
import { OPENAPI_PATH, registerOpenApiRoute } from './openapi';
import { CHANNEL_PATHS, registerChannelRoutes } from './channel-routes';
import { DEFAULT_RATE_LIMIT, frameworkErrorReply, registerRateLimit, type RateLimitOptions } from './hardening';

export type ApiOptions = {
  core: Core;
  /** A fixed token, or a getter read on every request; default: the core's rotatable token. */
  token?: string | (() => string);
  version: string;
  /** The built renderer (out/renderer); the UI is served from `/` when it exists. */
  staticDir?: string | undefined;
  logger: Logger;
  bodyLimit?: number;
  /** Per-token and per-channel request limits; false turns them off. */
  rateLimit?: RateLimitOptions | false;
};



const PUBLIC_PATHS = new Set([`${API_PREFIX}/health`, OPENAPI_PATH]);

/** EventSource cannot send headers, so the events stream alone also takes the token as ?token=. */
function queryToken(url: string, query: unknown): string | null {
  if (url !== EVENTS_PATH) return null;
  const value = (query as Record<string, unknown> | undefined)?.token;
  return typeof value === 'string' && value !== '' ? value : null;
}

export async function createApiServer(options: ApiOptions): Promise<FastifyInstance> {
  const { core, logger } = options;
  const token = options.token;
  const expectedToken = typeof token === 'function' ? token : () => token ?? core.tokens.current();
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: false,
    frameworkErrors: frameworkErrorReply,
  });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Content-Security-Policy', HTTP_CONTENT_SECURITY_POLICY);
  });

  app.addHook('onRequest', async (request) => {
    const url = request.url.split('?')[0] as string;
    // Channel webhooks authenticate by their signature alone (checked in channel-routes.ts).
    if (!url.startsWith(`${API_PREFIX}/`) || PUBLIC_PATHS.has(url) || CHANNEL_PATHS.has(url)) return;
    const presented = bearerToken(request.headers.authorization) ?? queryToken(url, request.query);
    if (!presented || !tokensMatch(presented, expectedToken())) {
      throw new AppError('unauthorized', presented ? 'The API token is not valid' : 'Send the API token as "Authorization: Bearer <token>"');
    }
  });

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
    logger.error(`${request.method} ${request.url.split('?')[0]} failed: ${error.stack ?? error.message}`);
    return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong inside Stockfeed; the error was logged' } });
  });

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0];
    reply.code(404).send({ error: { code: 'not_found', message: `No such endpoint: ${request.method} ${url}` } });
  });

  const limits = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  await registerRateLimit(app, limits);
  app.get(`${API_PREFIX}/health`, async () => ({ ok: true, version: options.version }));
  registerContractRoutes(app, core.handlers);
  registerEventsRoute(app, core);
  registerOpenApiRoute(app, options.version);
  await registerCatalogRoutes(app, core, logger);
  await registerChannelRoutes(app, core, limits);
  registerFeedsRoute(app, core);

  const staticDir = options.staticDir;
  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(staticDir), prefix: '/', index: ['index.html'] });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The Stockfeed UI is not built. Run `npm run build` (or start with `npm run serve`, which builds it).\nThe API is at /api/v1.'),
    );
  }
  return app;
}
