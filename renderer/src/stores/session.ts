import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Output } from '../../../shared/contract';
import { useAppApi } from '../api/app-api';
import { ClientError } from '../api/client';

/** Who is signed in: in a browser the API token; inside Electron there is nothing to sign in to. */
export const useSessionStore = defineStore('session', () => {
  const api = useAppApi();
  const token = ref<string | null>(api.tokens.get());
  const remembered = ref(api.tokens.remembered());
  /** Why the user was sent back to the sign-in screen, shown there. */
  const notice = ref<string | null>(null);

  const mode = api.mode;
  const needsToken = computed(() => mode === 'http' && !token.value);

  /** Keeps the token and checks it against the server; throws a sentence when it is refused. */
  async function signIn(candidate: string, remember: boolean): Promise<void> {
    const trimmed = candidate.trim();
    if (!trimmed) throw new Error('Enter the API token.');
    api.tokens.set(trimmed, remember);
    try {
      await api.client['settings.get']({});
    } catch (error) {
      if (error instanceof ClientError && error.status === 401) {
        api.tokens.clear();
        throw new Error('The server did not accept this token. Copy it again from the server output or the api-token file.', { cause: error });
      }
      throw error;
    }
    token.value = trimmed;
    remembered.value = remember;
    notice.value = null;
  }

  function signOut(): void {
    api.tokens.clear();
    token.value = null;
    remembered.value = false;
    notice.value = 'You are signed out.';
  }

  /** The server answered 401: the kept token is wrong or was changed on the server. */
  function tokenRejected(): void {
    // Without a kept token the 401 answers a sign-in attempt, which explains it itself.
    if (mode !== 'http' || !token.value) return;
    api.tokens.clear();
    token.value = null;
    notice.value = 'The server no longer accepts the saved token. Please enter the current one.';
  }

  /** Makes a new API token (the old one stops working at once); the answer is shown once. */
  async function rotateToken(): Promise<Output<'auth.rotateToken'>> {
    const result = await api.client['auth.rotateToken']({});
    // This page signed in with the old token: keep it working with the new one.
    if (mode === 'http') {
      api.tokens.set(result.token, api.tokens.remembered());
      token.value = result.token;
    }
    return result;
  }

  return { mode, token, remembered, notice, needsToken, signIn, signOut, tokenRejected, rotateToken };
});
