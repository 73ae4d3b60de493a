import { z } from 'zod';

/**
 * The header the app sends with every request it makes in a browser. A change made with the session
 * cookie is refused without it: a form or an image on another site can make the browser send the
 * cookie (a browser that ignores SameSite, a sibling sub-domain) but cannot add a header, and a
 * script on another site can add one only after a CORS preflight this server never allows.
 */
export const APP_REQUEST_HEADER = 'X-Stockfeed-Request';

export const rotateTokenInput = z.strictObject({});

export const rotateTokenSchema = z.object({
  /** The new API token; the previous one stopped working when this answer was sent. */
  token: z.string(),
  rotatedAt: z.string(),
});

/**
 * How a browser session was made. Today from the API token (typed on the sign-in screen) or from
 * the one-time link the server prints; accounts (issue 20) will add their own kind.
 */
export const signedInWithSchema = z.enum(['api-token', 'sign-in-link']);

/**
 * `POST /api/v1/auth/login`: the API token, or the one-time code from the link the server prints
 * (`#signin=…`). Exactly one of them. Accounts will add `{ username, password }` here.
 */
export const loginInput = z
  .strictObject({
    token: z.string().trim().min(1, 'must not be empty').max(1000, 'is longer than any API token').optional(),
    code: z.string().trim().min(1, 'must not be empty').max(200, 'is longer than any sign-in code').optional(),
  })
  .refine((input) => (input.token === undefined) !== (input.code === undefined), {
    message: 'send the API token as "token" (or the one-time sign-in code as "code"), one of them',
    path: ['token'],
  });

/** `GET /api/v1/auth/me` (and the answer to a login): who is signed in, and how this request was authenticated. */
export const authMeSchema = z.discriminatedUnion('via', [
  z.object({
    /** The request carried the session cookie. */
    via: z.literal('session'),
    signedInWith: signedInWithSchema,
    signedInAt: z.string(),
    /** When the session ends unless it is used before then (each use moves this on, up to a limit). */
    expiresAt: z.string(),
  }),
  z.object({
    /** The request carried the API token (`Authorization: Bearer`, or `?token=` on the event stream). */
    via: z.literal('token'),
  }),
]);

export type AuthMe = z.infer<typeof authMeSchema>;
export type SignedInWith = z.infer<typeof signedInWithSchema>;
