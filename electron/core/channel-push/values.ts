/**
 * What each channel is told about a product: its **online quantity** — the figure the feed decides
 * availability on (available at the locations that sell online, minus the buffer, never below
 * zero; nothing for an archived or discontinued product) — in the shape the channel expects.
 *
 *  - Shopify keeps a quantity per location: each mapped Shopify location gets the available stock
 *    of the Stockfeed locations mapped to it (those that sell online), and the buffer is taken from
 *    the largest of them first, so the shop's total is the online quantity. Selling past zero
 *    (backorder, preorder) is the variant's own "Continue selling when out of stock" in Shopify.
 *  - WooCommerce gets the quantity with `manage_stock`, `backorders` ("notify" for a product that
 *    takes backorders or preorders, else "no") and the `stock_status` WooCommerce itself derives
 *    from them (instock above zero, else onbackorder or outofstock).
 *  - Google gets what its listing shows: availability (with its date for backorder and preorder),
 *    price and sale price — never a quantity, so a change that keeps availability the same sends nothing.
 */
import { currencyDigits } from '../../../shared/domain/money';
import type { Availability } from '../../../shared/domain/availability';
import { availabilityVerdict, type LevelFigures, type ProductFacts, type SummaryContext } from '../stock/stock-summary';
import { bool, num } from '../util/db-helpers';

/** A product as the value rules read it. */
export type ProductRow = ProductFacts & { sku: string; price_minor: number | string; sale_price_minor: number | string | null; currency: string };

/** Shopify: available per Shopify location gid. */
export type ShopifyValue = { levels: Record<string, number> };
/** WooCommerce derives `stock_status` from these two (it is sent too, but not compared: a shop's own threshold may word it differently). */
export type WooValue = { quantity: number; backorders: 'no' | 'notify' };
export type GooglePrice = { amountMicros: string; currencyCode: string };
export type GoogleAvailability = 'IN_STOCK' | 'OUT_OF_STOCK' | 'BACKORDER' | 'PREORDER';
export type GoogleValue = { availability: GoogleAvailability; availabilityDate: string | null; price: GooglePrice; salePrice: GooglePrice | null };
export type ChannelValue = ShopifyValue | WooValue | GoogleValue;

/** The online quantity: available online minus the buffer, never below zero; 0 unless the product is active. */
export function onlineQuantity(product: ProductRow, levels: LevelFigures[], ctx: SummaryContext, today?: string): number {
  const verdict = availabilityVerdict(product, levels, ctx, today);
  if (product.status !== 'active') return 0;
  return Math.max(0, verdict.onlineAvailable - verdict.buffer);
}

/**
 * Shopify's quantity per location. `locations` maps Stockfeed location codes to Shopify location
 * gids; `single` is the shop's only location, used when nothing is mapped.
 */
export function shopifyValue(product: ProductRow, levels: LevelFigures[], ctx: SummaryContext, locations: Record<string, string>, single: string | null, today?: string): ShopifyValue {
  const targets = new Set(Object.values(locations));
  if (targets.size === 0 && single) targets.add(single);
  const out: Record<string, number> = Object.fromEntries([...targets].map((gid) => [gid, 0]));
  if (product.status !== 'active') return { levels: out };
  for (const level of levels) {
    const location = ctx.locations.cachedById(level.location_id);
    // An unknown location (added by another process a moment ago) sells online, as in the feed.
    if (location && !location.sellsOnline) continue;
    const gid = Object.keys(locations).length === 0 ? single : location ? locations[location.code] : undefined;
    if (!gid) continue;
    out[gid] = (out[gid] ?? 0) + num(level.on_hand) - num(level.committed);
  }
  for (const gid of Object.keys(out)) out[gid] = Math.max(0, out[gid] as number);
  let buffer = availabilityVerdict(product, levels, ctx, today).buffer;
  for (const gid of Object.keys(out).sort((a, b) => (out[b] as number) - (out[a] as number) || a.localeCompare(b))) {
    if (buffer <= 0) break;
    const take = Math.min(buffer, out[gid] as number);
    out[gid] = (out[gid] as number) - take;
    buffer -= take;
  }
  return { levels: out };
}

