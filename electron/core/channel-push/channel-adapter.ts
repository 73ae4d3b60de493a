/**
 * What the pusher, Connect and the drift check need of a channel. One adapter per channel
 * (shopify-channel.ts, woocommerce-channel.ts, google-channel.ts) turns these calls into that
 * channel's API; everything else — the outbox, coalescing, retries, leases, the mapping table and
 * the reports — is shared.
 */
import type { PushChannel } from '../../../shared/schemas/channel-push';
import type { LevelFigures, SummaryContext } from '../stock/stock-summary';
import type { ChannelError } from './channel-http';
import type { ProductRow } from './values';

/** A product's item in the channel, as the mapping table keeps it. */
export type ChannelItem = {
  productId: string;
  sku: string;
  externalId: string;
  parentId: string | null;
  /** What else addresses the item (Google: content language and feed label). */
  external: Record<string, unknown> | null;
  /** What the channel shows as far as Stockfeed knows (null: never read). */
  known: unknown;
};

/** An item the channel holds, found by SKU (lookup) or in its catalogue (Connect). */
export type FoundItem = {
  /** The SKU as the channel spells it. */
  sku: string;
  externalId: string;
  parentId: string | null;
  external: Record<string, unknown> | null;
  title: string | null;
  /** The value it shows now. */
  known: unknown;
  /** Why a push to it would fail (not tracked, not stocked at a mapped location), or null. */
  problem: string | null;
};

/** The channel's catalogue: every item (with or without a SKU), and its locations (Shopify). */
export type Catalogue = { items: FoundItem[]; locations: Array<{ id: string; name: string }> };

export type SendItem = { item: ChannelItem; value: unknown };

export type SendOutcome =
  | {
      productId: string;
      ok: true;
      /** What the channel now shows (what was sent, unless it says otherwise). */
      value: unknown;
      /** A compare-and-swap found another value in the channel first: what it was. */
      drift: unknown;
      /** Echo slots written ("location gid" → quantity) for telling our own webhooks from others'. */
      slots: Array<{ slot: string; value: number | null }>;
    }
  | { productId: string; ok: false; error: string };

/** The outcomes of the items that were settled, and the channel failure that stopped the rest. */
export type SendResult = { outcomes: SendOutcome[]; calls: number; stopped: ChannelError | null };

export type ChannelAdapter = {
  channel: PushChannel;
  /** How many units of `weight` one call carries (Shopify: 250 quantities; WooCommerce: 100 items). */
  capacity: number;
  weight(value: unknown): number;
  /** Reads what the values depend on in the channel (Shopify's locations, kept a few minutes); throws a ChannelError. */
  prepare(signal: AbortSignal): Promise<void>;
  value(product: ProductRow, levels: LevelFigures[], ctx: SummaryContext): unknown;
  /** Finds items by SKU (products that are not mapped yet): one entry per SKU found exactly once. */
  lookup(skus: string[], signal: AbortSignal): Promise<{ found: Map<string, FoundItem>; duplicates: Set<string>; calls: number }>;
  /** Sends a batch; `key` is derived from the batch's pushes and their sequence numbers. */
  send(items: SendItem[], key: string, signal: AbortSignal): Promise<SendResult>;
  /** Items per `read` call (default 1,000). */
  readBatch?: number;
  /** What the channel shows now for mapped items (the drift check), by product id. */
  read(items: ChannelItem[], signal: AbortSignal): Promise<Map<string, unknown>>;
  catalogue(signal: AbortSignal): Promise<Catalogue>;
  /** Google: whether to send now, or the time to wait until (the day's budget is spent). */
  decide?(item: ChannelItem & { sendsToday: number }, value: unknown): 'send' | { waitUntil: string };
  /** Shopify: a location gid as a person reads it. */
  describeSlot?(slot: string): string;
};
