/**
 * The session store in a browser (issue 14): signing in at start from a credential that came with
 * the page, keeping an existing session when a spent link is opened again, and telling a session
 * that ended from a request that crossed a token rotation (which gives this browser a new cookie).
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from 'vue';
import type { AuthMe } from '../../shared/schemas/auth';
import { APP_API, type AppApi } from '../../renderer/src/api/app-api';
import type { AuthApi, SignInCredential } from '../../renderer/src/api/auth';
import { ClientError, createClient } from '../../renderer/src/api/client';
import { useSessionStore } from '../../renderer/src/stores/session';

const SESSION: AuthMe = { via: 'session', signedInWith: 'api-token', signedInAt: '2026-12-10T10:00:00.000Z', expiresAt: '2027-01-09T10:00:00.000Z' };

/** A server with one session that is live or not, and one token and one unspent code. */
function fakeAuth() {
  const state = { live: false, codeSpent: false, calls: [] as string[] };
  const refused = (message: string) => new ClientError('unauthorized', message, undefined, 401);
  const auth: AuthApi = {
    async login(credential: SignInCredential) {
      state.calls.push(`login ${'code' in credential ? 'code' : 'token'}`);
      if ('code' in credential) {
        if (state.codeSpent) throw refused('This sign-in link was used already or has expired');
        state.codeSpent = true;
      } else if (credential.token !== 'right') {
        throw refused('The API token is not valid');
      }
      state.live = true;
      return SESSION;
    },
    async logout() {
      state.calls.push('logout');
      state.live = false;
    },
    async me() {
      state.calls.push('me');
      return state.live ? SESSION : null;
    },
  };
  return { auth, state };
}

let server: ReturnType<typeof fakeAuth>;
let rotate: { resolve(): void; started: boolean };

beforeEach(() => {
  server = fakeAuth();
  rotate = { resolve: () => undefined, started: false };
  const client = createClient(async (name) => {
    if (name !== 'auth.rotateToken') throw new Error(`unexpected ${name}`);
    rotate.started = true;
    // The old session ends when the server rotates; the answer brings the new cookie.
    server.state.live = false;
    await new Promise<void>((resolve) => (rotate.resolve = resolve));
    server.state.live = true;
    return { token: 'new-token-0123456789abcdef', rotatedAt: '2026-12-10T11:00:00.000Z' };
  });
  provideApi({ client, mode: 'http', auth: server.auth });
});

/** The stores inject the API, as in the app. */
function provideApi(api: AppApi): void {
  const app = createApp({});
  app.provide(APP_API, api);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
}

describe('the session store', () => {
  it('signs in at start with the link, without asking first (no 401 on every start)', async () => {
    const session = useSessionStore();
    expect(session.needsToken).toBe(true);
    await session.start([{ code: 'c' }, null]);
    expect(session.needsToken).toBe(false);
    expect(server.state.calls).toEqual(['login code']);
  });

  it('keeps the session when a spent link is opened again', async () => {
    server.state.live = true;
    server.state.codeSpent = true;
    const session = useSessionStore();
    await session.start([{ code: 'c' }]);
    expect(session.needsToken).toBe(false);
    expect(session.notice).toBeNull();
    expect(server.state.calls).toEqual(['login code', 'me']);
  });

  it('explains a spent link to a browser that is not signed in', async () => {
    server.state.codeSpent = true;
    const session = useSessionStore();
    await session.start([{ code: 'c' }]);
    expect(session.needsToken).toBe(true);
    expect(session.notice).toMatch(/This sign-in link was used already or has expired/);
  });

  it('shows the sign-in screen with the reason when the server says the session ended', async () => {
    const session = useSessionStore();
    await session.start([{ token: 'right' }]);
    server.state.live = false;
    session.tokenRejected();
    await vi.waitFor(() => expect(session.needsToken).toBe(true));
    expect(session.notice).toMatch(/^Your session has ended/);
  });

  it('stays signed in when a 401 crossed a token rotation that gave this browser a new session', async () => {
    const session = useSessionStore();
    await session.start([{ token: 'right' }]);
    const rotated = session.rotateToken();
    expect(rotate.started).toBe(true);
    // A request sent with the old cookie while the rotation is under way.
    session.tokenRejected();
    await new Promise((r) => setTimeout(r, 10));
    expect(server.state.calls).not.toContain('me');
    rotate.resolve();
    await rotated;
    await vi.waitFor(() => expect(server.state.calls).toContain('me'));
    await new Promise((r) => setTimeout(r, 10));
    expect(session.needsToken).toBe(false);
  });

  it('signs out on the server, at once for the screens, and says where the token is', async () => {
    const session = useSessionStore();
    await session.start([{ token: 'right' }]);
    const out = session.signOut();
    expect(session.needsToken).toBe(true);
    await out;
    expect(server.state.live).toBe(false);
    expect(session.notice).toContain('you need the API token');
  });
});

describe('the session store inside Electron', () => {
  it('has nothing to sign in to: no sign-in screen, no request, whatever the page was opened with', async () => {
    const calls: string[] = [];
    provideApi({
      client: createClient(async (name) => {
        calls.push(name);
        return {};
      }),
      mode: 'ipc',
      auth: null,
    });
    const session = useSessionStore();
    expect(session.needsToken).toBe(false);
    await session.start([{ code: 'c' }]);
    session.tokenRejected();
    expect(session.needsToken).toBe(false);
    expect(calls).toEqual([]);
  });
});
