import { createHmac } from 'node:crypto';

/** Header names of an outgoing webhook request (documented in the README's Webhooks section). */
export const WEBHOOK_HEADERS = {
  eventId: 'Stockfeed-Event-Id',
  eventType: 'Stockfeed-Event-Type',
  timestamp: 'Stockfeed-Timestamp',
  signature: 'Stockfeed-Signature',
} as const;

/**
 * `v1=` + hex HMAC-SHA256 of "<timestamp>.<raw body>" with the subscription's secret. Signing the
 * timestamp with the body lets a receiver refuse replays of an old request.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}
