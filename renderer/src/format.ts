/**
 * Numbers, money and times in the user's locale (Intl picks it up from the browser). Money arrives
 * as a decimal string and is formatted from the string, so no float rounding reaches the screen.
 */
const quantityFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatQuantity(value: number): string {
  return quantityFormat.format(value);
}

/** A signed change such as "+12" or "−3" (a real minus sign, easier to read than a hyphen). */
export function formatDelta(value: number): string {
  if (value > 0) return `+${quantityFormat.format(value)}`;
  if (value < 0) return `−${quantityFormat.format(-value)}`;
  return quantityFormat.format(0);
}

export function formatMoney(amount: string | null, currency: string): string {
  if (amount === null || amount === '') return '—';
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      return `${amount} ${currency}`;
    }
    moneyFormats.set(currency, format);
  }
  return /^\d+(\.\d+)?$/.test(amount) ? format.format(amount as `${number}`) : `${amount} ${currency}`;
}

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
