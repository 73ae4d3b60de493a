/**
 * The product form's working copy: every field as the user typed it (strings, one boolean), turned
 * into contract input only on save, so a failed save keeps exactly what was typed.
 */
import type { Input } from '../../shared/contract';
import type { Product, ProductCondition, ProductStatus } from '../../shared/schemas/product';

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
};

export type DraftField = keyof ProductDraft;

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
  };
}

export function draftFromProduct(product: Product): ProductDraft {
  return {
    sku: product.sku,
    title: product.title,
    description: product.description,
    brand: product.brand,
    gtin: product.gtin ?? '',
    mpn: product.mpn ?? '',
    condition: product.condition,
    price: product.price,
    salePrice: product.salePrice ?? '',
    currency: product.currency,
    slug: product.slug,
    imageUrl: product.imageUrl ?? '',
    status: product.status,
    itemGroupId: product.itemGroupId ?? '',
    allowBackorder: product.allowBackorder,
    preorderDate: product.preorderDate ?? '',
  };
}

/**
 * The create request. Empty optional text goes as-is (the schema reads "" as "no value"); an empty
 * currency or slug is left out so the server uses the shop's currency and makes a slug from the title.
 */
export function createInput(draft: ProductDraft): Input<'products.create'> {
  const { currency, slug, ...rest } = draft;
  return {
    ...rest,
    ...(currency.trim() ? { currency } : {}),
    ...(slug.trim() ? { slug } : {}),
  };
}

/** Only the fields that differ from the saved product, so a save never overwrites someone else's edit of another field. */
export function updateInput(draft: ProductDraft, saved: Product): Input<'products.update'> {
  const before = draftFromProduct(saved);
  const changes: Partial<ProductDraft> = {};
  const copyIfChanged = <K extends DraftField>(field: K) => {
    if (draft[field] !== before[field]) changes[field] = draft[field];
  };
  for (const field of Object.keys(draft) as DraftField[]) copyIfChanged(field);
  return { ...changes, idOrSku: saved.id };
}
