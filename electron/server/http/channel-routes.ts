/**
 * Webhook endpoints for sales channels. They take the raw body (the signature covers the exact
 * bytes), check the channel's HMAC-SHA256 signature in constant time before anything is parsed,
 * and authenticate by that signature alone: a shop cannot send Stockfeed's API token.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import type { Channel } from '../../../shared/schemas/channels';
import type { Core } from '../../core/core';
import { CHANNEL_LABEL, parseWebhookBody, shopifyEvent, wooEvent, type ChannelEvent } from '../../core/channels/channel-events';
import { verifyBase64Hmac } from '../../core/channels/signature';
import { channelRateLimit, type RateLimitOptions } from './hardening';
import { API_PREFIX } from './routes';
import { PUBLIC_ROUTE } from './route-auth';

/** Orders can be large (hundreds of lines with metadata); 2 MB is twice the API's default. */
export const CHANNEL_BODY_LIMIT = 2 * 1024 * 1024;

type ChannelSpec = {
  channel: Channel;
  signature: string;
  topic: string;
  delivery: string;
  /** The key a redelivery repeats; see SPECS. */
  deliveryKey(header: string, raw: Buffer): string;
  parse(topic: string, body: unknown): ChannelEvent;
};

const bodyHash = (raw: Buffer) => createHash('sha256').update(raw).digest('base64url');

/**
 * Shopify's X-Shopify-Webhook-Id is unique per event and repeated on every retry. WooCommerce's
 * X-WC-Webhook-Delivery-ID is a hash of the webhook id and the current second, so two different
 * orders updated in the same second share it: there the body's hash joins the key, and a true
 * redelivery (the same body) still matches.
 */
const SPECS: ChannelSpec[] = [
  {
    channel: 'shopify',
    signature: 'x-shopify-hmac-sha256',
    topic: 'x-shopify-topic',
    delivery: 'x-shopify-webhook-id',
    deliveryKey: (header) => header,
    parse: shopifyEvent,
  },
  {
    channel: 'woocommerce',
    signature: 'x-wc-webhook-signature',
    topic: 'x-wc-webhook-topic',
    delivery: 'x-wc-webhook-delivery-id',
    deliveryKey: (header, raw) => `${header.slice(0, 128)}:${bodyHash(raw)}`,
    parse: wooEvent,
  },
];

export const channelPath = (channel: Channel) => `${API_PREFIX}/channels/${channel}/orders`;

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.trim() !== '' ? first.trim() : null;
}

/** WooCommerce pings a new webhook's URL once with `webhook_id=N`, unsigned, and wants a 200. */
const isWooPing = (raw: Buffer) => raw.length < 64 && /^webhook_id=\d+$/.test(raw.toString('latin1'));

export async function registerChannelRoutes(app: FastifyInstance, core: Pick<Core, 'settings' | 'orders'>, limits: RateLimitOptions | false): Promise<void> {
  // A scope of its own, so the raw-body parser applies to these routes only.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: CHANNEL_BODY_LIMIT }, (_request, body, done) => done(null, body));

    for (const spec of SPECS) {
      const label = CHANNEL_LABEL[spec.channel];
      scope.post(channelPath(spec.channel), { bodyLimit: CHANNEL_BODY_LIMIT, config: { ...PUBLIC_ROUTE, ...channelRateLimit(limits, spec.channel) } }, async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const secret = core.settings.current().channels[spec.channel].secret;
        if (!secret) {
          throw new AppError(
            'unauthorized',
            `${label} orders are not set up: save the ${label} webhook secret in Settings (channels.${spec.channel}.secret) first`,
          );
        }
        const signature = header(request, spec.signature);
        if (!signature && spec.channel === 'woocommerce' && isWooPing(raw)) return { ok: true, ping: true };
        if (!signature) throw new AppError('unauthorized', `The ${spec.signature} header is missing; ${label} signs every webhook with it`);
        if (!verifyBase64Hmac(raw, secret, signature)) {
          throw new AppError('unauthorized', `The ${spec.signature} signature does not match the body; check that the ${label} secret in Settings is the one ${label} signs with`);
        }
        const topic = header(request, spec.topic);
        if (!topic) throw new AppError('bad_request', `The ${spec.topic} header is missing`);
        const event = spec.parse(topic.slice(0, 64), parseWebhookBody(raw));
        const delivery = header(request, spec.delivery);
        return core.orders.receive(event, delivery ? spec.deliveryKey(delivery, raw) : null);
      });
    }
  });
}
