/**
 * Money is kept as integer minor units (cents) with an ISO 4217 code, and travels as a decimal
 * string ("12.50"). Floats never carry money: 0.1 + 0.2 is not 0.3.
 */

import { MONEY_MAX_MINOR } from './limits';

let knownCurrencies: Set<string> | undefined;

/** Whether the code is an ISO 4217 currency the runtime knows (Intl's list, no table of our own). */
export function isCurrencyCode(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies.has(code);
}

const digitsOf = new Map<string, number>();

/** How many digits after the decimal point the currency uses: 2 for EUR, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  // Cached: building an Intl.NumberFormat costs ~40 µs, and every amount read or written asks.
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

/** How many digits MONEY_MAX_MINOR has. */
const MONEY_MAX_DIGITS = String(MONEY_MAX_MINOR).length;

/** A decimal amount as written; its size is checked against MONEY_MAX_MINOR by `amountProblem`. */
export const DECIMAL_PATTERN = /^\d{1,18}(\.\d{1,6})?$/;

/** Why a decimal string is not a valid amount in the currency, or null when it is. */
export function amountProblem(value: string, currency: string): string | null {
  if (!DECIMAL_PATTERN.test(value)) return `"${value}" is not an amount; write it like 12.50`;
  const digits = currencyDigits(currency);
  const [whole = '0', fraction = ''] = value.split('.');
  if (fraction.length > digits && fraction.replace(/0+$/, '').length > digits) {
    return digits === 0
      ? `${currency} has no minor unit; write ${whole} without decimals`
      : `${currency} has ${digits} decimals at most; "${value}" has ${fraction.length}`;
  }
  // An amount of fewer digits in minor units than the limit is below it: no BigInts for an
  // ordinary price (an import checks 100,000 of them; amountProblem was ≈ 0.5 % of its profile).
  if (whole.length + digits < MONEY_MAX_DIGITS) return null;
  // In BigInt: the amount may be far past what a number holds exactly.
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0').slice(0, digits) || '0');
  if (minor > BigInt(MONEY_MAX_MINOR)) {
    return `"${value}" is more than Stockfeed can store: ${fromMinorUnits(MONEY_MAX_MINOR, currency)} ${currency} at most`;
  }
  return null;
}

/** "12.5" in EUR → 1250. The caller has checked the value with amountProblem. */
export function toMinorUnits(value: string, currency: string): number {
  const digits = currencyDigits(currency);
  const [whole = '0', fraction = ''] = value.split('.');
  const padded = (fraction + '0'.repeat(digits)).slice(0, digits);
  return Number(whole) * 10 ** digits + (digits > 0 ? Number(padded) : 0);
}

/**
 * 1250 in EUR → "12.50"; 1250 in JPY → "1250". A bigint (a sum past 2^53) is written exactly; a
 * number that is not a safe integer is refused rather than printed rounded.
 */
export function fromMinorUnits(minor: number | bigint, currency: string): string {
  const digits = currencyDigits(currency);
  if (typeof minor === 'bigint') {
    if (digits === 0) return minor.toString();
    const abs = minor < 0n ? -minor : minor;
    const scale = 10n ** BigInt(digits);
    return `${minor < 0n ? '-' : ''}${abs / scale}.${(abs % scale).toString().padStart(digits, '0')}`;
  }
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} minor units is not a whole number Stockfeed can hold exactly`);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** digits;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
}
