/**
 * Prices and quantities as people type them in the shop's locale, read into the contract's form
 * (a decimal string such as "12.50", a whole number), with the ambiguity rules the module documents.
 */
import { describe, expect, it } from 'vitest';
import { amountForInput, parseAmount, parseQuantity, quantityForInput } from '../../renderer/src/number-input';

const NNBSP = '\u202F';
const NBSP = '\u00A0';

function amount(text: string, currency: string, locale: string | undefined): string {
  const parsed = parseAmount(text, currency, locale);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to parse in ${locale}: ${parsed.problem}`);
  return parsed.value;
}

function amountProblem(text: string, currency: string, locale: string): string {
  const parsed = parseAmount(text, currency, locale);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused in ${locale}, got ${parsed.value}`);
  return parsed.problem;
}

function quantity(text: string, locale: string): number {
  const parsed = parseQuantity(text, locale);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to parse in ${locale}: ${parsed.problem}`);
  return parsed.value;
}

function quantityProblem(text: string, locale: string): string {
  const parsed = parseQuantity(text, locale);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused in ${locale}, got ${parsed.value}`);
  return parsed.problem;
}

describe('de-DE (decimal comma, dot between thousands)', () => {
  it('reads the decimal comma and the grouping dot', () => {
    expect(amount('12,50', 'EUR', 'de-DE')).toBe('12.50');
    expect(amount('12,5', 'EUR', 'de-DE')).toBe('12.50');
    expect(amount('1.234,56', 'EUR', 'de-DE')).toBe('1234.56');
    expect(amount('1.234.567,8', 'EUR', 'de-DE')).toBe('1234567.80');
    expect(amount('12', 'EUR', 'de-DE')).toBe('12.00');
    expect(amount(' 0,99 ', 'EUR', 'de-DE')).toBe('0.99');
    expect(amount(',5', 'EUR', 'de-DE')).toBe('0.50');
  });

  it('reads "1.234" as 1234: the locale grouping wins over the canonical decimal point', () => {
    expect(amount('1.234', 'EUR', 'de-DE')).toBe('1234.00');
    expect(quantity('1.234', 'de-DE')).toBe(1234);
    expect(quantity('12.000', 'de-DE')).toBe(12000);
  });

  it('accepts the canonical "12.50" where the dot cannot be a grouping mark', () => {
    expect(amount('12.50', 'EUR', 'de-DE')).toBe('12.50');
    expect(amount('0.5', 'EUR', 'de-DE')).toBe('0.50');
    expect(amount('1234.56', 'EUR', 'de-DE')).toBe('1234.56');
  });

  it('refuses a grouping mark after the decimal mark, two decimal marks, and misplaced groups', () => {
    expect(amountProblem('12,500.0,1', 'EUR', 'de-DE')).toBe('"12,500.0,1" is not a number (write it like 1.234,56)');
    expect(amountProblem('1,234.56', 'EUR', 'de-DE')).toMatch(/is not a number/);
    expect(amountProblem('1,2,3', 'EUR', 'de-DE')).toMatch(/is not a number/);
    expect(amountProblem('12.34.5', 'EUR', 'de-DE')).toMatch(/is not a number/);
    expect(quantityProblem('1..234', 'de-DE')).toMatch(/is not a number/);
    expect(quantityProblem('.1.234', 'de-DE')).toMatch(/is not a number/);
  });

  it('says how many decimals the currency has', () => {
    expect(amountProblem('12,505', 'EUR', 'de-DE')).toBe('EUR has 2 decimals at most: "12,505" has 3');
    // Zeros past the currency's digits change nothing.
    expect(amount('12,500', 'EUR', 'de-DE')).toBe('12.50');
  });
});

describe('en-US (decimal point, comma between thousands)', () => {
  it('reads grouping commas and the decimal point', () => {
    expect(amount('1,234.56', 'USD', 'en-US')).toBe('1234.56');
    expect(amount('12.5', 'USD', 'en-US')).toBe('12.50');
    expect(quantity('1,000', 'en-US')).toBe(1000);
    expect(quantity('1,000,000', 'en-US')).toBe(1_000_000);
  });

  it('refuses "1,5": a comma that groups thousands is never guessed to be a decimal comma', () => {
    expect(amountProblem('1,5', 'USD', 'en-US')).toBe('"1,5" is not a number (write it like 1,234.56)');
    expect(amountProblem('12,50', 'USD', 'en-US')).toMatch(/is not a number/);
    expect(quantityProblem('1,5', 'en-US')).toMatch(/is not a number \(write it like 1,234\)/);
    expect(amountProblem('1.234,56', 'USD', 'en-US')).toMatch(/is not a number/);
  });
});

describe('fr-FR (decimal comma, narrow no-break space between thousands)', () => {
  it('reads U+202F, no-break and plain spaces as grouping', () => {
    expect(amount(`1${NNBSP}234,56`, 'EUR', 'fr-FR')).toBe('1234.56');
    expect(amount(`1${NBSP}234,56`, 'EUR', 'fr-FR')).toBe('1234.56');
    expect(amount('1 234,56', 'EUR', 'fr-FR')).toBe('1234.56');
    expect(quantity(`12${NNBSP}345${NNBSP}678`, 'fr-FR')).toBe(12_345_678);
  });

  it('reads a dot as the canonical decimal point (it is no grouping mark in French)', () => {
    expect(amount('12.50', 'EUR', 'fr-FR')).toBe('12.50');
    expect(amount('1 234.5', 'EUR', 'fr-FR')).toBe('1234.50');
  });

  it('refuses groups that are not of three', () => {
    expect(amountProblem('12 34,5', 'EUR', 'fr-FR')).toBe(`"12 34,5" is not a number (write it like 1${NNBSP}234,56)`);
  });
});

