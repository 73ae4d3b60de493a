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

/**
 * The GTIN as GTIN-14, zero-padded on the left. GS1 defines every GTIN by its 14-digit form, so a
 * UPC-A 012345678905, the EAN-13 0012345678905 printed on the same box and the GTIN-14
 * 00012345678905 are one barcode: comparing GTIN-14s is how two products are found to share one.
 */
export function gtin14(gtin: string): string {
  return gtin.padStart(14, '0');
}

/**
 * Every way one barcode can be stored (its 8-, 12-, 13- and 14-digit spellings, each the same
 * GTIN-14), for a scanned or typed code: looking these up in the indexed `gtin` column finds the
 * products with that barcode however each was entered. No spellings for anything that is not 1–14
 * digits once the separators are dropped (such a code cannot be a stored GTIN).
 */
export function gtinSpellings(code: string): string[] {
  const digits = normaliseGtin(code.trim());
  if (!/^\d{1,14}$/.test(digits)) return [];
  const significant = digits.replace(/^0+/, '');
  // A loop, not three arrays per call: an import of new products spells each one's barcode.
  const spellings: string[] = [];
  for (const length of GTIN_LENGTHS) if (length >= significant.length) spellings.push(significant.padStart(length, '0'));
  return spellings;
}
