import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Output } from '../../../shared/contract';
import type { SignInCredential } from '../api/auth';
import { useAppApi } from '../api/app-api';
import { ClientError } from '../api/client';
import { describeError } from '../api/errors';

/**
 * Whether this browser is signed in to the headless server. The server keeps the session (an
 * httpOnly cookie this page cannot read), so the page asks it (`GET /auth/me`) once at start and
 * learns of the session's end from the next 401. Inside Electron there is nothing to sign in to.
 *
 * `needsToken`: the sign-in screen is due (its name is the routes' and header's contract).
 */
export const useSessionStore = defineStore('session', () => {
  const api = useAppApi();
  const mode = api.mode;
  const signedIn = ref(mode === 'ipc');
  /** Why the user is on the sign-in screen, shown there. */
  const notice = ref<string | null>(null);
  const needsToken = computed(() => mode === 'http' && !signedIn.value);

  /**
   * At start, before the first route: a session made from a credential that came with the page
   * (the printed link, a bookmark, a token an earlier version kept), or else the session the
   * browser has. A refused credential leaves that session alone: a spent link does not sign out.
   * The credentials go first so that a browser arriving by the link asks nothing it knows will fail.
   */
  async function start(arrived: ReadonlyArray<SignInCredential | null>): Promise<void> {
    const auth = api.auth;
    if (!auth) return;
    for (const credential of arrived) {
      if (!credential) continue;
      try {
        await auth.login(credential);
        signedIn.value = true;
        notice.value = null;
        return;
      } catch (error) {
        // Shown on the sign-in screen: a spent or expired link says so and what to do instead.
        notice.value = 'code' in credential || (error instanceof ClientError && error.code !== 'unauthorized')
          ? describeError(error)
          : 'The server did not accept the token in the link. Sign in with the current token.';
      }
    }
    try {
      if (await auth.me()) {
        signedIn.value = true;
        notice.value = null;
      }
    } catch (error) {
      notice.value = describeError(error);
    }
  }

  /** Signs in with the token typed on the sign-in screen; throws a sentence when it is refused. */
  async function signIn(candidate: string): Promise<void> {
    const token = candidate.trim();
    if (!token) throw new Error('Enter the API token.');
    if (!api.auth) return;
    try {
      await api.auth.login({ token });
    } catch (error) {
      if (error instanceof ClientError && error.status === 401) {
        throw new Error('The server did not accept this token. Copy it again from the api-token file (see above).', { cause: error });
      }
      throw error;
    }
    signedIn.value = true;
    notice.value = null;
  }

  /** Ends this browser's session on the server; every tab of this browser is signed out. */
  async function signOut(): Promise<void> {
    signedIn.value = false;
    notice.value = 'You are signed out. To sign in again, you need the API token: see below where to find it.';
    try {
      await api.auth?.logout();
    } catch (error) {
      notice.value = `You are signed out here, but the server could not be told (${describeError(error)}). Sign in and out again once it is reachable.`;
    }
  }

  /** The token rotation in flight, if any: it replaces this browser's session cookie when it answers. */
  let rotation: Promise<unknown> | null = null;
  let checking = false;

  /**
   * A request was answered 401. The session may have ended (signed out in another tab, expired,
   * the token changed elsewhere), or the request crossed a rotation that is giving this browser a
   * new cookie; the server is asked once, after any rotation in flight has answered, before the
   * sign-in screen is shown.
   */
  function tokenRejected(): void {
    if (mode !== 'http' || !signedIn.value || checking || !api.auth) return;
    const auth = api.auth;
    checking = true;
    void (async () => {
      let ended: boolean;
      try {
        await rotation?.catch(() => undefined);
        ended = (await auth.me()) === null;
      } catch {
        // The server cannot be reached: nothing says the session ended; the next answer will.
        ended = false;
      } finally {
        checking = false;
      }
      if (!ended || !signedIn.value) return;
      signedIn.value = false;
      notice.value =
        'Your session has ended: this browser was signed out in another tab, it was not used for 30 days, or the API token was changed. Sign in again.';
    })();
  }

  /**
   * Makes a new API token (the old one stops working at once); the answer is shown once. The server
   * ends every session made from the old token and gives this browser a new one with its answer.
   */
  async function rotateToken(): Promise<Output<'auth.rotateToken'>> {
    const pending = api.client['auth.rotateToken']({});
    rotation = pending;
    try {
      return await pending;
    } finally {
      if (rotation === pending) rotation = null;
    }
  }

  return { mode, signedIn, notice, needsToken, start, signIn, signOut, tokenRejected, rotateToken };
});
