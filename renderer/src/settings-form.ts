/**
 * Helpers of the settings and first-run forms: live checks with the shared schemas (the same rules
 * the server applies), the example product URL, and the server's field problems by full path
 * (`sftp.port`, `indexNow.key`), so each lands next to its own control.
 */
import type { z } from 'zod';
import { settingsShape } from '../../shared/schemas/settings';
import { ClientError } from './api/client';
import { sentence } from './api/errors';
import { formatMoney, formatNumber } from './format';

/** The first problem the schema finds with a value, as a sentence; null when it is fine. */
export function liveProblem(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  const message = result.error.issues[0]?.message;
  return message ? sentence(message) : null;
}

export function shopUrlHint(value: string): string | null {
  return value.trim() ? liveProblem(settingsShape.shopUrl, value) : null;
}

export function templateHint(value: string): string | null {
  return value.trim() ? liveProblem(settingsShape.productUrlTemplate, value) : null;
}

/**
 * Why a shop name is refused on the first-run screen and in Settings: an empty one silently became
 * "My shop" on the first, and an empty seller in the feed on the second. The API still takes an
 * empty name (scripts may send one; the feeds then leave the seller out).
 */
export function shopNameProblem(name: string): string | null {
  return name.trim() ? null : 'Enter the name of your shop: it cannot be left empty.';
}

/** The product shown in the live example. */
export const EXAMPLE_PRODUCT = { slug: 'enamel-mug-blue', sku: 'MUG-ENAMEL-BLUE' } as const;

/** What a product's page address will be, or null while the template cannot make one. */
export function exampleProductUrl(template: string): string | null {
  const trimmed = template.trim();
  if (!trimmed || templateHint(trimmed)) return null;
  return trimmed.replaceAll('{slug}', EXAMPLE_PRODUCT.slug).replaceAll('{sku}', encodeURIComponent(EXAMPLE_PRODUCT.sku));
}

/** The usual shape of a product address on a site, as a starting point. */
export function suggestedTemplate(shopUrl: string): string {
  const base = shopUrl.trim().replace(/\/+$/, '');
  return base && !shopUrlHint(base) ? `${base}/products/{slug}` : '';
}

/** The server's per-field problems of a failed save, keyed by the issue's whole path. */
export function issuesByPath(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ClientError)) return result;
  for (const issue of error.issues) result[issue.path] ??= sentence(issue.message);
  const field = (error.details as { field?: unknown } | null | undefined)?.field;
  if (typeof field === 'string' && !result[field]) result[field] = sentence(error.message);
  return result;
}

/** The value at a dotted path (`sftp.port`) of a plain object. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The server's messages that still apply: a message goes away as soon as the user changes the
 * value it was about, and comes back if they change it back.
 */
export function openIssues(issues: Record<string, string>, sentValues: unknown, draft: unknown): Record<string, string> {
  const open: Record<string, string> = {};
  for (const [path, message] of Object.entries(issues)) {
    if (JSON.stringify(valueAt(draft, path)) === JSON.stringify(valueAt(sentValues, path))) open[path] = message;
  }
  return open;
}

/** Common currencies offered as suggestions; any ISO 4217 code is accepted. */
export const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'CAD', 'AUD', 'NZD', 'JPY'] as const;

/**
 * Locales offered for the shop's number format; any other tag the settings hold is offered too.
 * Several per currency on purpose: EUR is 12,50 € in Germany, € 12,50 in the Netherlands, €12.50 in Ireland.
 */
export const COMMON_LOCALES = [
  'en-US', 'en-GB', 'en-IE', 'en-CA', 'en-AU', 'de-DE', 'de-AT', 'de-CH', 'fr-FR', 'fr-BE', 'fr-CH', 'fr-CA', 'it-IT',
  'es-ES', 'es-MX', 'nl-NL', 'nl-BE', 'pt-PT', 'pt-BR', 'sv-SE', 'nb-NO', 'da-DK', 'fi-FI', 'pl-PL', 'cs-CZ', 'ja-JP',
] as const;

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** "German (Germany)" for de-DE (in English, as the rest of the interface). */
export function localeName(tag: string): string {
  try {
    return languageNames.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** The options of the locale select: the common ones, sorted by name, and the current one if it is another. */
export function localeOptions(current: string): { tag: string; name: string }[] {
  const tags: string[] = [...COMMON_LOCALES];
  if (current && !tags.includes(current)) tags.push(current);
  return tags.map((tag) => ({ tag, name: localeName(tag) })).sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** How 1234.5 and a price look in a locale (empty: the computer's language): "1.234,5 · 12,50 €". */
export function localeExample(tag: string, currency: string): string {
  const locale = tag || undefined;
  return `${formatNumber(1234.5, locale)} · ${formatMoney('12.50', currency.trim().toUpperCase() || 'EUR', locale)}`;
}

/**
 * What an SFTP upload switched on still lacks, by the form's labels. Settings accepted it half
 * filled in ("Settings saved.") and the upload then failed on the Publishing screen; the form now
 * says so while it is being filled in. A secret left null keeps the saved one; '' removes it.
 */
export function sftpMissing(
  sftp: { enabled: boolean; host: string; username: string; password?: string | null; privateKey?: string | null },
  saved: { hasPassword: boolean; hasPrivateKey: boolean },
): string[] {
  if (!sftp.enabled) return [];
  const has = (value: string | null | undefined, kept: boolean) => (value === null || value === undefined ? kept : value.trim() !== '');
  const missing: string[] = [];
  if (!sftp.host.trim()) missing.push('Server');
  if (!sftp.username.trim()) missing.push('User name');
  if (!has(sftp.password, saved.hasPassword) && !has(sftp.privateKey, saved.hasPrivateKey)) missing.push('a password or a private key');
  return missing;
}

/** "Server, User name and a password or a private key". */
export function listedLabels(labels: readonly string[]): string {
  return labels.length < 2 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}
