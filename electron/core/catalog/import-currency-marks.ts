/**
 * Prices written with their currency, as a spreadsheet saves a cell formatted as currency
 * ("€12.50", "12,50 €", "12.50 EUR", "$ 1,234.00"), or with thousands grouped by commas
 * ("1,234.50"): the amount is taken when the sign or code is the row's currency (its currency
 * cell, else the shop's), and refused in words when it is another.
 * Only a cell that is not already a plain amount comes here, so a file of plain prices pays
 * nothing for it.
 */
import { normaliseAmount, type DecimalMark } from '../../../shared/csv/csv-format';
import { DECIMAL_PATTERN, isCurrencyCode } from '../../../shared/domain/money';

/** The currencies a sign can stand for; a sign several currencies share is taken for any of them. */
const SIGNS: Readonly<Record<string, readonly string[]>> = {
  '€': ['EUR'],
  '£': ['GBP'],
  $: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN'],
  US$: ['USD'],
  '¥': ['JPY', 'CNY'],
  kr: ['SEK', 'NOK', 'DKK', 'ISK'],
  'kr.': ['SEK', 'NOK', 'DKK', 'ISK'],
  zł: ['PLN'],
  Kč: ['CZK'],
  'Fr.': ['CHF'],
};

const MARK = String.raw`US\$|[€£$¥]|kr\.?|zł|Kč|Fr\.|[A-Za-z]{3}`;
const MARKED = new RegExp(String.raw`^\s*(?:(${MARK})\s*)?(\d[\d.,' \u00a0\u202f]*)\s*(?:(${MARK}))?\s*$`);

/**
 * Thousands grouped with commas before a decimal point: 1,234.50. Without the point ("1,500") the
 * comma could be a decimal comma, so that is left to the schema to refuse.
 */
const POINT_GROUPED = /^\d{1,3}(?:,\d{3})+\.\d+$/;

export type Unmarked = { amount: string; problem?: undefined } | { problem: string; amount?: undefined };

/**
 * The amount of a cell written with a currency sign or code (or grouped thousands), or null when the cell is not one
 * (then the schema says what is wrong with it). `currency` is the row's: its cell, else the shop's
 * (`whose` says which, for the problem).
 */
export function unmarkAmount(cell: string, decimal: DecimalMark, currency: string, whose: 'the row' | 'the shop'): Unmarked | null {
  const match = MARKED.exec(cell);
  if (!match) return null;
  const [, before, number, after] = match;
  const mark = before ?? after;
  if (before !== undefined && after !== undefined) return null;
  if (mark === undefined) {
    // No currency, but thousands grouped as Excel's number format writes them: "1,234.50".
    const grouped = decimal === 'point' && POINT_GROUPED.test((number as string).trim()) ? (number as string).trim().replaceAll(',', '') : null;
    return grouped === null ? null : { amount: grouped };
  }
  const code = mark.toUpperCase();
  const currencies = SIGNS[mark] ?? (/^[A-Z]{3}$/.test(code) && isCurrencyCode(code) ? [code] : null);
  if (currencies === null) return null;
  const digits = (number as string).trim();
  const amount = decimal === 'point' && POINT_GROUPED.test(digits) ? digits.replaceAll(',', '') : normaliseAmount(digits, decimal).trim();
  if (!DECIMAL_PATTERN.test(amount)) return null;
  if (!currencies.includes(currency)) {
    return {
      problem:
        `"${cell.trim()}" is in ${currencies.length === 1 ? currencies[0] : `${mark} (${currencies.join(', ')})`}, but ${whose}'s currency is ${currency}` +
        `${whose === 'the shop' ? ' (the row gives none)' : ''}; write the amount without the currency sign, and its currency in the currency column`,
    };
  }
  return { amount };
}
