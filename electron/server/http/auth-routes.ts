/**
 * Signing a browser in and out (issue 14). `POST /auth/login` exchanges the API token (or the
 * one-time code of the link the server prints) for a session cookie, `POST /auth/logout` ends it,
 * `GET /auth/me` says who is signed in and how. Accounts (issue 20) will add `{ username, password }`
 * to the same login and a user to the same answer.
 *
 * Login and logout are public routes (they are how one gets a session, and how one leaves a
 * session that may have ended already), so they check for themselves: the app's header (no form
 * on another site can sign a browser in or out), the failed-authentication limit per address, and
 * the credential.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import { loginInput, type AuthMe, type SignedInWith } from '../../../shared/schemas/auth';
import { parseInput } from '../../../shared/validation';
import type { Session, SessionStore } from '../../core/auth/sessions';
import type { FailedAuthLimiter } from './failed-auth-limit';
import { refuseForNow, requireAppHeader, tokensMatch, type Authenticated } from './route-auth';
import { API_PREFIX } from './routes';
import { clearedSessionCookie, presentedSession, servedOverHttps, sessionCookie } from './session-cookie';
import { SIGN_IN_CODE_TTL_MS, type SignInCodes } from './sign-in-codes';

export const LOGIN_PATH = `${API_PREFIX}/auth/login`;
export const LOGOUT_PATH = `${API_PREFIX}/auth/logout`;
export const ME_PATH = `${API_PREFIX}/auth/me`;
/** The contract's token rotation: a browser that rotates the token gets a new session with it. */
const ROTATE_PATH = `${API_PREFIX}/auth/rotate-token`;

export type AuthRouteOptions = {
  expectedToken: () => string;
  sessions: Pick<SessionStore, 'create' | 'end'>;
  failedAuth: FailedAuthLimiter | null;
  /** The codes of the printed sign-in links; null: this server prints none. */
  signInCodes: SignInCodes | null;
};

function sessionAnswer(session: Session): AuthMe {
  return { via: 'session', signedInWith: session.signedInWith, signedInAt: session.signedInAt, expiresAt: session.expiresAt };
}

function meOf(authenticated: Authenticated | null): AuthMe {
  if (!authenticated) throw new AppError('unauthorized', 'Not signed in');
  if (authenticated.via === 'storefront') throw new AppError('forbidden', 'A storefront token reads availability only');
  return authenticated.via === 'token' ? { via: 'token' } : sessionAnswer(authenticated.session);
}

/** Which kind of session the credential makes; throws 401 (counted per address) when it is wrong. */
function checkCredential(request: FastifyRequest, options: AuthRouteOptions): SignedInWith {
  const input = parseInput(loginInput, request.body ?? {});
  if (input.token !== undefined) {
    if (tokensMatch(input.token, options.expectedToken())) return 'api-token';
    options.failedAuth?.recordFailure(request.ip);
    throw new AppError('unauthorized', 'The API token is not valid');
  }
  if (input.code !== undefined && options.signInCodes?.redeem(input.code)) return 'sign-in-link';
  options.failedAuth?.recordFailure(request.ip);
  const minutes = SIGN_IN_CODE_TTL_MS / 60_000;
  throw new AppError(
    'unauthorized',
    `This sign-in link was used already or has expired (a link works once, within ${minutes} minutes of the server printing it); sign in with the API token instead`,
  );
}

async function login(request: FastifyRequest, reply: FastifyReply, options: AuthRouteOptions): Promise<AuthMe> {
  requireAppHeader(request);
  const { failedAuth } = options;
  const waitMs = failedAuth?.refusedFor(request.ip) ?? 0;
  if (failedAuth && waitMs > 0) throw refuseForNow(reply, failedAuth, waitMs);
  const signedInWith = checkCredential(request, options);
  // A fresh id at every sign-in: a session id someone planted in this browser before is not kept.
  const previous = presentedSession(request);
  if (previous) await options.sessions.end(previous.id);
  const secure = servedOverHttps(request);
  const { id, session } = await options.sessions.create(signedInWith, options.expectedToken());
  const cookies = [sessionCookie(id, session, secure)];
  // A plain cookie from a time this page was reached over http would shadow nothing, but would linger.
  if (previous && previous.secure !== secure) cookies.push(clearedSessionCookie(previous.secure));
  reply.header('Set-Cookie', cookies);
  return sessionAnswer(session);
}

export function registerAuthRoutes(app: FastifyInstance, options: AuthRouteOptions): void {
  app.post(LOGIN_PATH, { config: { auth: 'public' } }, (request, reply) => login(request, reply, options));

  app.post(LOGOUT_PATH, { config: { auth: 'public' } }, async (request, reply) => {
    requireAppHeader(request);
    const cookie = presentedSession(request);
    if (cookie) {
      await options.sessions.end(cookie.id);
      reply.header('Set-Cookie', clearedSessionCookie(cookie.secure));
    }
    return reply.code(204).send();
  });

  app.get(ME_PATH, async (request) => meOf(request.authenticated));

  // Rotating the token ends every session made from the old one (core/auth/auth-handlers.ts),
  // the rotating browser's too; that browser proved it holds the token and now sees the new one,
  // so it gets a new session rather than being sent to the sign-in screen.
  app.addHook('onSend', async (request, reply, payload) => {
    const authenticated = request.authenticated;
    if (request.routeOptions.url !== ROTATE_PATH || reply.statusCode !== 200 || authenticated?.via !== 'session') return payload;
    const { id, session } = await options.sessions.create(authenticated.session.signedInWith, options.expectedToken());
    reply.header('Set-Cookie', sessionCookie(id, session, authenticated.secureCookie));
    return payload;
  });
}
