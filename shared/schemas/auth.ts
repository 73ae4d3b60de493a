import { z } from 'zod';
import { userRefSchema } from './users';

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
 * How a browser session was made: from the API token (typed on the sign-in screen), from the
 * one-time link the server prints, or with a person's own account (`password`, issue 20).
 */
export const signedInWithSchema = z.enum(['api-token', 'sign-in-link', 'password']);

/**
 * `POST /api/v1/auth/login`: a person's `{ username, password }`, the API token, or the one-time
 * code from the link the server prints (`#signin=…`). Exactly one of the three. The password is
 * not trimmed (spaces may be part of it); its length is checked only as far as no stored password
 * could be longer, so a wrong one is "wrong", not a validation message that tells it apart.
 */
export const loginInput = z
  .strictObject({
    token: z.string().trim().min(1, 'must not be empty').max(1000, 'is longer than any API token').optional(),
    code: z.string().trim().min(1, 'must not be empty').max(200, 'is longer than any sign-in code').optional(),
    username: z.string().trim().toLowerCase().min(1, 'must not be empty').max(64, 'is longer than any username').optional(),
    password: z.string().min(1, 'must not be empty').max(1000, 'is longer than any password').optional(),
  })
  .superRefine((input, ctx) => {
    const account = input.username !== undefined || input.password !== undefined;
    if (account && (input.username === undefined || input.password === undefined)) {
      const missing = input.username === undefined ? 'username' : 'password';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'signing in with an account needs both "username" and "password"' });
      return;
    }
    const kinds = [account, input.token !== undefined, input.code !== undefined].filter(Boolean).length;
    if (kinds !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'send "username" and "password", or the API token as "token" (or the one-time sign-in code as "code"), one of them',
      });
    }
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
    /** The person signed in with their account; absent for a session made from the API token (which acts as the owner). */
    user: userRefSchema.optional(),
  }),
  z.object({
    /** The request carried the API token (`Authorization: Bearer`, or `?token=` on the event stream). */
    via: z.literal('token'),
  }),
]);

/**
 * `GET /api/v1/auth/sign-in-methods` (no sign-in needed): whether anyone has an account yet, so the
 * sign-in page offers the username and password first, or the API token while there is nobody.
 * It tells no more than that (no names, no count).
 */
export const signInMethodsSchema = z.object({ accounts: z.boolean() });

export type AuthMe = z.infer<typeof authMeSchema>;
export type SignInMethods = z.infer<typeof signInMethodsSchema>;
export type SignedInWith = z.infer<typeof signedInWithSchema>;
