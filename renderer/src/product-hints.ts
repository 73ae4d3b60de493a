/**
 * Checks the form can make while the user types, with the same rules (from shared/) the server
 * applies. They only help: the server's answer is still the one that counts.
 */
import { gtinProblem, normaliseGtin } from '../../shared/domain/gtin';
import { isCurrencyCode } from '../../shared/domain/money';
import { normaliseSku, skuProblem } from '../../shared/domain/sku';
import { slugProblem } from '../../shared/domain/slug';
import { sentence } from './api/errors';
import { parseAmount, parseQuantity } from './number-input';
import { numberLocale } from './shop-locale';

function asSentence(problem: string | null): string | null {
  return problem ? sentence(problem) : null;
}

export function skuHint(value: string): string | null {
  return value.trim() ? asSentence(skuProblem(normaliseSku(value))) : null;
}

export function gtinHint(value: string): string | null {
  return value.trim() ? asSentence(gtinProblem(normaliseGtin(value))) : null;
}

/** A price as typed in the shop's locale ("12,50" in a German shop). */
export function amountHint(value: string, currency: string): string | null {
  const code = currency.trim().toUpperCase();
  if (!value.trim() || !isCurrencyCode(code)) return null;
  const parsed = parseAmount(value, code, numberLocale());
  return parsed.ok ? null : asSentence(parsed.problem);
}

/** A whole quantity as typed in the shop's locale ("1.200" in a German shop). */
export function quantityHint(value: string): string | null {
  if (!value.trim()) return null;
  const parsed = parseQuantity(value, numberLocale());
  return parsed.ok ? null : asSentence(parsed.problem);
}

export function currencyHint(value: string): string | null {
  const code = value.trim().toUpperCase();
  // Only once three letters are typed: "E" and "EU" are on their way to "EUR".
  return code.length >= 3 && !isCurrencyCode(code) ? 'Use a three-letter ISO 4217 code such as EUR, USD or GBP.' : null;
}

export function slugHint(value: string): string | null {
  return value.trim() ? asSentence(slugProblem(value.trim())) : null;
}
