/**
 * Figures, money and times for the screen. Numbers and money follow the shop's locale (see
 * shop-locale.ts; 12,50 € in a German shop); dates and times follow the computer's language, like
 * the rest of the interface's words. Money arrives as a decimal string and is formatted from the
 * string, so no float rounding reaches the screen.
 */
import { numberLocale } from './shop-locale';

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string | undefined, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const cacheKey = `${locale ?? ''}|${key}`;
  let format = formats.get(cacheKey);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(cacheKey, format);
  }
  return format;
}

export function formatQuantity(value: number, locale = numberLocale()): string {
  return numberFormat(locale, 'quantity', { maximumFractionDigits: 0 }).format(value);
}

/** A count with its noun, singular for one: "1 product", "1.234 products". */
export function formatCount(value: number, one: string, many: string, locale = numberLocale()): string {
  return `${formatQuantity(value, locale)} ${value === 1 ? one : many}`;
}

/** A signed change such as "+12" or "−3" (a real minus sign, easier to read than a hyphen). */
export function formatDelta(value: number, locale = numberLocale()): string {
  if (value > 0) return `+${formatQuantity(value, locale)}`;
  if (value < 0) return `−${formatQuantity(-value, locale)}`;
  return formatQuantity(0, locale);
}

/** Any number with the locale's marks, such as 1.234,5 (the settings' example). */
export function formatNumber(value: number, locale = numberLocale()): string {
  return numberFormat(locale, 'number', { maximumFractionDigits: 6 }).format(value);
}

const KB = 1024;

/**
 * A file's size in the shop's number format, one unit for every screen: "512 B", "15,5 kB",
 * "1,2 MB" in a German shop. The Publishing screen wrote 15.5 kB, Backups 556 KB, each with
 * toFixed's point whatever the shop's format.
 */
export function formatBytes(bytes: number, locale = numberLocale()): string {
  if (bytes < KB) return `${formatQuantity(bytes, locale)} B`;
  const [value, unit] = bytes < KB * KB ? [bytes / KB, 'kB'] : bytes < KB * KB * KB ? [bytes / KB / KB, 'MB'] : [bytes / KB / KB / KB, 'GB'];
  const figure = numberFormat(locale, 'size', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  return `${figure} ${unit}`;
}

export function formatMoney(amount: string | null, currency: string, locale = numberLocale()): string {
  if (amount === null || amount === '') return '—';
  if (!/^-?\d+(\.\d+)?$/.test(amount)) return `${amount} ${currency}`;
  let format: Intl.NumberFormat;
  try {
    format = numberFormat(locale, `money ${currency}`, { style: 'currency', currency });
  } catch {
    return `${amount} ${currency}`;
  }
  return format.format(amount as `${number}`);
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** A chart label for a UTC day (YYYY-MM-DD), such as "26 Nov". */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : shortDateFormat.format(date);
}

const shortDateTimeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** "26 Nov, 15:57": for tight columns. */
export function formatShortDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : shortDateTimeFormat.format(date);
}
