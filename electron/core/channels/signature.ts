import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a base64 HMAC-SHA256 of the raw body (how Shopify and WooCommerce sign webhooks) in
 * constant time. The header is decoded first, so padding or whitespace variants of the same digest
 * compare equal, and a header of the wrong length is refused without comparing.
 */
export function verifyBase64Hmac(rawBody: Buffer, secret: string, header: string): boolean {
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const trimmed = header.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return false;
  const presented = Buffer.from(trimmed, 'base64');
  if (presented.length !== expected.length) return false;
  return timingSafeEqual(presented, expected);
}

/** The signature a channel would send for `rawBody`; used by tests, the bench and the README snippet. */
export function signBase64Hmac(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}
