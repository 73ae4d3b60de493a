/**
 * How an order from a sales channel is named: `Shopify order #1042`, `WooCommerce order #727`.
 * The core composes the name once, when the webhook arrives, and it is the order's reference from
 * then on (reservations, sale movements, exceptions, the webhook's answer). Screens show the
 * reference as it is: it already names the channel, so putting the channel in front of it again
 * reads "Shopify order Shopify order #1042".
 */
import type { Channel } from '../schemas/channels';

export const CHANNEL_LABEL: Record<Channel, string> = { shopify: 'Shopify', woocommerce: 'WooCommerce' };

/** Order references are stored with reservations, which hold at most 200 characters. */
const REFERENCE_MAX = 200;

/**
 * The reference of a channel's order from the order's own name or number (`#1042`, `727`, as the
 * channel gives it): a bare number gets a `#`; a name that already names the channel is kept.
 */
export function channelOrderReference(channel: Channel, name: string | number | bigint): string {
  const text = String(name).trim();
  const prefix = `${CHANNEL_LABEL[channel]} order `;
  if (text.startsWith(prefix)) return text.slice(0, REFERENCE_MAX);
  const shown = /^\d+$/.test(text) ? `#${text}` : text;
  return `${prefix}${shown}`.slice(0, REFERENCE_MAX);
}

/**
 * The channel that shipped a fulfilled reservation, when one did: its shipment is the channel's to
 * take back (a refund with restock), or Stockfeed and the channel would disagree about the order.
 * One settled before Stockfeed recorded who settled it counts as its channel's when it has one.
 */
export function shippedByChannel(reservation: { channel: Channel | null; settledBy: string | null }): Channel | null {
  const by = reservation.settledBy ?? reservation.channel;
  return by === 'shopify' || by === 'woocommerce' ? by : null;
}
