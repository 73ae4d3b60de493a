/**
 * Signing a browser in and out (issue 14). `POST /auth/login` exchanges a person's
 * `{ username, password }` (issue 20), the API token, or the one-time code of the link the server
 * prints for a session cookie, `POST /auth/logout` ends it, `GET /auth/me` says who is signed in
 * and how (with the person, when it is one).
 *
 * Wrong passwords count towards the same per-address limit as wrong tokens, and also per username
 * (accountLogins): guesses spread over many addresses still stop at a few per account.
 *
 * Login and logout are public routes (they are how one gets a session, and how one leaves a
 * session that may have ended already), so they check for themselves: the app's header (no form
 * on another site can sign a browser in or out), the failed-authentication limit per address, and
 * the credential.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import { loginInput, type AuthMe, type SignedInWith, type SignInMethods } from '../../../shared/schemas/auth';
import { parseInput } from '../../../shared/validation';
import type { Session, SessionStore } from '../../core/auth/sessions';
import type { UserStore } from '../../core/auth/users';
import type { FailedAuthLimiter } from './failed-auth-limit';
import { refuseForNow, requireAppHeader, tokensMatch, type Authenticated } from './route-auth';
import { API_PREFIX } from './routes';
import { clearedSessionCookie, presentedSession, servedOverHttps, sessionCookie } from './session-cookie';
import { SIGN_IN_CODE_TTL_MS, type SignInCodes } from './sign-in-codes';

export const LOGIN_PATH = `${API_PREFIX}/auth/login`;
export const LOGOUT_PATH = `${API_PREFIX}/auth/logout`;
export const ME_PATH = `${API_PREFIX}/auth/me`;
export const SIGN_IN_METHODS_PATH = `${API_PREFIX}/auth/sign-in-methods`;
/** The contract's token rotation: a browser that rotates the token gets a new session with it. */
const ROTATE_PATH = `${API_PREFIX}/auth/rotate-token`;

export type AuthRouteOptions = {
  expectedToken: () => string;
  sessions: Pick<SessionStore, 'create' | 'end'>;
  users: Pick<UserStore, 'authenticate' | 'count'>;
  failedAuth: FailedAuthLimiter | null;
  /** Wrong passwords per username; null turns the limit off. */
  accountLogins: FailedAuthLimiter | null;
  /** The codes of the printed sign-in links; null: this server prints none. */
  signInCodes: SignInCodes | null;
};

function sessionAnswer(session: Session): AuthMe {
  const answer: AuthMe = { via: 'session', signedInWith: session.signedInWith, signedInAt: session.signedInAt, expiresAt: session.expiresAt };
  return session.user ? { ...answer, user: session.user } : answer;
}

function meOf(authenticated: Authenticated | null): AuthMe {
  if (!authenticated) throw new AppError('unauthorized', 'Not signed in');
  if (authenticated.via === 'storefront') throw new AppError('forbidden', 'A storefront token reads availability only');
  return authenticated.via === 'token' ? { via: 'token' } : sessionAnswer(authenticated.session);
}

type Credential = { signedInWith: SignedInWith; user: Awaited<ReturnType<UserStore['authenticate']>> };

/** 429 for a username with too many wrong passwords lately, whatever the address. */
function refuseAccountForNow(reply: FastifyReply, limiter: FailedAuthLimiter, waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  reply.header('Retry-After', String(seconds));
  return new AppError(
    'rate_limited',
    `Too many wrong passwords for this account: try again in ${seconds} seconds (the owner can also set a new password, or sign in with the API token)`,
    { limit: limiter.max, retryAfter: `${seconds} seconds` },
  );
}

/** Which kind of session the credential makes; throws 401 (counted per address, and per username) when it is wrong. */
async function checkCredential(request: FastifyRequest, reply: FastifyReply, options: AuthRouteOptions): Promise<Credential> {
  const input = parseInput(loginInput, request.body ?? {});
  if (input.username !== undefined && input.password !== undefined) {
    const { accountLogins } = options;
    const waitMs = accountLogins?.refusedFor(input.username) ?? 0;
    if (accountLogins && waitMs > 0) throw refuseAccountForNow(reply, accountLogins, waitMs);
    const user = await options.users.authenticate(input.username, input.password);
    if (user) return { signedInWith: 'password', user };
    options.failedAuth?.recordFailure(request.ip);
    accountLogins?.recordFailure(input.username);
    // The same answer for an unknown name: it does not tell which names exist.
    throw new AppError('unauthorized', 'The username or the password is not right');
  }
  if (input.token !== undefined) {
    if (tokensMatch(input.token, options.expectedToken())) return { signedInWith: 'api-token', user: null };
    options.failedAuth?.recordFailure(request.ip);
    throw new AppError('unauthorized', 'The API token is not valid');
  }
  if (input.code !== undefined && options.signInCodes?.redeem(input.code)) return { signedInWith: 'sign-in-link', user: null };
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
  const { signedInWith, user } = await checkCredential(request, reply, options);
  // A fresh id at every sign-in: a session id someone planted in this browser before is not kept.
  const previous = presentedSession(request);
  if (previous) await options.sessions.end(previous.id);
  const secure = servedOverHttps(request);
  const { id, session } = await options.sessions.create(signedInWith, user ? '' : options.expectedToken(), user);
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

  app.get(ME_PATH, { config: { role: 'viewer' } }, async (request) => meOf(request.authenticated));

  // Public: the sign-in page asks before anyone is signed in. Whether accounts exist, nothing more.
  app.get(SIGN_IN_METHODS_PATH, { config: { auth: 'public' } }, async (): Promise<SignInMethods> => ({ accounts: (await options.users.count()) > 0 }));

  // Rotating the token ends every session made from the old one (core/auth/auth-handlers.ts),
  // the rotating browser's too; that browser proved it holds the token and now sees the new one,
  // so it gets a new session rather than being sent to the sign-in screen.
  // Every answer passes this hook: the cheap tests come first, and only a rotation waits for anything.
  app.addHook('onSend', (request, reply, payload, done) => {
    const authenticated = request.authenticated;
    if (authenticated?.via !== 'session' || reply.statusCode !== 200 || request.routeOptions.url !== ROTATE_PATH) return done(null, payload);
    // A person's own session is bound to their password, not the token: it goes on as it was.
    if (authenticated.session.user) return done(null, payload);
    options.sessions.create(authenticated.session.signedInWith, options.expectedToken()).then(
      ({ id, session }) => {
        reply.header('Set-Cookie', sessionCookie(id, session, authenticated.secureCookie));
        done(null, payload);
      },
      (error: Error) => done(error),
    );
  });
}
