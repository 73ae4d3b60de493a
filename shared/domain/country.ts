/**
 * ISO 3166-1 alpha-2 country codes, as OpenAI's product feed takes them (`store_country`,
 * `target_countries`). The runtime's region names (ICU, in Node and every browser) say which
 * two-letter codes are countries, so no list of 249 codes is kept here to go stale.
 */

/** Two-letter codes ICU names that are not countries (unions, groupings, private use, "unknown"). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO', 'XA', 'XB', 'XK']);

let names: Intl.DisplayNames | null = null;

/** Whether `code` (upper case) is an ISO 3166-1 alpha-2 country code. */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  names ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  try {
    // An old or informal alias (UK for GB, YU) is canonicalised to another code: not ISO 3166-1.
    return names.of(code) !== undefined && Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
  } catch {
    return false;
  }
}
