import { describe, expect, it } from 'vitest';
import { gtin14, gtinCheckDigit, gtinProblem, gtinSpellings, normaliseGtin } from '../../shared/domain/gtin';
import { gtinSchema } from '../../shared/schemas/common';

// Published examples (GS1 and the EAN/UPC references), one per length.
const VALID = {
  'GTIN-8 (EAN-8)': '96385074',
  'GTIN-12 (UPC-A)': '036000291452',
  'GTIN-13 (EAN-13)': '4006381333931',
  'GTIN-14': '10614141000415',
};

describe('gtinCheckDigit', () => {
  it('computes the GS1 mod-10 digit with weights 3,1,3,… from the right', () => {
    expect(gtinCheckDigit('9638507')).toBe(4);
    expect(gtinCheckDigit('03600029145')).toBe(2);
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(gtinCheckDigit('1061414100041')).toBe(5);
  });

  it('gives 0, not 10, when the weighted sum is already a multiple of ten', () => {
    expect(gtinCheckDigit('0000000')).toBe(0);
    expect(gtinCheckDigit('5001234567890'.slice(0, -1))).toBe(0);
  });
});

describe('gtinProblem', () => {
  for (const [name, gtin] of Object.entries(VALID)) {
    it(`accepts a valid ${name}`, () => {
      expect(gtinProblem(gtin)).toBeNull();
    });
  }

  it('accepts leading zeros (a UPC-A padded to 13 or 14 digits is still valid)', () => {
    expect(gtinProblem('0036000291452')).toBeNull();
    expect(gtinProblem('00036000291452')).toBeNull();
  });

  for (const [name, gtin] of Object.entries(VALID)) {
    it(`refuses a ${name} with a wrong check digit and says which digit is expected`, () => {
      const last = Number(gtin.at(-1));
      const wrong = gtin.slice(0, -1) + String((last + 1) % 10);
      expect(gtinProblem(wrong)).toBe(`GTIN check digit is ${(last + 1) % 10} but should be ${last}; check for a typing error`);
    });
  }

  it('catches two swapped neighbouring digits (4006381333931 typed as 4006381339331)', () => {
    expect(gtinProblem('4006381339331')).toBe('GTIN check digit is 1 but should be 9; check for a typing error');
  });

  it('refuses non-digits', () => {
    expect(gtinProblem('40063813339X1')).toBe('GTIN may contain only digits');
    expect(gtinProblem('4006381333931 ')).toBe('GTIN may contain only digits');
    expect(gtinProblem('')).toBe('GTIN may contain only digits');
  });

  it.each([
    ['7 digits', '9638507', 7],
    ['9 digits', '963850741', 9],
    ['11 digits', '03600029145', 11],
    ['15 digits', '106141410004150', 15],
  ])('refuses a wrong length (%s)', (_name, gtin, length) => {
    expect(gtinProblem(gtin)).toBe(
      `GTIN has ${length} digits; it must have 8, 12, 13 or 14 (GTIN-8, UPC-A, EAN-13, GTIN-14)`,
    );
  });
});

describe('normaliseGtin and gtinSchema', () => {
  it('drops the spaces and hyphens printed between digit groups', () => {
    expect(normaliseGtin(' 4 006381-333931 ')).toBe('4006381333931');
    expect(gtinSchema.parse('0 36000 29145 2')).toBe('036000291452');
  });

  it('keeps other separators, so a dotted GTIN is refused rather than guessed at', () => {
    expect(gtinSchema.safeParse('4006.381.333.931').error?.issues[0]?.message).toBe('GTIN may contain only digits');
  });

  it('refuses a bad check digit after normalising', () => {
    expect(gtinSchema.safeParse('4006-3813-3393-2').error?.issues[0]?.message).toBe(
      'GTIN check digit is 2 but should be 1; check for a typing error',
    );
  });
});

describe('gtin14 and gtinSpellings: one barcode, however many digits it is printed with', () => {
  it('pads every GTIN to its GTIN-14', () => {
    expect(gtin14('012345678905')).toBe('00012345678905');
    expect(gtin14('0012345678905')).toBe('00012345678905');
    expect(gtin14('96385074')).toBe('00000096385074');
    expect(gtin14('10614141000415')).toBe('10614141000415');
  });

  it('gives the 8-, 12-, 13- and 14-digit spellings that have the same GTIN-14', () => {
    expect(gtinSpellings('012345678905')).toEqual(['012345678905', '0012345678905', '00012345678905']);
    expect(gtinSpellings('0012345678905')).toEqual(gtinSpellings('012345678905'));
    expect(gtinSpellings(' 4006381-333931 ')).toEqual(['4006381333931', '04006381333931']);
    expect(gtinSpellings('96385074')).toEqual(['96385074', '000096385074', '0000096385074', '00000096385074']);
    for (const spelling of gtinSpellings('012345678905')) expect(gtin14(spelling)).toBe('00012345678905');
  });

  it('has no spellings for a code that cannot be a stored GTIN (letters, more than 14 digits)', () => {
    expect(gtinSpellings('MUG-BLUE')).toEqual([]);
    expect(gtinSpellings('106141410004150')).toEqual([]);
    expect(gtinSpellings('')).toEqual([]);
  });
});
