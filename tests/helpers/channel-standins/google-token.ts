/**
 * Google's OAuth 2.0 token endpoint for service accounts, as a stand-in: the client posts a JWT it
 * signed with the service account's private key (grant_type urn:ietf:params:oauth:grant-type:jwt-bearer)
 * and gets a short-lived Bearer access token back.
 *
 * From "Using OAuth 2.0 for Server to Server Applications" (developers.google.com/identity/protocols/
 * oauth2/service-account): the JWT header is {"alg":"RS256","typ":"JWT"} (kid optional), the claims
 * are iss (the service account's email), scope (space-delimited), aud (https://oauth2.googleapis.com/
 * token, the key file's token_uri), exp (at most one hour after iat) and iat; the answer is
 * {access_token, expires_in: 3599, token_type: "Bearer"}, a refusal is HTTP 400 with
 * {error, error_description} (RFC 6749 §5.2). The error_description wordings are the ones Google is
 * publicly reported to send; they are not a documented contract.
 *
 * google-auth-library 10 posts to https://oauth2.googleapis.com/token and puts that URL in `aud`
 * whatever the key file's token_uri says (gtoken/getToken.js, jwsSign.js), so the stand-in accepts
 * exactly that audience: the client is redirected by its transport, not by a claim.
 */
import crypto from 'node:crypto';
import type { ApiAnswer, RecordedRequest } from './http-standin';
import { json } from './http-standin';

export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
export const CONTENT_SCOPE = 'https://www.googleapis.com/auth/content';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The service-account key file, as the Cloud console downloads it. */
export type ServiceAccountKey = {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
};

export type IssuedToken = { token: string; email: string; scopes: string[]; expiresAt: number };

export type TokenEndpoint = {
  /** Registers a service account (a fresh RSA key pair) and returns its key file. */
  createServiceAccount(name?: string): ServiceAccountKey;
  /** Deletes a service account's key: its next assertion is refused. */
  revokeKey(email: string): void;
  issued: IssuedToken[];
  /** Makes every issued token expired (the next API call gets 401). */
  expireAll(): void;
  /** The token's record when it is valid now. */
  lookup(accessToken: string): IssuedToken | undefined;
  handle(request: RecordedRequest): ApiAnswer;
};

const refuse = (error: string, description: string) => json(400, { error, error_description: description });

function base64urlJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function createTokenEndpoint(tokenUrl: () => string, options: { clockSkewSeconds?: number } = {}): TokenEndpoint {
  const accounts = new Map<string, { keyId: string; publicKey: crypto.KeyObject }>();
  const skew = options.clockSkewSeconds ?? 300;
  const endpoint: TokenEndpoint = {
    issued: [],
    createServiceAccount(name = 'stockfeed') {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      const email = `${name}@stockfeed-test.iam.gserviceaccount.com`;
      const keyId = crypto.randomBytes(20).toString('hex');
      accounts.set(email, { keyId, publicKey });
      return {
        type: 'service_account',
        project_id: 'stockfeed-test',
        private_key_id: keyId,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        client_email: email,
        client_id: String(100_000_000_000_000_000_000n + BigInt(accounts.size)),
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: tokenUrl(),
        auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
        client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
        universe_domain: 'googleapis.com',
      };
    },
    revokeKey(email) {
      accounts.delete(email);
    },
    expireAll() {
      for (const token of endpoint.issued) token.expiresAt = 0;
    },
    lookup(accessToken) {
      const found = endpoint.issued.find((t) => t.token === accessToken);
      return found && found.expiresAt > Date.now() ? found : undefined;
    },
    handle(request) {
      if (request.method !== 'POST') return json(405, { error: 'invalid_request', error_description: 'Method not allowed.' });
      const form = new URLSearchParams(request.body);
      const grantType = form.get('grant_type');
      if (grantType !== JWT_BEARER) return refuse('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
      const assertion = form.get('assertion');
      if (!assertion) return refuse('invalid_request', 'Missing required parameter: assertion');
      const parts = assertion.split('.');
      const [headerPart, payloadPart, signaturePart] = parts;
      const header = headerPart ? base64urlJson(headerPart) : null;
      const claims = payloadPart ? base64urlJson(payloadPart) : null;
      if (parts.length !== 3 || !header || !claims || signaturePart === undefined) return refuse('invalid_grant', 'Invalid JWT Signature.');
      if (header.alg !== 'RS256') return refuse('invalid_grant', 'Invalid JWT Signature.');
      const account = typeof claims.iss === 'string' ? accounts.get(claims.iss) : undefined;
      if (!account) return refuse('invalid_grant', 'Invalid grant: account not found');
      if (header.kid !== undefined && header.kid !== account.keyId) return refuse('invalid_grant', 'Invalid JWT Signature.');
      const signed = crypto.verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), account.publicKey, Buffer.from(signaturePart, 'base64url'));
      if (!signed) return refuse('invalid_grant', 'Invalid JWT Signature.');
      if (claims.aud !== GOOGLE_TOKEN_AUDIENCE) return refuse('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_TOKEN_AUDIENCE}`);
      const now = Math.floor(Date.now() / 1000);
      const { iat, exp } = claims;
      if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > 3600 || exp <= iat || iat > now + skew || exp < now - skew) {
        return refuse('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
      }
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
      if (scopes.length === 0) return refuse('invalid_scope', 'Empty or missing scope not allowed.');
      const token = `ya29.c.${crypto.randomBytes(48).toString('base64url')}`;
      endpoint.issued.push({ token, email: claims.iss as string, scopes, expiresAt: Date.now() + 3599_000 });
      return json(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    },
  };
  return endpoint;
}
