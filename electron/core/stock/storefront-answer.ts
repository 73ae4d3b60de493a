import type { StorefrontAvailability } from '../../../shared/schemas/availability';
import type { availabilityVerdict } from './stock-summary';

/**
 * A storefront's answer for a SKU from the availability rule's verdict: what the read cache holds,
 * whether the database was read for it (availability-reader.ts) or the stock engine worked it out
 * from what it was about to commit (availability-events.ts).
 */
export function storefrontAnswer(sku: string, verdict: ReturnType<typeof availabilityVerdict>): StorefrontAvailability {
  return {
    sku,
    available: verdict.listed ? Math.max(0, verdict.onlineAvailable - verdict.buffer) : 0,
    availability: verdict.availability,
    availabilityDate: verdict.availabilityDate,
  };
}
