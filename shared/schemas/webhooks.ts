import { z } from 'zod';
import { CHANGE_TYPES } from './changes';
import { httpUrlSchema, limitSchema, skuSchema, uuidSchema } from './common';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'parked'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** Failures before a delivery is parked, unless a subscription says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 10;
/** How long a receiver has to answer, unless a subscription says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

const eventTypesSchema = z
  .array(z.enum(CHANGE_TYPES, { error: `event type must be one of ${CHANGE_TYPES.join(', ')}` }))
  .max(CHANGE_TYPES.length)
  .transform((types) => [...new Set(types)]);

/** At least 16 characters so that a guessable secret is refused; printable ASCII. */
const secretSchema = z
  .string()
  .min(16, { message: 'secret must be at least 16 characters' })
  .max(200, { message: 'secret is at most 200 characters' })
  .regex(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' });

const maxAttemptsSchema = z.number().int().min(1, { message: 'maxAttempts is at least 1' }).max(50, { message: 'maxAttempts is at most 50' });
const timeoutMsSchema = z.number().int().min(100, { message: 'timeoutMs is at least 100' }).max(60_000, { message: 'timeoutMs is at most 60000' });

export const webhookCreateInput = z.strictObject({
  url: httpUrlSchema,
  /** Change types to deliver; empty means every type. */
  eventTypes: eventTypesSchema.default([]),
  /** Generated when absent; shown once in the answer to this call and never again. */
  secret: secretSchema.optional(),
  enabled: z.boolean().default(true),
  description: z.string().trim().max(200).default(''),
  maxAttempts: maxAttemptsSchema.default(DEFAULT_MAX_ATTEMPTS),
  timeoutMs: timeoutMsSchema.default(DEFAULT_TIMEOUT_MS),
  idempotencyKey: z.string().max(255).optional(),
});

export const webhookUpdateInput = z.strictObject({
  id: uuidSchema,
  url: httpUrlSchema.optional(),
  eventTypes: eventTypesSchema.optional(),
  /** Replaces the secret (the caller knows the new one; it is never returned). */
  secret: secretSchema.optional(),
  enabled: z.boolean().optional(),
  description: z.string().trim().max(200).optional(),
  maxAttempts: maxAttemptsSchema.optional(),
  timeoutMs: timeoutMsSchema.optional(),
  idempotencyKey: z.string().max(255).optional(),
});

export const webhookIdInput = z.strictObject({ id: uuidSchema });

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.enum(CHANGE_TYPES)),
  enabled: z.boolean(),
  description: z.string(),
  maxAttempts: z.number(),
  timeoutMs: z.number(),
  /** Deliveries waiting to be sent (including ones waiting for a retry). */
  pending: z.number(),
  parked: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Only the answer to `webhooks.create` carries the secret. */
export const webhookCreatedSchema = webhookSchema.extend({ secret: z.string() });

export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) });

export const webhookDeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) });

export const deliveryListInput = z.strictObject({
  subscriptionId: uuidSchema.optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  /** Paging: deliveries with an id below this one (pass the previous page's `next`). */
  before: z.coerce.number({ error: 'before must be a delivery id' }).int().min(1).optional(),
  limit: limitSchema(500, 50),
});

export const deliverySchema = z.object({
  id: z.number(),
  subscriptionId: z.string(),
  /** The change's sequence number: the `Stockfeed-Event-Id` header, for de-duplication. */
  eventId: z.number(),
  eventType: z.enum(CHANGE_TYPES),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  responseCode: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

export const deliveryPageSchema = z.object({
  deliveries: z.array(deliverySchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.number().nullable(),
});

export const deliveryRetryInput = z.strictObject({ id: z.coerce.number({ error: 'id must be a delivery id' }).int().min(1) });

/**
 * Query of `GET /api/v1/events` (Server-Sent Events). `type` may repeat or be a comma list;
 * `since` (or the Last-Event-ID header, which wins) starts with the log after that sequence number.
 */
export const eventsQuery = z.strictObject({
  since: z.coerce.number({ error: 'since must be a sequence number' }).int().min(0).optional(),
  type: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(CHANGE_TYPES, { error: `type must be one of ${CHANGE_TYPES.join(', ')}` })))
    .optional(),
  sku: skuSchema.optional(),
  /** Only for EventSource, which cannot send an Authorization header; checked by the server's auth hook. */
  token: z.string().optional(),
});

export type Webhook = z.output<typeof webhookSchema>;
export type WebhookDelivery = z.output<typeof deliverySchema>;
export type EventsQuery = z.output<typeof eventsQuery>;
