import { z } from 'zod';
import { uuidSchema } from './common';

/**
 * The roles of the people who sign in to a shop's server, least first: a viewer reads, staff also
 * change products and stock, the owner does everything (settings, secrets, people, the API token).
 * The API token acts as the owner.
 */
export const ROLES = ['viewer', 'staff', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES, { message: 'role is viewer, staff or owner' });

/** Whether `role` may do what needs `required` (each role may do everything of the ones below it). */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** Password limits: NIST SP 800-63B's minimum of 8, and a maximum far above any passphrase. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/**
 * A sign-in name: compared without regard to case (kept in lower case), so `Anna` and `anna` are
 * one person; letters, digits and `.`, `_`, `-`, `@` (an e-mail address works), 1–64 characters.
 */
export const usernameSchema = z
  .string({ error: 'username is required' })
  .trim()
  .toLowerCase()
  .min(1, 'username must not be empty')
  .max(64, 'username is at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._@-]*$/, 'username may hold letters, digits and . _ - @, and starts with a letter or digit');

export const passwordSchema = z
  .string({ error: 'password is required' })
  .min(PASSWORD_MIN, `password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `password is at most ${PASSWORD_MAX} characters`);

/** A person as the API shows them; the password hash never leaves the core. */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  passwordChangedAt: z.string(),
});

/** Who a signed-in browser belongs to (in `GET /auth/me`). */
export const userRefSchema = userSchema.pick({ id: true, username: true, role: true });

export const userCreateInput = z.strictObject({
  username: usernameSchema,
  role: roleSchema,
  password: passwordSchema,
});

export const userUpdateInput = z.strictObject({
  id: uuidSchema,
  role: roleSchema.optional(),
  /** A new password; every session of this person ends with the old one. */
  password: passwordSchema.optional(),
});

export const userIdInput = z.strictObject({ id: uuidSchema });

export const userListSchema = z.object({ users: z.array(userSchema) });
export const userDeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });

export type User = z.infer<typeof userSchema>;
export type UserRef = z.infer<typeof userRefSchema>;
