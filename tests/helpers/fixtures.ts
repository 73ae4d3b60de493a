/**
 * Test data shared by the unit tests, so a change to a shape (a new product field) is made once.
 * Each test overrides what it is about, so the values it asserts stay visible in the test itself.
 */
import type { Product } from '../../shared/schemas/product';

/** A product as the API returns it: an active mug with a little stock. */
export function productFixture(overrides: Partial<Product> = {}): Product {
  return {
    id: '4f3c1a52-9a0e-4a57-9a43-2a7a1c9a7b11',
    sku: 'MUG-1',
    title: 'Mug',
    description: '',
    brand: '',
    gtin: null,
    mpn: null,
    condition: 'new',
    price: '12.50',
    salePrice: null,
    currency: 'EUR',
    slug: 'mug',
    imageUrl: null,
    additionalImageUrls: [],
    status: 'active',
    itemGroupId: null,
    allowBackorder: false,
    preorderDate: null,
    bufferStock: null,
    productType: null,
    googleProductCategory: null,
    createdAt: '2026-11-26T12:00:00.000Z',
    updatedAt: '2026-11-26T12:00:00.000Z',
    stock: { onHand: 3, committed: 1, incoming: 0, available: 2, availability: 'in_stock', availabilityDate: null },
    ...overrides,
  };
}
