/**
 * The product form's working copy: every field as the user typed it (strings, one boolean), turned
 * into contract input only on save, so a failed save keeps exactly what was typed. Prices and the
 * buffer are typed in the shop's locale ("12,50") and read into the contract's form ("12.50") here.
 */
import type { Input } from '../../shared/contract';
import { TITLE_MAX, type Product, type ProductCondition, type ProductStatus } from '../../shared/schemas/product';
import { sentence } from './api/errors';
import { mergeFields, type FieldMerge } from './live-edit';
import { amountForInput, parseAmount, parseQuantity, quantityForInput } from './number-input';

export type ProductDraft = {
  sku: string;
  title: string;
  description: string;
  brand: string;
  gtin: string;
  mpn: string;
  condition: ProductCondition;
  price: string;
  salePrice: string;
  currency: string;
  slug: string;
  imageUrl: string;
  status: ProductStatus;
  itemGroupId: string;
  allowBackorder: boolean;
  preorderDate: string;
  /** Empty: the shop-wide buffer. */
  bufferStock: string;
  /** The shop's own category path, `Home > Kitchen > Mugs`. */
  productType: string;
  /** Google's product taxonomy: an id or a path. */
  googleProductCategory: string;
};

export type DraftField = keyof ProductDraft;

/** How the figures of a draft are read: the shop's locale, and the currency an empty one means. */
export type DraftContext = { locale: string | undefined; defaultCurrency: string };

/** Problems with what was typed, by field, found before anything is sent. */
export type DraftProblems = Partial<Record<DraftField, string>>;

export type DraftRead<T> = { ok: true; input: T } | { ok: false; problems: DraftProblems };

export function emptyDraft(): ProductDraft {
  return {
    sku: '',
    title: '',
    description: '',
    brand: '',
    gtin: '',
    mpn: '',
    condition: 'new',
    price: '',
    salePrice: '',
    currency: '',
    slug: '',
    imageUrl: '',
    status: 'active',
    itemGroupId: '',
    allowBackorder: false,
    preorderDate: '',
    bufferStock: '',
    productType: '',
    googleProductCategory: '',
  };
}

export function draftFromProduct(product: Product, locale: string | undefined): ProductDraft {
  return {
    sku: product.sku,
    title: product.title,
    description: product.description,
    brand: product.brand,
    gtin: product.gtin ?? '',
    mpn: product.mpn ?? '',
    condition: product.condition,
    price: amountForInput(product.price, product.currency, locale),
    salePrice: amountForInput(product.salePrice ?? '', product.currency, locale),
    currency: product.currency,
    slug: product.slug,
    imageUrl: product.imageUrl ?? '',
    status: product.status,
    itemGroupId: product.itemGroupId ?? '',
    allowBackorder: product.allowBackorder,
    preorderDate: product.preorderDate ?? '',
    bufferStock: quantityForInput(product.bufferStock, locale),
    productType: product.productType ?? '',
    googleProductCategory: product.googleProductCategory ?? '',
  };
}

/**
 * A new product's draft made from an existing one (Duplicate): everything but what identifies the
 * original (SKU, GTIN, slug), titled "Copy of …". An archived original makes an active copy.
 */
export function duplicateDraft(product: Product, locale: string | undefined): ProductDraft {
  return {
    ...draftFromProduct(product, locale),
    sku: '',
    gtin: '',
    slug: '',
    title: `Copy of ${product.title}`.slice(0, TITLE_MAX),
    status: product.status === 'archived' ? 'active' : product.status,
  };
}

/** The opening stock typed on the new-product form: a quantity in the shop's locale, and where. */
export type OpeningStockDraft = { quantity: string; location: string };

/** The create request's openingStock (none when the quantity is empty), or the problem with it. */
export function openingStockInput(opening: OpeningStockDraft, locale: string | undefined): { ok: true; value: Array<{ location?: string; quantity: number }> } | { ok: false; problem: string } {
  if (!opening.quantity.trim()) return { ok: true, value: [] };
  const parsed = parseQuantity(opening.quantity, locale);
  if (!parsed.ok) return { ok: false, problem: sentence(parsed.problem) };
  if (parsed.value < 0) return { ok: false, problem: 'Opening stock is 0 or more.' };
  return { ok: true, value: [{ quantity: parsed.value, ...(opening.location ? { location: opening.location } : {}) }] };
}

type FieldValue = string | number | boolean | null;

/**
 * A field as the contract carries it ("12,50" → "12.50", "1.000" → 1000), or its problem. Empty
 * figures go as they are: the schema reads "" as "no value" (or says the price is required).
 */
function readField(draft: ProductDraft, field: DraftField, context: DraftContext): { value: FieldValue } | { problem: string } {
  const text = draft[field];
  if (typeof text !== 'string' || !text.trim()) return { value: field === 'bufferStock' ? null : text };
  if (field === 'price' || field === 'salePrice') {
    const parsed = parseAmount(text, draft.currency.trim() || context.defaultCurrency, context.locale);
    return parsed.ok ? { value: parsed.value } : { problem: sentence(parsed.problem) };
  }
  if (field === 'bufferStock') {
    const parsed = parseQuantity(text, context.locale);
    return parsed.ok ? { value: parsed.value } : { problem: sentence(parsed.problem) };
  }
  return { value: text };
}

