/**
 * The webhooks a channel sends back when a quantity changes — including the changes Stockfeed made
 * itself (the "echo"). Both Shopify and WooCommerce sign the raw body with HMAC-SHA256 and send the
 * digest base64-encoded, so a receiver must verify the bytes it received, never a re-serialised copy.
 */
import crypto from 'node:crypto';

/** Base64 HMAC-SHA256 of `body` with `secret` (Shopify's X-Shopify-Hmac-Sha256, WooCommerce's X-WC-Webhook-Signature). */
export function hmacBase64(secret: string, body: string): string {
  return crypto.createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

/** Constant-time check of a base64 HMAC header against the raw body. */
export function verifyHmacBase64(secret: string, body: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(hmacBase64(secret, body), 'base64');
  const given = Buffer.from(signature, 'base64');
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export type EchoDelivery = {
  topic: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The receiver's status, or 0 when the request failed (`error` says why). */
  status: number;
  error?: string;
  at: number;
};

export type EchoSender = {
  /** Where echoes go; null sends none (the default). */
  url: string | null;
  deliveries: EchoDelivery[];
  /** Sends one webhook in the background, as the channels do after the change is committed. */
  send(topic: string, headers: Record<string, string>, body: string): void;
  /** Resolves once every webhook sent so far has been answered (or failed). */
  settled(): Promise<void>;
};

export function createEchoSender(): EchoSender {
  const pending = new Set<Promise<void>>();
  const sender: EchoSender = {
    url: null,
    deliveries: [],
    send(topic, headers, body) {
      const url = sender.url;
      if (!url) return;
      const delivery: EchoDelivery = { topic, url, headers, body, status: 0, at: Date.now() };
      sender.deliveries.push(delivery);
      const done = (async () => {
        // After the API's own answer, like a real channel: the echo can never arrive before the response.
        await new Promise((resolve) => setImmediate(resolve));
        try {
          const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
          await response.arrayBuffer();
          delivery.status = response.status;
        } catch (error) {
          delivery.error = error instanceof Error ? error.message : String(error);
        }
      })();
      pending.add(done);
      void done.finally(() => pending.delete(done));
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
  return sender;
}
