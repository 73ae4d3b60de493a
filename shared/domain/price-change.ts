/**
 * Price changes by a percentage, in integer minor units: "+10 %" on 9.99 EUR is 10.99 (10.989
 * rounded to the cent), on 999 JPY it is 1099 (the yen has no minor unit). Rounding is half up, as
 * a shop owner rounds by hand. BigInt inside: a price near the limit times 1,000 % is past 2^53.
 */

/** A percentage with at most two decimals as basis points: 12.5 → 1250, −7.25 → −725. */
export function basisPoints(percent: number): number {
  return Math.round(percent * 100);
}

/** `minor` changed by `percent` (−99.99 to +1000), rounded half up to a whole minor unit. */
export function changeByPercent(minor: number, percent: number): number {
  const factor = 10_000n + BigInt(basisPoints(percent));
  if (factor < 0n) throw new RangeError(`a change of ${percent} % would make a price negative`);
  const scaled = BigInt(minor) * factor;
  // Half up for the non-negative amounts prices are: add half the divisor before dividing.
  return Number((scaled + 5_000n) / 10_000n);
}

/** The price less `percent` (a sale at 20 % off), rounded half up to a whole minor unit. */
export function percentOff(minor: number, percent: number): number {
  return changeByPercent(minor, -percent);
}
