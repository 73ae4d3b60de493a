/**
 * The shop's locale: a BCP 47 tag ("de-DE") that says how prices and quantities are written and
 * typed. A currency does not imply one (EUR is 12,50 in Germany and 12.50 in Ireland), so it is a
 * setting of its own; empty means the language of the computer (or browser) showing the app.
 */

/** The tag in its canonical spelling ("de-de" or "de_DE" → "de-DE"), or null when it is none Intl can format in. */
export function canonicalLocale(tag: string): string | null {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag.trim().replaceAll('_', '-'))[0];
  } catch {
    return null;
  }
  if (!canonical || Intl.NumberFormat.supportedLocalesOf([canonical]).length === 0) return null;
  return canonical;
}
