/**
 * `GET /api/v1/events`: the change log as Server-Sent Events (see change-stream.ts). It is
 * not a contract operation because it streams; its query is parsed by a shared schema all the same.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors';
import { OPERATION_ROLES } from '../../../shared/operation-roles';
import { eventsQuery } from '../../../shared/schemas/webhooks';
import { parseInput } from '../../../shared/validation';
import type { Core } from '../../core/core';
import type { SessionStore } from '../../core/auth/sessions';
import { ChangeStream } from './change-stream';
import { API_PREFIX } from './routes';
import { HTTP_CONTENT_SECURITY_POLICY } from '../../../shared/csp';
import { presentedToken, type Authenticated, type RouteAuth } from './route-auth';

export const EVENTS_PATH = `${API_PREFIX}/events`;

export type EventsRouteOptions = {
  /** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
  heartbeatMs?: number;
  maxBuffered?: number;
  /** The API token as it is now (the server's check reads the same); absent: token streams are never cut off. */
  expectedToken?: () => string;
};

/**
 * Whether the credential a stream was opened with still holds. The API token: while it is still the
 * token (a rotation, or a token file replaced, ends it). A browser session: until the end it had
 * when the stream opened; use elsewhere may have moved that end on, and the browser's EventSource
 * then reconnects and is checked afresh. A signed-out session is closed at once (onEnded).
 */
function stillAuthorised(authenticated: Authenticated | null, presented: string | null, expectedToken: (() => string) | undefined): () => boolean {
  if (authenticated?.via === 'token' && presented !== null && expectedToken) return () => expectedToken() === presented;
  if (authenticated?.via === 'session') {
    const endsAt = Date.parse(authenticated.session.expiresAt);
    return () => Date.now() < endsAt;
  }
  return () => true;
}

function lastEventId(header: string | string[] | undefined): number | null {
  if (header === undefined) return null;
  const raw = Array.isArray(header) ? header[header.length - 1] : header;
  if (raw === undefined || raw.trim() === '') return null;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new AppError('validation_failed', 'Last-Event-ID must be a change sequence number (the id of the last event received)', {
      issues: [{ path: 'Last-Event-ID', message: 'must be a whole number' }],
    });
  }
  return Number(raw.trim());
}

export function registerEventsRoute(
  app: FastifyInstance,
  core: Pick<Core, 'db' | 'bus'> & { sessions?: Pick<SessionStore, 'onEnded'> },
  options: EventsRouteOptions = {},
): void {
  // Each open stream, with the hash of the browser session it was opened in (null: the token) and
  // whether its credential still holds.
  const streams = new Map<ChangeStream, { session: string | null; authorised: () => boolean }>();
  // A browser that signs out (or whose sessions all end with the token) stops receiving changes at
  // once, in every tab, rather than at its next reconnection; so does a script whose token was
  // just rotated (the rotation ends the token's sessions, ended === null).
  const stopListening = core.sessions?.onEnded((ended) => {
    for (const [stream, { session, authorised }] of streams) {
      if (session !== null ? ended === null || ended === session : !authorised()) stream.close();
    }
  });
  // Open streams would keep the server from closing; end them first.
  app.addHook('preClose', async () => {
    stopListening?.();
    for (const stream of streams.keys()) stream.close();
  });

  // EventSource cannot send headers: the app's page sends its session cookie, and scripts may give
  // the token as ?token= (this route alone).
  const auth: RouteAuth = 'token-or-query';
  // The change log, as changes.list gives it: anyone signed in may read it.
  app.get(EVENTS_PATH, { config: { auth, role: OPERATION_ROLES['changes.list'] } }, async (request, reply) => {
    const query = parseInput(eventsQuery, request.query);
    // EventSource resends the original URL on reconnection, so the header wins over ?since=.
    const since = lastEventId(request.headers['last-event-id']) ?? query.since ?? null;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': HTTP_CONTENT_SECURITY_POLICY,
    });
    const authenticated = request.authenticated;
    const authorised = stillAuthorised(authenticated, presentedToken(request), options.expectedToken);
    const stream = new ChangeStream(res, {
      db: core.db,
      bus: core.bus,
      since,
      filter: { types: query.type && query.type.length > 0 ? query.type : null, sku: query.sku ?? null },
      heartbeatMs: options.heartbeatMs ?? 15_000,
      maxBuffered: options.maxBuffered ?? 10_000,
      authorised,
    });
    streams.set(stream, { session: authenticated?.via === 'session' ? authenticated.session.idHash : null, authorised });
    try {
      await stream.run();
    } catch {
      // The client went away mid-write, or the database closed under a backfill: nothing to answer.
    } finally {
      streams.delete(stream);
      stream.close();
    }
  });
}
