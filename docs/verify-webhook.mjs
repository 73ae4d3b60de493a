// Verifies a Stockfeed webhook request. Copy this function into your receiver.
// `rawBody` is the request body exactly as received (a Buffer or string, before any JSON parsing);
// `headers` are the request's headers with lower-case names (as Node's http module gives them).
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyStockfeedWebhook(secret, rawBody, headers, toleranceSeconds = 300) {
  const timestamp = headers['stockfeed-timestamp'];
  const signature = headers['stockfeed-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d+$/.test(timestamp)) return false;
  // Refuse old requests, so a captured one cannot be replayed later.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  const match = /^v1=([0-9a-f]{64})$/.exec(signature);
  if (!match) return false;
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}
