import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Output } from '../../../shared/contract';
import type { OperationName } from '../../../shared/operation-names';
import { OPERATION_ROLES } from '../../../shared/operation-roles';
import type { AuthMe } from '../../../shared/schemas/auth';
import { roleAllows, type Role, type UserRef } from '../../../shared/schemas/users';
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
 *
 * `account`: the person signed in with their own account (issue 20); null when signed in with the
 * API token, and inside Electron, which both act as the owner. `may` tells screens what to offer;
 * the server refuses the rest anyway.
 */
export const useSessionStore = defineStore('session', () => {
  const api = useAppApi();
  const mode = api.mode;
  const signedIn = ref(mode === 'ipc');
  /** Why the user is on the sign-in screen, shown there. */
  const notice = ref<string | null>(null);
  const needsToken = computed(() => mode === 'http' && !signedIn.value);
  const account = ref<UserRef | null>(null);
  const role = computed<Role>(() => account.value?.role ?? 'owner');
  /** Whether the signed-in role may call the operation (or has `needed`, a role). */
  const may = (needed: OperationName | Role): boolean =>
    roleAllows(role.value, needed in OPERATION_ROLES ? OPERATION_ROLES[needed as OperationName] : (needed as Role));

  function signedInAs(me: AuthMe): void {
    signedIn.value = true;
    notice.value = null;
    account.value = me.via === 'session' ? (me.user ?? null) : null;
  }

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
        signedInAs(await auth.login(credential));
        return;
      } catch (error) {
        // Shown on the sign-in screen: a spent or expired link says so and what to do instead.
        notice.value = 'code' in credential || (error instanceof ClientError && error.code !== 'unauthorized')
          ? describeError(error)
          : 'The server did not accept the token in the link. Sign in with the current token.';
      }
    }
    try {
      const me = await auth.me();
      if (me) signedInAs(me);
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
      signedInAs(await api.auth.login({ token }));
    } catch (error) {
      if (error instanceof ClientError && error.status === 401) {
        throw new Error('The server did not accept this token. Copy it again from the api-token file (see “Where to find the token” below).', { cause: error });
      }
      throw error;
    }
  }

  /** Whether anyone has an account yet (false when the server cannot say: the token always works). */
  async function accountsExist(): Promise<boolean> {
    try {
      return (await api.auth?.methods())?.accounts ?? false;
    } catch {
      return false;
    }
  }

  /** Signs in with a person's own account; throws a sentence when it is refused. */
  async function signInWithPassword(username: string, password: string): Promise<void> {
    if (!username.trim()) throw new Error('Enter your username.');
    if (!password) throw new Error('Enter your password.');
    if (!api.auth) return;
    try {
      signedInAs(await api.auth.login({ username: username.trim(), password }));
    } catch (error) {
      if (error instanceof ClientError && error.status === 401) {
        throw new Error('The username or the password is not right. The shop’s owner can set a new password for you.', { cause: error });
      }
      throw error;
    }
  }

  /** Ends this browser's session on the server; every tab of this browser is signed out. */
  async function signOut(): Promise<void> {
    signedIn.value = false;
    notice.value = account.value
      ? 'You are signed out. Sign in again with your username and password.'
      : 'You are signed out. To sign in again, you need the API token: see below where to find it.';
    account.value = null;
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
      notice.value = account.value
        ? 'Your session has ended: you signed out in another tab, it was not used for 30 days, or your password was changed. Sign in again.'
        : 'Your session has ended: this browser was signed out in another tab, it was not used for 30 days, or the API token was changed. Sign in again.';
      account.value = null;
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

  return { mode, signedIn, notice, needsToken, account, role, may, start, signIn, signInWithPassword, accountsExist, signOut, tokenRejected, rotateToken };
});
