/**
 * The Orders screen in words, with product and location NAMES (a person packing an order knows
 * "Shop floor" and a bowl by what it is called; the SKU follows in brackets, since two products can
 * share a name). An order is named by its reference as it is: a channel's reference already says
 * "Shopify order #1042" (shared/domain/order-reference.ts), so nothing here puts the channel in
 * front of it again.
 */
import { CHANNEL_LABEL, shippedByChannel } from '../../shared/domain/order-reference';
import type { Channel } from '../../shared/schemas/channels';
import type { Reservation, SettledBy } from '../../shared/schemas/stock';
import { formatQuantity } from './format';
import { productLabel } from './stock-text';

type Line = Pick<Reservation, 'quantity' | 'title' | 'sku' | 'locationName'>;
type OrderLine = Line & Pick<Reservation, 'reference'>;

const STOCKFEED = 'Stockfeed (app or API)';

function units(line: Line): string {
  return `${formatQuantity(line.quantity)} × ${productLabel(line)}`;
}

/** One line of an order: "2 × Stoneware bowl (BOWL-1) at Shop floor". */
export function lineText(line: Line): string {
  return `${units(line)} at ${line.locationName}`;
}

/** "leave" or "leaves", "they are" or "it is": most channel orders are for one unit. */
function verb(line: Line, many: string, one: string): string {
  return line.quantity === 1 ? one : many;
}

/** What Fulfil does, asked before it is done. */
export function fulfilQuestion(line: OrderLine): { title: string; body: string } {
  return {
    title: `Fulfil ${line.reference}?`,
    body:
      `${units(line)} ${verb(line, 'leave', 'leaves')} ${line.locationName} as a sale: on hand there goes down by ${formatQuantity(line.quantity)}, ` +
      `and ${verb(line, 'they are', 'it is')} no longer held for ${line.reference}. You can undo this afterwards.`,
  };
}

/** What Release does, asked before it is done. */
export function releaseQuestion(line: OrderLine): string {
  return (
    `The ${units(line)} held at ${line.locationName} for ${line.reference} ${verb(line, 'become', 'becomes')} available to sell again. ` +
    'Do this when the order was cancelled.'
  );
}

export function fulfilledNotice(line: OrderLine): string {
  return `Shipped ${units(line)} from ${line.locationName} for ${line.reference}.`;
}

export function releasedNotice(line: OrderLine): string {
  return `Released ${units(line)} at ${line.locationName}; the units are available again.`;
}

export function undoneNotice(line: OrderLine): string {
  return `Undone: ${units(line)} ${verb(line, 'are', 'is')} back on hand at ${line.locationName}, held for ${line.reference} again.`;
}

/** Where an order came from. */
export function orderSource(channel: Channel | null): string {
  return channel ? CHANNEL_LABEL[channel] : STOCKFEED;
}

/** Who fulfilled, released or expired an order. */
export function settledByText(settledBy: SettledBy | null): string {
  switch (settledBy) {
    case 'shopify':
    case 'woocommerce':
      return CHANNEL_LABEL[settledBy];
    case 'stockfeed':
      return STOCKFEED;
    case 'expiry':
      return 'Reservation expired';
    case null:
      return 'Not recorded';
  }
}

/** Undo is offered where the core allows it: a shipment made in Stockfeed, not one a channel reported. */
export function canUndoFulfil(line: Pick<Reservation, 'status' | 'channel' | 'settledBy'>): boolean {
  return line.status === 'fulfilled' && shippedByChannel(line) === null;
}

const SETTLED_VERB = { fulfilled: 'Fulfilled', released: 'Released', expired: 'Expired' } as const;

/** How an order was settled, and by whom: "Fulfilled by Shopify", "Released by Stockfeed (app or API)". */
export function settlementText(order: { status: keyof typeof SETTLED_VERB; settledBy: SettledBy | null }): string {
  if (order.status === 'expired' || order.settledBy === 'expiry') return 'Expired: nobody shipped it in time';
  if (order.settledBy === null) return `${SETTLED_VERB[order.status]} (by whom was not recorded then)`;
  return `${SETTLED_VERB[order.status]} by ${settledByText(order.settledBy)}`;
}
