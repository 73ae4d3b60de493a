/**
 * The Shopify stand-in's token endpoint: the client credentials grant of apps created in the Dev
 * Dashboard (shopify.dev, "Using the client credentials grant" and "About client credentials",
 * read December 2026): POST https://{shop}.myshopify.com/admin/oauth/access_token with
 * `client_id`, `client_secret` and `grant_type=client_credentials`, form-encoded as the docs show
 * (Shopify's Node library sends the same fields as JSON; both are read). The answer is
 * `{ access_token, scope, expires_in }` with a token valid 24 hours (expires_in 86399).
 *
 * Errors follow OAuth 2.0 (RFC 6749 §5.2) as `{ error, error_description }` with HTTP 400, which is
 * how Shopify's library reports them ("Oauth error shop_not_permitted: Client credentials cannot
 * be performed on this shop."). Not confirmed from a live shop: the exact wording of
 * invalid_client's and invalid_request's descriptions.
 */
import crypto from 'node:crypto';
import { json, type ApiAnswer, type RecordedRequest } from './http-standin';

export const CLIENT_CREDENTIALS_SCOPE = 'write_inventory,read_products,read_locations';

export type TokenIssuer = {
  clientId: string;
  clientSecret: string;
  /** Seconds a new token lasts (Shopify: 86399); a test shortens it to see expiry. */
  lifetimeSeconds: number;
  /** Tokens handed out, newest last. */
  issued: Array<{ token: string; expiresAt: number }>;
  /** Whether the token was issued, has not expired and was not revoked. */
  valid(token: string | undefined): boolean;
  /** Every token issued so far stops working (a rotated client secret, an uninstall). */
  revokeAll(): void;
  handle(request: RecordedRequest): ApiAnswer;
};

const oauthError = (error: string, description: string): ApiAnswer => json(400, { error, error_description: description });

function fieldsOf(request: RecordedRequest): Record<string, string> {
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    try {
      const parsed = JSON.parse(request.body) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(request.body));
}

export function createTokenIssuer(options: { clientId?: string; clientSecret?: string; lifetimeSeconds?: number; permitted?: boolean }): TokenIssuer {
  const revoked = new Set<string>();
  const issuer: TokenIssuer = {
    clientId: options.clientId ?? crypto.randomBytes(16).toString('hex'),
    clientSecret: options.clientSecret ?? `shpss_${crypto.randomBytes(16).toString('hex')}`,
    lifetimeSeconds: options.lifetimeSeconds ?? 86399,
    issued: [],
    valid(token) {
      if (!token || revoked.has(token)) return false;
      const found = issuer.issued.find((t) => t.token === token);
      return found !== undefined && Date.now() < found.expiresAt;
    },
    revokeAll() {
      for (const t of issuer.issued) revoked.add(t.token);
    },
    handle(request) {
      if (request.method !== 'POST') return json(405, { errors: 'Method Not Allowed' });
      const fields = fieldsOf(request);
      const absent = ['client_id', 'client_secret', 'grant_type'].filter((f) => !fields[f]);
      if (absent.length > 0) return oauthError('invalid_request', `Missing required parameter: ${absent.join(', ')}`);
      if (fields.grant_type !== 'client_credentials') return oauthError('unsupported_grant_type', `The grant type ${fields.grant_type} is not supported here.`);
      const secretMatches =
        fields.client_secret !== undefined &&
        fields.client_secret.length === issuer.clientSecret.length &&
        crypto.timingSafeEqual(Buffer.from(fields.client_secret), Buffer.from(issuer.clientSecret));
      if (fields.client_id !== issuer.clientId || !secretMatches) {
        return oauthError('invalid_client', 'Client authentication failed: the client_id or client_secret is not valid.');
      }
      if (options.permitted === false) return oauthError('shop_not_permitted', 'Client credentials cannot be performed on this shop.');
      const token = `shpat_${crypto.randomBytes(16).toString('hex')}`;
      issuer.issued.push({ token, expiresAt: Date.now() + issuer.lifetimeSeconds * 1000 });
      return json(200, { access_token: token, scope: CLIENT_CREDENTIALS_SCOPE, expires_in: issuer.lifetimeSeconds });
    },
  };
  return issuer;
}
