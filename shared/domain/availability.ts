/**
 * The one availability rule. The Merchant feed, the JSON-LD, the API's stock answer and the UI all
 * call this, so they agree for a product at a given change-log sequence.
 */

/** Merchant Center values, plus `discontinued` for products that are no longer listed at all. */
export const AVAILABILITIES = ['in_stock', 'out_of_stock', 'backorder', 'preorder', 'discontinued'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

/** schema.org ItemAvailability members, as the full URLs JSON-LD needs. */
export const SCHEMA_ORG_AVAILABILITY: Record<Availability, string> = {
  in_stock: 'https://schema.org/InStock',
  out_of_stock: 'https://schema.org/OutOfStock',
  backorder: 'https://schema.org/BackOrder',
  preorder: 'https://schema.org/PreOrder',
  discontinued: 'https://schema.org/Discontinued',
};

export type AvailabilityFacts = {
  status: 'active' | 'archived' | 'discontinued';
  allowBackorder: boolean;
  /** YYYY-MM-DD, or null. */
  preorderDate: string | null;
  /** The product's own buffer; null means the shop-wide buffer applies. */
  bufferStock: number | null;
  /** Available (on hand − committed) summed over the locations that sell online. */
  onlineAvailable: number;
  shopBufferStock: number;
  /** YYYY-MM-DD of the earliest open incoming stock, when known. */
  earliestIncoming?: string | null;
  /**
   * Days until a backordered item ships when no incoming stock is dated: Merchant Center needs an
   * availability_date for every backorder, so the shop's usual lead time stands in.
   */
  backorderLeadDays?: number;
  /** Today, YYYY-MM-DD (UTC); passed in so the rule stays pure and testable. */
  today: string;
};

export type AvailabilityVerdict = {
  availability: Availability;
  /** Merchant `availability_date` / schema.org `availabilityStarts` for preorder and backorder. */
  availabilityDate: string | null;
  /**
   * Ads are paused (excluded_destination / pause) when the item is out of stock because it is at
   * or below its buffer: that is what protects the shop from overselling across channels.
   */
  adsPaused: boolean;
  /** Listed in the feed and the sitemap (archived and discontinued products are not). */
  listed: boolean;
  /** The buffer that applied. */
  buffer: number;
};

export function decideAvailability(f: AvailabilityFacts): AvailabilityVerdict {
  const buffer = f.bufferStock ?? f.shopBufferStock;
  if (f.status !== 'active') {
    return { availability: 'discontinued', availabilityDate: null, adsPaused: true, listed: false, buffer };
  }
  if (f.preorderDate && f.preorderDate > f.today) {
    return { availability: 'preorder', availabilityDate: f.preorderDate, adsPaused: false, listed: true, buffer };
  }
  if (f.onlineAvailable > buffer) {
    return { availability: 'in_stock', availabilityDate: null, adsPaused: false, listed: true, buffer };
  }
  if (f.allowBackorder) {
    const date = f.earliestIncoming ?? addDays(f.today, f.backorderLeadDays ?? DEFAULT_BACKORDER_LEAD_DAYS);
    return { availability: 'backorder', availabilityDate: date, adsPaused: false, listed: true, buffer };
  }
  return { availability: 'out_of_stock', availabilityDate: null, adsPaused: true, listed: true, buffer };
}

export const DEFAULT_BACKORDER_LEAD_DAYS = 14;

/** YYYY-MM-DD plus whole days, in UTC. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function utcToday(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
