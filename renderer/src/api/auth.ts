/**
 * Signing this browser in and out of the headless server. The token (or the one-time code of the
 * link the server prints) is sent once to `POST /api/v1/auth/login`, and the server answers with an
 * httpOnly session cookie: no script on the page, this one included, can read it, and nothing of
 * the sign-in is kept in the page or in the browser's storage. The browser sends the cookie with
 * every later request, from every tab, until Sign out or until the session expires.
 *
 * No DOM global is touched here: fetch comes in as an argument, so this is unit-tested under Node.
 */
import { authMeSchema, type AuthMe } from '../../../shared/schemas/auth';
import { API_BASE, APP_REQUEST_HEADERS, ClientError, errorFromResponse, type FetchLike, type FetchResponse } from './client';

/** What the server takes to sign a browser in. */
export type SignInCredential = { token: string } | { code: string };

export type AuthApi = {
  /** Signs in; throws a ClientError when the server refuses (401: wrong token or spent code). */
  login(credential: SignInCredential): Promise<AuthMe>;
  /** Ends this browser's session; the server clears the cookie. */
  logout(): Promise<void>;
  /** Who is signed in; null when nobody is (401). */
  me(): Promise<AuthMe | null>;
};

const UNREACHABLE = 'Stockfeed could not reach its server. Check that it is still running, then try again.';

export function httpAuth(fetch: FetchLike): AuthApi {
  async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ response: FetchResponse; text: string }> {
    const headers: Record<string, string> = { Accept: 'application/json', ...APP_REQUEST_HEADERS };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: FetchResponse;
    try {
      response = await fetch(`${API_BASE}${path}`, body === undefined ? { method, headers } : { method, headers, body: JSON.stringify(body) });
    } catch {
      throw new ClientError('network', UNREACHABLE, undefined, 0);
    }
    return { response, text: await response.text() };
  }

  function parseMe(text: string, status: number): AuthMe {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = authMeSchema.safeParse(value);
    if (!parsed.success) throw new ClientError('bad_response', 'The server did not say who is signed in', undefined, status);
    return parsed.data;
  }

  return {
    async login(credential) {
      const { response, text } = await send('POST', '/auth/login', credential);
      if (response.status !== 200) throw errorFromResponse(response.status, response.statusText, text);
      return parseMe(text, response.status);
    },
    async logout() {
      const { response, text } = await send('POST', '/auth/logout');
      if (response.status < 200 || response.status >= 300) throw errorFromResponse(response.status, response.statusText, text);
    },
    async me() {
      const { response, text } = await send('GET', '/auth/me');
      if (response.status === 401) return null;
      if (response.status !== 200) throw errorFromResponse(response.status, response.statusText, text);
      return parseMe(text, response.status);
    },
  };
}
