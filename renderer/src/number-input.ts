/**
 * Reads a price or a quantity as a person types it in the shop's locale ("12,50" in Germany,
 * "1 234,50" in France, "1'234.50" in Switzerland) into what the contract carries: a decimal string
 * ("1234.50") or a whole number. The separators come from Intl, so any locale works without a table.
 *
 * The rules, chosen so that a typo is refused rather than read as another figure:
 * - The locale's decimal mark separates the fraction; for money, the currency format's own mark is
 *   taken too (fr-CH writes 1 234,5 but 12.50 €).
 * - Before it, the locale's grouping mark and any space (plain, no-break, narrow no-break) may
 *   separate the digits into the locale's groups: "1.234.567" in de-DE, "12,34,567" in en-IN. An
 *   apostrophe, straight or curly, is the grouping mark where the locale groups with one (de-CH).
 * - "." is also read as the decimal point, the canonical form the API and CSV files use, when it
 *   cannot be the locale's grouping: "12.50" and "1.5" in de-DE are 12.50 and 1.5, but "1.234" is
 *   1234 (the locale wins when both readings are possible).
 * - "," is never guessed to be a decimal comma where the locale groups thousands with it: "1,5" in
 *   en-US is refused, because "1,50" and "1,500" would then differ a thousandfold by one digit.
 * - A sign may lead (-, + or the real minus −); anything else (two decimal marks, grouping after
 *   the decimal mark, letters, exponents) is refused with an example of how to write the number.
 */
import { amountProblem, currencyDigits, isCurrencyCode } from '../../shared/domain/money';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

type Symbols = {
  /** Marks read as the decimal mark (the first is the one written). */
  decimals: string[];
  /** Marks read as grouping (the first is the one written in examples). */
  groups: string[];
  /** The locale's digits, 0 to 9 (Latin for most; Arabic-Indic in ar-EG). */
  digits: string[];
  minus: string;
  /** Digits in the last group and in the ones before it: 3 and 3, or 3 and 2 in en-IN. */
  primary: number;
  secondary: number;
};

const SPACES = [' ', '\u00A0', '\u202F', '\u2009'];
const APOSTROPHES = ["'", '’'];
/** Direction marks Intl puts around figures in right-to-left locales; they carry no meaning here. */
const BIDI_MARKS = /[\u061C\u200E\u200F]/g;

const cache = new Map<string, Symbols>();

function symbols(locale: string | undefined, currency: string | null): Symbols {
  const key = `${locale ?? ''}|${currency ?? ''}`;
  let found = cache.get(key);
  if (found) return found;
  const plain = new Intl.NumberFormat(locale);
  const parts = (currency ? new Intl.NumberFormat(locale, { style: 'currency', currency }) : plain).formatToParts(-1234567890.5);
  const part = (type: string, from = parts) => from.find((p) => p.type === type)?.value;
  const group = part('group') ?? ',';
  const decimals = [part('decimal') ?? '.'];
  const plainDecimal = part('decimal', plain.formatToParts(1.5));
  if (plainDecimal && !decimals.includes(plainDecimal)) decimals.push(plainDecimal);
  let groups = [group, ...SPACES];
  if (APOSTROPHES.includes(group)) groups = [group, ...APOSTROPHES, ...SPACES];
  if (SPACES.includes(group)) groups = [group, ...SPACES];
  groups = [...new Set(groups)].filter((g) => !decimals.includes(g));
  const sizes = parts.filter((p) => p.type === 'integer').map((p) => p.value.length);
  const digitFormat = new Intl.NumberFormat(locale, { useGrouping: false });
  found = {
    decimals,
    groups,
    digits: Array.from({ length: 10 }, (_, d) => digitFormat.format(d)),
    minus: (part('minusSign') ?? '-').replace(BIDI_MARKS, ''),
    primary: sizes.length > 1 ? (sizes[sizes.length - 1] ?? 3) : 3,
    secondary: sizes.length > 2 ? (sizes[sizes.length - 2] ?? 3) : 3,
  };
  cache.set(key, found);
  return found;
}

function quote(text: string): string {
  return `"${text.trim()}"`;
}

function localDigits(ascii: string, s: Symbols): string {
  return ascii.replace(/\d/g, (d) => s.digits[Number(d)] ?? d);
}

function example(s: Symbols, withFraction: boolean): string {
  const decimal = s.decimals[0] ?? '.';
  return localDigits(`1${s.groups[0] ?? ''}234${withFraction ? `${decimal}56` : ''}`, s);
}

/** Digits between grouping marks make the locale's groups (or groups of the primary size throughout). */
function validGroups(runs: string[], s: Symbols): boolean {
  if (runs.length === 1) return (runs[0] ?? '').length > 0;
  const first = runs[0] ?? '';
  const last = runs[runs.length - 1] ?? '';
  const middle = runs.slice(1, -1);
  if (last.length !== s.primary || first.length === 0) return false;
  return [s.secondary, s.primary].some((size) => first.length <= size && middle.every((r) => r.length === size));
}

type Figure = { negative: boolean; whole: string; fraction: string };

