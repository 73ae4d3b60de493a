const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

/** Strips the spaces and hyphens people type or print between GTIN digit groups. */
export function normaliseGtin(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

/** The GS1 mod-10 check digit for the digits before it. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = weight === 3 ? 1 : 3) {
    sum += Number(body[i]) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** Why a normalised GTIN is invalid (length, characters, check digit), or null when it is valid. */
export function gtinProblem(gtin: string): string | null {
  if (!/^\d+$/.test(gtin)) return 'GTIN may contain only digits';
  if (!GTIN_LENGTHS.has(gtin.length)) {
    return `GTIN has ${gtin.length} digits; it must have 8, 12, 13 or 14 (GTIN-8, UPC-A, EAN-13, GTIN-14)`;
  }
  const expected = gtinCheckDigit(gtin.slice(0, -1));
  const actual = Number(gtin[gtin.length - 1]);
  if (expected !== actual) return `GTIN check digit is ${actual} but should be ${expected}; check for a typing error`;
  return null;
}
