/**
 * The product fields of an import row, checked without the schema when every cell is plainly
 * valid. The schema (productCreateInput) stays the only judge of a bad row: this check only ever
 * says "valid, and here is exactly what the schema would give", or "ask the schema", so every
 * problem the user sees, with its row, column and words, is still the schema's own.
 *
 * Why: zod's parse of a row was the largest part of reading a file (100,000 rows: ≈ 0.55 s of
 * the main thread's ≈ 7 s and ≈ 5 KB of its ≈ 35 KB allocated per row, the import's CPU profile
 * and V8's sampling heap profiler). tests/unit/import-row-check.test.ts runs both over many good
 * and bad values of every field and fails on any answer of this check the schema does not give.
 */
import { BRAND_MAX, DESCRIPTION_MAX, ITEM_GROUP_ID_MAX, MPN_MAX, PRODUCT_CONDITIONS, PRODUCT_STATUSES, TITLE_MAX, productCreateInput } from '../../../shared/schemas/product';
import { isHttpUrl, LOCATION_CODE_PATTERN, URL_MAX } from '../../../shared/schemas/common';
import { normaliseSku, skuProblem } from '../../../shared/domain/sku';
import { gtinProblem, normaliseGtin } from '../../../shared/domain/gtin';
import { DECIMAL_PATTERN, isCurrencyCode } from '../../../shared/domain/money';
import { slugProblem } from '../../../shared/domain/slug';
import { QUANTITY_MAX } from '../../../shared/domain/limits';
import type { ParsedInput } from '../../../shared/contract';

/** A row's product fields as the create schema parses them (a file has no idempotency key). */
export type ProductFields = Omit<ParsedInput<'products.create'>, 'idempotencyKey'>;

/** "Not plainly valid: ask the schema." */
const ASK = Symbol('ask the schema');
type Check = (cell: string) => unknown;

const hasNul = (s: string) => s.includes('\u0000');
const blank = (s: string) => s.trim() === '';
const trimmedAtMost = (max: number) => (cell: string) => {
  const t = cell.trim();
  return t.length <= max ? t : ASK;
};
const mpnAtMost = trimmedAtMost(MPN_MAX);
const amount = (cell: string) => {
  const t = cell.trim();
  return DECIMAL_PATTERN.test(t) ? t : ASK;
};
const oneOf = (values: readonly string[]) => (cell: string) => (values.includes(cell) ? cell : ASK);
/** emptyToNull (shared/schemas/common.ts): a blank cell is null. */
const orNull = (check: Check) => (cell: string) => (blank(cell) ? null : check(cell));

/**
 * The schema's fields, spelt out for the cells a catalogue file fills. A field not listed here
 * (the category paths) is checked by its own schema alone: the object's fields are independent of
 * each other (no refinement over several), so a field's own result is its result in the object.
 */
const CHECKS: Partial<Record<keyof ProductFields, Check>> = {
  sku: (cell) => {
    const sku = normaliseSku(cell);
    return skuProblem(sku) === null ? sku : ASK;
  },
  title: (cell) => {
    const t = cell.trim();
    return t.length >= 1 && t.length <= TITLE_MAX && !hasNul(t) ? t : ASK;
  },
  description: (cell) => (cell.length <= DESCRIPTION_MAX && !hasNul(cell) ? cell : ASK),
  brand: (cell) => {
    const t = cell.trim();
    return t.length <= BRAND_MAX && !hasNul(t) ? t : ASK;
  },
  gtin: orNull((cell) => {
    const gtin = normaliseGtin(cell);
    return gtinProblem(gtin) === null ? gtin : ASK;
  }),
  // A code with "E+" may be one a spreadsheet wrote in scientific notation: import-rows.ts looks.
  mpn: orNull((cell) => (cell.includes('E+') || cell.includes('e+') ? ASK : mpnAtMost(cell))),
  condition: oneOf(PRODUCT_CONDITIONS),
  price: amount,
  salePrice: orNull(amount),
  currency: (cell) => {
    const code = cell.trim().toUpperCase();
    return isCurrencyCode(code) ? code : ASK;
  },
  slug: (cell) => {
    const t = cell.trim();
    return slugProblem(t) === null ? t : ASK;
  },
  imageUrl: orNull((cell) => {
    const t = cell.trim();
    return t.length <= URL_MAX && isHttpUrl(t) ? t : ASK;
  }),
  status: oneOf(PRODUCT_STATUSES),
  itemGroupId: orNull((cell) => {
    const t = cell.trim();
    return t.length >= 1 && t.length <= ITEM_GROUP_ID_MAX ? t : ASK;
  }),
};

type Field = { key: string; check: Check; absent: { value: unknown } | 'omit' | 'required' };

/**
 * Every field of the schema in its order (the order zod writes the parsed object in), with what
 * the schema gives when the row has no cell for it: its default, nothing, or a problem.
 */
const FIELDS: Field[] = Object.entries(productCreateInput.shape).map(([key, schema]) => {
  const own = (cell: string) => {
    const parsed = schema.safeParse(cell);
    return parsed.success ? parsed.data : ASK;
  };
  const none = schema.safeParse(undefined);
  const absent = !none.success ? 'required' : none.data === undefined ? 'omit' : { value: none.data };
  return { key, check: CHECKS[key as keyof ProductFields] ?? own, absent };
});

/** A default as zod hands it out: a fresh copy of a list (zod copies defaults shallowly). */
const copyOf = (value: unknown) => (Array.isArray(value) ? [...value] : value);

/**
 * The fields `productCreateInput.safeParse(raw).data` would give, without `idempotencyKey` (a file
 * has none), or null when any cell is not plainly valid: then the schema itself must say why.
 */
export function plainProductFields(raw: Readonly<Record<string, string>>): ProductFields | null {
  const fields: Record<string, unknown> = {};
  let used = 0;
  for (const field of FIELDS) {
    const cell = raw[field.key];
    if (cell === undefined) {
      if (field.absent === 'required') return null;
      if (field.absent !== 'omit') fields[field.key] = copyOf(field.absent.value);
      continue;
    }
    used++;
    const value = field.check(cell);
    if (value === ASK) return null;
    fields[field.key] = value;
  }
  // A cell the schema does not know (it refuses unknown keys).
  if (used !== Object.keys(raw).length) return null;
  return fields as ProductFields;
}

/** locationCodeSchema's answer for a plainly valid code, or null: ask the schema. */
export function plainLocationCode(cell: string): string | null {
  const code = cell.trim().toLowerCase();
  return LOCATION_CODE_PATTERN.test(code) ? code : null;
}

/** Whether quantitySchema takes the number as it is (a whole number within ±QUANTITY_MAX); if not, ask it. */
export function plainQuantity(quantity: number): boolean {
  return Number.isSafeInteger(quantity) && quantity <= QUANTITY_MAX && quantity >= -QUANTITY_MAX;
}