/** The figure's sign, whole digits and fraction digits (ASCII), or null when it is not a number. */
function readFigure(text: string, s: Symbols): Figure | null {
  let rest = text.replace(BIDI_MARKS, '').trim();
  let negative = false;
  const sign = rest.charAt(0);
  if (['-', '−', '+', s.minus].includes(sign)) {
    negative = sign !== '+';
    rest = rest.slice(1);
  }
  // Digits of the locale's own numbering system count like 0–9.
  rest = [...rest].map((c) => (s.digits.includes(c) ? String(s.digits.indexOf(c)) : c)).join('');
  const runs: string[] = [];
  const marks: string[] = [];
  for (const piece of rest.split(/(\D)/)) {
    if (/^\d*$/.test(piece)) runs.push(piece);
    else marks.push(piece);
  }
  if (!marks.every((m) => s.decimals.includes(m) || s.groups.includes(m) || m === '.')) return null;
  const grouping = (m: string) => s.groups.includes(m);
  let decimalAt = marks.findIndex((m) => s.decimals.includes(m) || (m === '.' && !grouping('.')));
  if (decimalAt === -1 && marks.includes('.') && !validGroups(runs, s) && marks.filter((m) => m === '.').length === 1) {
    // "12.50" in a locale that groups with dots: not a valid grouping, so the canonical decimal point.
    decimalAt = marks.indexOf('.');
  }
  if (decimalAt !== -1 && decimalAt !== marks.length - 1) return null;
  const wholeRuns = decimalAt === -1 ? runs : runs.slice(0, -1);
  const fraction = decimalAt === -1 ? '' : (runs[runs.length - 1] ?? '');
  if (!wholeRuns.slice(0, -1).every((r) => r.length > 0) || !marks.slice(0, wholeRuns.length - 1).every(grouping)) return null;
  const whole = wholeRuns.join('');
  if (wholeRuns.length > 1 && !validGroups(wholeRuns, s)) return null;
  if (whole === '' && fraction === '') return null;
  return { negative, whole: whole.replace(/^0+(?=\d)/, '') || '0', fraction };
}

/**
 * A price as typed, in the shop's locale, as the contract's decimal string with the currency's
 * digits ("12,5" in EUR → "12.50"; "1.234" in JPY → "1234"). An unknown currency keeps the digits typed.
 */
export function parseAmount(text: string, currency: string, locale: string | undefined): Parsed<string> {
  const code = currency.trim().toUpperCase();
  const known = isCurrencyCode(code);
  const s = symbols(locale, known ? code : null);
  if (!text.trim()) return { ok: false, problem: 'Enter an amount' };
  const figure = readFigure(text, s);
  if (!figure) return { ok: false, problem: `${quote(text)} is not a number (write it like ${example(s, true)})` };
  if (figure.negative && /[1-9]/.test(figure.whole + figure.fraction)) {
    return { ok: false, problem: `${quote(text)} is below zero; a price is 0 or more` };
  }
  const digits = known ? currencyDigits(code) : 6;
  const significant = figure.fraction.replace(/0+$/, '');
  if (significant.length > digits) {
    return {
      ok: false,
      problem:
        digits === 0
          ? `${code} has no minor unit: write ${localDigits(figure.whole, s)} without decimals`
          : `${known ? code : 'An amount'} has ${digits} decimals at most: ${quote(text)} has ${significant.length}`,
    };
  }
  const fraction = known ? significant.padEnd(digits, '0') : significant;
  const value = fraction ? `${figure.whole}.${fraction}` : figure.whole;
  const problem = figure.whole.length > 18 ? 'more' : known ? amountProblem(value, code) : null;
  if (problem) return { ok: false, problem: `${quote(text)} is more than Stockfeed can store` };
  return { ok: true, value };
}

/** A whole quantity as typed in the shop's locale ("1.200" in de-DE → 1200), with its sign. */
export function parseQuantity(text: string, locale: string | undefined): Parsed<number> {
  const s = symbols(locale, null);
  if (!text.trim()) return { ok: false, problem: 'Enter a number' };
  const figure = readFigure(text, s);
  if (!figure) return { ok: false, problem: `${quote(text)} is not a number (write it like ${example(s, false)})` };
  if (/[1-9]/.test(figure.fraction)) return { ok: false, problem: `${quote(text)} is not a whole number` };
  const value = Number(figure.whole);
  if (!Number.isSafeInteger(value)) return { ok: false, problem: `${quote(text)} is too large` };
  return { ok: true, value: figure.negative && value !== 0 ? -value : value };
}

/** A stored amount ("1234.50") as a field shows it in the locale, without grouping ("1234,50"). */
export function amountForInput(amount: string, currency: string, locale: string | undefined): string {
  if (!amount) return '';
  const code = currency.trim().toUpperCase();
  const s = symbols(locale, isCurrencyCode(code) ? code : null);
  const [whole = '', fraction] = amount.split('.');
  return localDigits(fraction === undefined ? whole : `${whole}${s.decimals[0] ?? '.'}${fraction}`, s);
}

/** A stored quantity as a field shows it: the locale's digits, no grouping; null is empty. */
export function quantityForInput(value: number | null, locale: string | undefined): string {
  if (value === null) return '';
  const s = symbols(locale, null);
  return `${value < 0 ? s.minus : ''}${localDigits(String(Math.abs(value)), s)}`;
}