/** What a field means, to tell a change from a different way of writing the same figure. */
function meaning(draft: ProductDraft, field: DraftField, context: DraftContext): FieldValue {
  const read = readField(draft, field, context);
  return 'value' in read ? read.value : `typed:${String(draft[field])}`;
}

const FIELDS = Object.keys(emptyDraft()) as DraftField[];

/**
 * The fields whose meaning differs from the saved product (or from an empty form): "12,5" where
 * 12.50 was saved is no change. The form's unsaved state and the update request both come from it.
 */
export function changedFields(draft: ProductDraft, saved: Product | null, context: DraftContext): DraftField[] {
  const before = saved ? draftFromProduct(saved, context.locale) : emptyDraft();
  return FIELDS.filter((field) => meaning(draft, field, context) !== meaning(before, field, context));
}

function readFields(draft: ProductDraft, fields: DraftField[], context: DraftContext): DraftRead<Record<string, FieldValue>> {
  const values: Record<string, FieldValue> = {};
  const problems: DraftProblems = {};
  for (const field of fields) {
    const read = readField(draft, field, context);
    if ('problem' in read) problems[field] = read.problem;
    else values[field] = read.value;
  }
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, input: values };
}

/**
 * The create request. Empty optional text goes as-is (the schema reads "" as "no value"); an empty
 * currency or slug is left out so the server uses the shop's currency and makes a slug from the title.
 */
export function createInput(draft: ProductDraft, context: DraftContext): DraftRead<Input<'products.create'>> {
  const read = readFields(draft, FIELDS, context);
  if (!read.ok) return read;
  const { currency, slug, ...rest } = read.input;
  const input = {
    ...rest,
    ...(draft.currency.trim() ? { currency } : {}),
    ...(draft.slug.trim() ? { slug } : {}),
  } as Input<'products.create'>;
  return { ok: true, input };
}

/** Only the fields that were changed, so a save never overwrites someone else's edit of another field. */
export function updateInput(draft: ProductDraft, saved: Product, context: DraftContext): DraftRead<Input<'products.update'>> {
  const read = readFields(draft, changedFields(draft, saved, context), context);
  if (!read.ok) return read;
  return { ok: true, input: { ...(read.input as Partial<Input<'products.update'>>), idOrSku: saved.id } };
}

/**
 * The server's messages by field, reworded where the draft knows better. An empty price goes to the
 * server as it is (so every other field's problem shows in the same round), and the schema then
 * describes a badly written amount "such as 12.50", which a German shop would not type: the field
 * was left empty, and says so.
 */
export function draftFieldErrors(fields: Record<string, string>, draft: ProductDraft): Record<string, string> {
  return fields.price && !draft.price.trim() ? { ...fields, price: 'Price is required.' } : fields;
}

/**
 * The form after the product was saved elsewhere: `base` is the version editing started from,
 * `next` the new one. The fields edited here (by meaning: "12,5" where 12.50 was saved is no edit)
 * stay as typed; the others follow `next`. Null when `next` changes none of the form's fields.
 */
export function mergeDraft(base: Product, draft: ProductDraft, next: Product, context: DraftContext): { draft: ProductDraft; merge: FieldMerge<ProductDraft> } | null {
  const before = draftFromProduct(base, context.locale);
  const theirs = draftFromProduct(next, context.locale);
  if (FIELDS.every((field) => before[field] === theirs[field])) return null;
  const mine: ProductDraft = { ...before };
  for (const field of changedFields(draft, base, context)) (mine as Record<DraftField, unknown>)[field] = draft[field];
  const merge = mergeFields(before, mine, theirs);
  // What was typed stays exactly as typed (mine holds it only for the fields edited by meaning).
  const kept = new Set(merge.kept);
  const values = { ...merge.merged };
  for (const field of FIELDS) if (kept.has(field)) (values as Record<DraftField, unknown>)[field] = draft[field];
  return { draft: values, merge };
}

const FIELD_LABELS: Record<DraftField, string> = {
  sku: 'SKU',
  title: 'title',
  description: 'description',
  brand: 'brand',
  gtin: 'GTIN',
  mpn: 'MPN',
  condition: 'condition',
  price: 'price',
  salePrice: 'sale price',
  currency: 'currency',
  slug: 'slug',
  imageUrl: 'image address',
  status: 'status',
  itemGroupId: 'item group',
  allowBackorder: 'backorders',
  preorderDate: 'pre-order date',
  bufferStock: 'buffer',
  productType: 'product type',
  googleProductCategory: 'Google product category',
};

/** A field of the form in words, for the "changed elsewhere" notice. */
export function draftFieldLabel(field: string): string {
  return FIELD_LABELS[field as DraftField] ?? field;
}
