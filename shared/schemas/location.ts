import { z } from 'zod';
import { idempotencyKeySchema, locationCodeSchema } from './common';

export const locationCreateInput = z.strictObject({
  code: locationCodeSchema,
  name: z.string().trim().min(1, { message: 'a location needs a name' }).max(150),
  sellsOnline: z.boolean().default(true),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const locationSchema = z.object({
  code: z.string(),
  name: z.string(),
  sellsOnline: z.boolean(),
  createdAt: z.string(),
});

export type Location = z.output<typeof locationSchema>;
