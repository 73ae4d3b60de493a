/**
 * The Admin API token of a Shopify channel. A custom app made in the Shopify admin has a permanent
 * one. An app made in the Dev Dashboard (the only kind since 1 January 2026) has a client ID and
 * secret instead, exchanged with the client credentials grant — POST {shop}/admin/oauth/access_token,
 * form-encoded `grant_type=client_credentials&client_id=…&client_secret=…` → `{ access_token, scope,
 * expires_in }` — for a token that lasts 24 hours. It is kept in memory (the adapter lives as long
 * as the settings it was made from), exchanged again in the last tenth of its life (at most five
 * minutes before it ends), and at once when Shopify answers 401. Concurrent calls share one
 * exchange. The request goes through the same checked way out as every other call; neither the
 * secret nor a token is ever put in a message.
 */
import type { Outbound } from '../net/outbound';
import type { ShopifyAuth } from './channel-config';
import { callJson, ChannelError, excerpt, statusError } from './channel-http';

export type ShopifyTokenDeps = { outbound: Outbound; allowPrivateNetwork: boolean; timeoutMs: number; now?: () => number };

/** The renewal margin: a tenth of the token's life, at most five minutes. */
const MAX_MARGIN_MS = 5 * 60_000;

/** What Shopify's OAuth errors mean for the owner, by `error`. */
const ADVICE: Record<string, string> = {
  invalid_client: 'check channels.shopify.clientId and clientSecret (Dev Dashboard → your app → Settings)',
  shop_not_permitted: 'the client credentials grant only works for an app and a shop of the same organization; use an access token for this shop',
  app_not_installed: 'install the app on the shop first (Dev Dashboard → your app → Install)',
};

type Held = { token: string; renewAt: number };

export class ShopifyToken {
  private held: Held | null = null;
  private pending: Promise<string> | null = null;
  /** Exchanges made (the tests and the bench count them). */
  exchanges = 0;

  constructor(
    private readonly auth: ShopifyAuth,
    private readonly deps: ShopifyTokenDeps,
  ) {}

  /** Whether a refused token can be replaced by exchanging again (not a permanent token). */
  get renewable(): boolean {
    return this.auth.kind === 'clientCredentials';
  }

  /** The token to send now: the permanent one, or a held one not yet due for renewal, or a new one. */
  async current(signal: AbortSignal): Promise<string> {
    if (this.auth.kind === 'accessToken') return this.auth.accessToken;
    if (this.held && this.now() < this.held.renewAt) return this.held.token;
    this.pending ??= this.exchange(signal).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Shopify refused `token` (401): forget it, so the next `current` exchanges again. */
  refused(token: string): void {
    if (this.held?.token === token) this.held = null;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private async exchange(signal: AbortSignal): Promise<string> {
    if (this.auth.kind !== 'clientCredentials') throw new Error('a permanent token is not exchanged');
    const { tokenUrl, clientId, clientSecret } = this.auth;
    this.exchanges++;
    const started = this.now();
    const answer = await callJson(this.deps.outbound, tokenUrl, {
      method: 'POST',
      headers: {},
      form: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
      signal,
      timeoutMs: this.deps.timeoutMs,
      allowPrivateNetwork: this.deps.allowPrivateNetwork,
    });
    const body = (answer.body ?? {}) as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (answer.status === 200 && typeof body.access_token === 'string' && body.access_token !== '') {
      const lifeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 24 * 60 * 60_000;
      this.held = { token: body.access_token, renewAt: started + lifeMs - Math.min(MAX_MARGIN_MS, lifeMs / 10) };
      return body.access_token;
    }
    if (answer.status === 200) throw new ChannelError('Shopify answered the client credentials grant without an access token', 'auth');
    const code = typeof body.error === 'string' ? excerpt(body.error) : '';
    if (code && answer.status >= 400 && answer.status < 500 && answer.status !== 429) {
      const description = typeof body.error_description === 'string' ? `: ${excerpt(body.error_description)}` : '';
      const what = code === 'invalid_client' ? 'the client ID and secret' : 'the client credentials grant';
      throw new ChannelError(`Shopify refused ${what} (${code})${description}; ${ADVICE[code] ?? 'check channels.shopify.clientId and clientSecret'}`, 'auth');
    }
    const failed = statusError(answer, code, 'shop not found: check the shop domain');
    // A 4xx without an OAuth error is still about signing in, not about the items to be sent.
    throw failed.kind === 'items' ? new ChannelError(`signing in to Shopify failed: ${failed.message}`, 'auth') : failed;
  }
}