export function wooValue(product: ProductRow, levels: LevelFigures[], ctx: SummaryContext, today?: string): WooValue {
  const verdict = availabilityVerdict(product, levels, ctx, today);
  const quantity = onlineQuantity(product, levels, ctx, today);
  const takesOrders = product.status === 'active' && (verdict.availability === 'preorder' || bool(product.allow_backorder));
  return { quantity, backorders: takesOrders ? 'notify' : 'no' };
}

const GOOGLE_AVAILABILITY: Record<Availability, GoogleAvailability> = {
  in_stock: 'IN_STOCK',
  out_of_stock: 'OUT_OF_STOCK',
  backorder: 'BACKORDER',
  preorder: 'PREORDER',
  // Archived and discontinued products leave the feed; until Google drops them, they sell nothing.
  discontinued: 'OUT_OF_STOCK',
};

/** Minor units to Google's micros: 12.50 EUR (1250) is 12500000. */
export function micros(minor: number | string, currency: string): GooglePrice {
  return { amountMicros: (BigInt(num(minor)) * 10n ** BigInt(6 - currencyDigits(currency))).toString(), currencyCode: currency };
}

export function googleValue(product: ProductRow, levels: LevelFigures[], ctx: SummaryContext, today?: string): GoogleValue {
  const verdict = availabilityVerdict(product, levels, ctx, today);
  const availability = GOOGLE_AVAILABILITY[verdict.availability];
  const dated = availability === 'BACKORDER' || availability === 'PREORDER';
  return {
    availability,
    availabilityDate: dated && verdict.availabilityDate ? `${verdict.availabilityDate}T00:00:00Z` : null,
    price: micros(product.price_minor, product.currency),
    salePrice: product.sale_price_minor === null ? null : micros(product.sale_price_minor, product.currency),
  };
}

/** A product Google must stop advertising: sent at once, whatever the day's budget. */
export function unsellable(value: GoogleValue): boolean {
  return value.availability === 'OUT_OF_STOCK';
}

/** Values compare by their JSON with sorted keys (they come back from the database as JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && canonical(a) === canonical(b);
}

export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}

const AVAILABILITY_WORDS: Record<GoogleAvailability, string> = { IN_STOCK: 'in stock', OUT_OF_STOCK: 'out of stock', BACKORDER: 'backorder', PREORDER: 'preorder' };

function money(price: GooglePrice): string {
  const digits = currencyDigits(price.currencyCode);
  const scaled = BigInt(price.amountMicros) / 10n ** BigInt(6 - digits);
  const text = scaled.toString().padStart(digits + 1, '0');
  return `${digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text} ${price.currencyCode}`;
}

/**
 * A value as a person reads it in the push log and the drift report. `names` turns a Shopify
 * location gid into its name.
 */
export function describeValue(value: unknown, names: (gid: string) => string = (gid) => gid.replace(/^gid:\/\/shopify\/Location\//, '#')): string {
  if (value === null || value === undefined || typeof value !== 'object') return '—';
  const v = value as Partial<ShopifyValue & WooValue & GoogleValue>;
  if (v.levels) {
    const entries = Object.entries(v.levels);
    if (entries.length === 1) return String(entries[0]?.[1]);
    const total = entries.reduce((sum, [, n]) => sum + n, 0);
    return `${total} (${entries.map(([gid, n]) => `${names(gid)}: ${n}`).join(', ')})`;
  }
  if (v.quantity !== undefined) return `${v.quantity}${v.backorders === 'notify' ? ', backorders allowed' : ''}`;
  if (v.availability) {
    const parts = [AVAILABILITY_WORDS[v.availability] + (v.availabilityDate ? ` from ${v.availabilityDate.slice(0, 10)}` : '')];
    if (v.price) parts.push(money(v.price));
    if (v.salePrice) parts.push(`sale ${money(v.salePrice)}`);
    return parts.join(', ');
  }
  return '—';
}
