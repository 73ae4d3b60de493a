import { z } from 'zod';

export const rotateTokenInput = z.strictObject({});

export const rotateTokenSchema = z.object({
  /** The new API token; the previous one stopped working when this answer was sent. */
  token: z.string(),
  rotatedAt: z.string(),
});
