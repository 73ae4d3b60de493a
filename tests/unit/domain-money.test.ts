import { describe, expect, it } from 'vitest';
import { amountProblem, currencyDigits, fromMinorUnits, isCurrencyCode, toMinorUnits } from '../../shared/domain/money';
import { MONEY_MAX_MINOR } from '../../shared/domain/limits';

describe('currencies', () => {
  it('knows ISO 4217 codes (upper case) and refuses made-up ones', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('JPY')).toBe(true);
    expect(isCurrencyCode('KWD')).toBe(true);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode('EURO')).toBe(false);
  });

  it('knows how many minor-unit digits each uses', () => {
    expect(currencyDigits('EUR')).toBe(2);
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
  });
});

describe('toMinorUnits', () => {
  it('EUR: cents, padding a short fraction', () => {
    expect(toMinorUnits('12.50', 'EUR')).toBe(1250);
    expect(toMinorUnits('12.5', 'EUR')).toBe(1250);
    expect(toMinorUnits('12', 'EUR')).toBe(1200);
    expect(toMinorUnits('0.01', 'EUR')).toBe(1);
    expect(toMinorUnits('0', 'EUR')).toBe(0);
  });

  it('EUR: trailing zeros beyond the minor unit change nothing', () => {
    expect(toMinorUnits('12.500', 'EUR')).toBe(1250);
  });

  it('is exact where floating point is not (0.1 + 0.2, 1.005, 19.99)', () => {
    expect(toMinorUnits('0.30', 'EUR')).toBe(30);
    expect(toMinorUnits('1.005', 'KWD')).toBe(1005);
    expect(toMinorUnits('19.99', 'EUR')).toBe(1999);
    expect(toMinorUnits('4.35', 'EUR')).toBe(435); // 4.35 * 100 === 434.99999999999994
  });

  it('JPY: no minor unit', () => {
    expect(toMinorUnits('1000', 'JPY')).toBe(1000);
    expect(toMinorUnits('1000.0', 'JPY')).toBe(1000);
  });

  it('KWD: three digits (fils)', () => {
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
    expect(toMinorUnits('0.1', 'KWD')).toBe(100);
    expect(toMinorUnits('2', 'KWD')).toBe(2000);
  });

  it('stays a safe integer at the largest accepted amount', () => {
    const minor = toMinorUnits('999999999999.999', 'KWD');
    expect(minor).toBe(999_999_999_999_999);
    expect(Number.isSafeInteger(minor)).toBe(true);
  });
});

describe('fromMinorUnits', () => {
  it('EUR: always two decimals', () => {
    expect(fromMinorUnits(1250, 'EUR')).toBe('12.50');
    expect(fromMinorUnits(5, 'EUR')).toBe('0.05');
    expect(fromMinorUnits(0, 'EUR')).toBe('0.00');
    expect(fromMinorUnits(100, 'EUR')).toBe('1.00');
  });

  it('keeps the sign of a negative amount, including below one unit', () => {
    expect(fromMinorUnits(-5, 'EUR')).toBe('-0.05');
    expect(fromMinorUnits(-1250, 'EUR')).toBe('-12.50');
  });

  it('writes a bigint sum exactly, past 2^53, and refuses a number it cannot hold exactly', () => {
    expect(fromMinorUnits(10_099_999_999_999_899n, 'EUR')).toBe('100999999999998.99');
    expect(fromMinorUnits(-5n, 'EUR')).toBe('-0.05');
    expect(fromMinorUnits(10_099_999_999_999_899n, 'JPY')).toBe('10099999999999899');
    expect(() => fromMinorUnits(2 ** 53 + 2, 'EUR')).toThrow(RangeError);
    expect(() => fromMinorUnits(1.5, 'EUR')).toThrow(RangeError);
  });

  it('JPY: no decimal point', () => {
    expect(fromMinorUnits(1250, 'JPY')).toBe('1250');
    expect(fromMinorUnits(0, 'JPY')).toBe('0');
  });

  it('KWD: three decimals', () => {
    expect(fromMinorUnits(1234, 'KWD')).toBe('1.234');
    expect(fromMinorUnits(7, 'KWD')).toBe('0.007');
  });

  it('round-trips with toMinorUnits', () => {
    for (const [value, currency] of [['12.50', 'EUR'], ['0.07', 'USD'], ['1000', 'JPY'], ['3.250', 'KWD']] as const) {
      expect(fromMinorUnits(toMinorUnits(value, currency), currency)).toBe(value);
    }
  });
});