describe('de-CH (decimal point, apostrophe between thousands)', () => {
  it('reads both the typewriter apostrophe and the typographic one', () => {
    expect(amount("1'234.50", 'CHF', 'de-CH')).toBe('1234.50');
    expect(amount('1’234.50', 'CHF', 'de-CH')).toBe('1234.50');
    expect(quantity("10'000", 'de-CH')).toBe(10_000);
  });

  it('refuses a comma, which is neither its decimal mark nor its grouping mark', () => {
    expect(amountProblem('12,50', 'CHF', 'de-CH')).toMatch(/is not a number/);
  });
});

describe('ja-JP with yen (no minor unit)', () => {
  it('reads whole yen with grouping commas', () => {
    expect(amount('1,234', 'JPY', 'ja-JP')).toBe('1234');
    expect(amount('500', 'JPY', 'ja-JP')).toBe('500');
    expect(amount('500.00', 'JPY', 'ja-JP')).toBe('500');
  });

  it('refuses decimals', () => {
    expect(amountProblem('12.5', 'JPY', 'ja-JP')).toBe('JPY has no minor unit: write 12 without decimals');
  });
});

describe('KWD (three decimals)', () => {
  it('keeps three digits after the decimal mark', () => {
    expect(amount('1,234', 'KWD', 'de-DE')).toBe('1.234');
    expect(amount('12,5', 'KWD', 'de-DE')).toBe('12.500');
    expect(amount('1.234,567', 'KWD', 'de-DE')).toBe('1234.567');
    expect(amount('0.125', 'KWD', 'en-US')).toBe('0.125');
    expect(amountProblem('0,1234', 'KWD', 'de-DE')).toBe('KWD has 3 decimals at most: "0,1234" has 4');
  });
});

describe('signs, sizes and rubbish', () => {
  it('reads a sign on quantities (an adjustment of −2), with a real minus sign too', () => {
    expect(quantity('-2', 'de-DE')).toBe(-2);
    expect(quantity('−2', 'de-DE')).toBe(-2);
    expect(quantity('+3', 'en-US')).toBe(3);
    expect(quantity('−1.000', 'de-DE')).toBe(-1000);
    expect(quantity(`−1${NBSP}000`, 'sv-SE')).toBe(-1000);
  });

  it('refuses a negative price', () => {
    expect(amountProblem('-12,50', 'EUR', 'de-DE')).toBe('"-12,50" is below zero; a price is 0 or more');
  });

  it('takes only whole quantities', () => {
    expect(quantityProblem('2,5', 'de-DE')).toBe('"2,5" is not a whole number');
    expect(quantity('3,0', 'de-DE')).toBe(3);
  });

  it('refuses amounts and quantities past what Stockfeed stores exactly', () => {
    expect(amountProblem('99999999999999999', 'EUR', 'en-US')).toMatch(/more than Stockfeed can store/);
    expect(quantityProblem('99999999999999999999', 'en-US')).toMatch(/too large/);
  });

  it.each(['', '   ', 'abc', '12 €', '1e3', '--2', '0x10', '12,5,', ',', '-', '1/2', 'Infinity', 'NaN'])('refuses %j', (text) => {
    expect(parseQuantity(text, 'de-DE').ok).toBe(false);
    expect(parseAmount(text, 'EUR', 'de-DE').ok).toBe(false);
  });

  it('says "Enter a number" for an empty field', () => {
    expect(quantityProblem('  ', 'en-US')).toBe('Enter a number');
  });

  it('reads digits of the locale’s own numbering system', () => {
    expect(quantity('١٢٣', 'ar-EG')).toBe(123);
    expect(amount('١٢٫٥٠', 'EGP', 'ar-EG')).toBe('12.50');
  });

  it('follows the currency format’s own decimal mark where it differs (fr-CH writes 12.50 €)', () => {
    expect(amount('12.50', 'EUR', 'fr-CH')).toBe('12.50');
    expect(amount('12,50', 'EUR', 'fr-CH')).toBe('12.50');
  });

  it('with no locale, uses the runtime’s own', () => {
    const decimal = new Intl.NumberFormat().formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
    expect(amount(`3${decimal}25`, 'EUR', undefined)).toBe('3.25');
  });
});

describe('values put into a field', () => {
  it('writes a stored amount in the locale, without grouping, so it reads back the same', () => {
    expect(amountForInput('1234.50', 'EUR', 'de-DE')).toBe('1234,50');
    expect(amountForInput('1234.50', 'USD', 'en-US')).toBe('1234.50');
    expect(amountForInput('1500', 'JPY', 'ja-JP')).toBe('1500');
    expect(amountForInput('', 'EUR', 'de-DE')).toBe('');
    for (const [stored, currency, locale] of [
      ['1234.50', 'EUR', 'de-DE'],
      ['0.125', 'KWD', 'fr-FR'],
      ['12.50', 'EGP', 'ar-EG'],
    ] as const) {
      expect(amount(amountForInput(stored, currency, locale), currency, locale)).toBe(stored);
    }
  });

  it('writes a quantity without grouping', () => {
    expect(quantityForInput(12345, 'de-DE')).toBe('12345');
    expect(quantityForInput(null, 'de-DE')).toBe('');
    expect(quantity(quantityForInput(-7, 'sv-SE'), 'sv-SE')).toBe(-7);
  });
});