describe('amountProblem', () => {
  it('accepts decimals within the currency minor unit', () => {
    expect(amountProblem('12.50', 'EUR')).toBeNull();
    expect(amountProblem('12', 'EUR')).toBeNull();
    expect(amountProblem('1000', 'JPY')).toBeNull();
    expect(amountProblem('1.234', 'KWD')).toBeNull();
  });

  it('accepts extra decimals that are only trailing zeros', () => {
    expect(amountProblem('12.500', 'EUR')).toBeNull();
    expect(amountProblem('1000.00', 'JPY')).toBeNull();
  });

  it('refuses more decimals than the currency has, saying how many it allows', () => {
    expect(amountProblem('12.345', 'EUR')).toBe('EUR has 2 decimals at most; "12.345" has 3');
    expect(amountProblem('1.2345', 'KWD')).toBe('KWD has 3 decimals at most; "1.2345" has 4');
  });

  it('refuses decimals in a currency without a minor unit, suggesting the whole amount', () => {
    expect(amountProblem('1000.5', 'JPY')).toBe('JPY has no minor unit; write 1000 without decimals');
  });

  it.each(['-1', '-0.50', '+1'])('refuses a signed amount (%s)', (value) => {
    expect(amountProblem(value, 'EUR')).toBe(`"${value}" is not an amount; write it like 12.50`);
  });

  it.each(['12,50', '1e3', '1 000', ' 5', '.5', '5.', '', 'abc', '0x10', '1.2.3', 'Infinity', 'NaN'])(
    'refuses a string that is not a plain decimal (%j)',
    (value) => {
      expect(amountProblem(value, 'EUR')).toBe(`"${value}" is not an amount; write it like 12.50`);
    },
  );

  it('refuses amounts past MONEY_MAX_MINOR minor units in the currency, naming the largest', () => {
    expect(amountProblem('9999999999999.99', 'EUR')).toBeNull();
    expect(amountProblem('10000000000000', 'EUR')).toBe('"10000000000000" is more than Stockfeed can store: 9999999999999.99 EUR at most');
    expect(amountProblem('999999999999999', 'JPY')).toBeNull();
    expect(amountProblem('1000000000000000', 'JPY')).toBe('"1000000000000000" is more than Stockfeed can store: 999999999999999 JPY at most');
    expect(amountProblem('999999999999.999', 'KWD')).toBeNull();
    expect(amountProblem('1000000000000.000', 'KWD')).toMatch(/999999999999\.999 KWD at most/);
    // Far past 2^53 is still compared exactly, not rounded down to the limit.
    expect(amountProblem('999999999999999999', 'EUR')).toMatch(/is more than Stockfeed can store/);
    expect(amountProblem('1000000000000000000', 'EUR')).toBe('"1000000000000000000" is not an amount; write it like 12.50');
  });
});

describe('amountProblem, short amounts', () => {
  /** The whole check in BigInt, as amountProblem made it for every amount before its shortcut. */
  function reference(value: string, currency: string): string | null {
    if (!/^\d{1,18}(\.\d{1,6})?$/.test(value)) return 'not an amount';
    const digits = currencyDigits(currency);
    const [whole = '0', fraction = ''] = value.split('.');
    if (fraction.replace(/0+$/, '').length > digits) return 'too many decimals';
    const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0').slice(0, digits) || '0');
    return minor > BigInt(MONEY_MAX_MINOR) ? 'too large' : null;
  }

  it('says the same as the BigInt check for amounts of every length, in currencies of 0, 2 and 3 decimals', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const digitString = (n: number) => Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
    let problems = 0;
    for (let n = 0; n < 20_000; n++) {
      const whole = next() < 0.3 ? '9'.repeat(1 + Math.floor(next() * 18)) : digitString(1 + Math.floor(next() * 18));
      const fraction = next() < 0.4 ? '' : next() < 0.5 ? `${digitString(Math.floor(next() * 3))}${'0'.repeat(Math.floor(next() * 4))}` : digitString(1 + Math.floor(next() * 6));
      const value = fraction === '' ? whole : `${whole}.${fraction}`;
      for (const currency of ['EUR', 'JPY', 'KWD']) {
        const expected = reference(value, currency);
        const problem = amountProblem(value, currency);
        expect(problem === null ? null : 'problem', `${value} ${currency}`).toBe(expected === null ? null : 'problem');
        if (expected === 'too large') expect(problem).toMatch(/is more than Stockfeed can store/);
        if (expected !== null) problems++;
      }
    }
    expect(problems).toBeGreaterThan(5_000);
  });
});
