import { describe, expect, it } from 'vitest';
import { AppError, type FieldIssue } from '../../shared/errors';
import { productCreateInput, productUpdateInput } from '../../shared/schemas/product';
import { parseInput } from '../../shared/validation';

const minimal = { sku: 'MUG-1', title: 'Blue mug', price: '12.50' };

/** The issues parseInput reports for a bad input (and fails the test when it accepts it). */
function issuesOf(value: unknown, schema: typeof productCreateInput | typeof productUpdateInput = productCreateInput): FieldIssue[] {
  try {
    parseInput(schema, value);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('validation_failed');
    expect(appError.status).toBe(422);
    return (appError.details as { issues: FieldIssue[] }).issues;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe('productCreateInput: accepted and normalised', () => {
  it('fills the defaults for a minimal product', () => {
    expect(parseInput(productCreateInput, minimal)).toEqual({
      sku: 'MUG-1',
      title: 'Blue mug',
      description: '',
      brand: '',
      gtin: null,
      mpn: null,
      condition: 'new',
      price: '12.50',
      salePrice: null,
      imageUrl: null,
      additionalImageUrls: [],
      status: 'active',
      itemGroupId: null,
      allowBackorder: false,
      preorderDate: null,
      bufferStock: null,
      productType: null,
      googleProductCategory: null,
    });
  });

  it('normalises the SKU (trim, upper case) and the GTIN (spaces and hyphens dropped)', () => {
    const parsed = parseInput(productCreateInput, { ...minimal, sku: '  mug-1.blue ', gtin: '4006-3813 33931' });
    expect(parsed.sku).toBe('MUG-1.BLUE');
    expect(parsed.gtin).toBe('4006381333931');
  });

  it('upper-cases the currency and trims the title', () => {
    const parsed = parseInput(productCreateInput, { ...minimal, title: '  Blue mug  ', currency: ' eur ' });
    expect(parsed.currency).toBe('EUR');
    expect(parsed.title).toBe('Blue mug');
  });

  it('reads empty strings from forms and CSV cells as "no value"', () => {
    const parsed = parseInput(productCreateInput, { ...minimal, gtin: '', salePrice: ' ', imageUrl: '', mpn: '', preorderDate: '' });
    expect(parsed).toMatchObject({ gtin: null, salePrice: null, imageUrl: null, mpn: null, preorderDate: null });
  });

  it('keeps money as the decimal string it was given', () => {
    const parsed = parseInput(productCreateInput, { ...minimal, price: ' 19.99 ', salePrice: '15' });
    expect(parsed.price).toBe('19.99');
    expect(parsed.salePrice).toBe('15');
  });

  it('accepts http and https image URLs', () => {
    const parsed = parseInput(productCreateInput, {
      ...minimal,
      imageUrl: 'https://shop.example/img/mug.jpg',
      additionalImageUrls: ['http://cdn.example/a.png'],
    });
    expect(parsed.imageUrl).toBe('https://shop.example/img/mug.jpg');
    expect(parsed.additionalImageUrls).toEqual(['http://cdn.example/a.png']);
  });
});

describe('productCreateInput: refused, naming the field', () => {
  it('refuses a float price: money never travels as a number', () => {
    expect(issuesOf({ ...minimal, price: 12.5 })).toEqual([
      { path: 'price', message: 'amount must be a decimal string such as "12.50", not a number' },
    ]);
    expect(issuesOf({ ...minimal, salePrice: 9.99 })).toEqual([
      { path: 'salePrice', message: 'amount must be a decimal string such as "12.50", not a number' },
    ]);
  });

  it.each(['-1', '12,50', '1e3', 'free'])('refuses the price %j', (price) => {
    expect(issuesOf({ ...minimal, price })).toEqual([{ path: 'price', message: 'amount must be a non-negative decimal such as "12.50"' }]);
  });

  it.each(['javascript:alert(1)', 'ftp://files.example/mug.jpg', 'mug.jpg', '//cdn.example/mug.jpg', 'data:image/png;base64,AAAA', 'https://'])(
    'refuses the image URL %j',
    (imageUrl) => {
      expect(issuesOf({ ...minimal, imageUrl })).toEqual([{ path: 'imageUrl', message: 'must be an absolute http:// or https:// URL' }]);
    },
  );

  it('names the position of a bad additional image URL', () => {
    expect(issuesOf({ ...minimal, additionalImageUrls: ['https://ok.example/a.jpg', 'not a url'] })).toEqual([
      { path: 'additionalImageUrls.1', message: 'must be an absolute http:// or https:// URL' },
    ]);
  });

  it('refuses more than 10 additional images', () => {
    const urls = Array.from({ length: 11 }, (_, i) => `https://cdn.example/${i}.jpg`);
    expect(issuesOf({ ...minimal, additionalImageUrls: urls })).toEqual([{ path: 'additionalImageUrls', message: 'at most 10 additional images' }]);
  });

  it('refuses unknown fields and lists them, so a typo is not silently dropped', () => {
    expect(issuesOf({ ...minimal, colour: 'blue', sale_price: '9.99' })).toEqual([
      { path: '(body)', message: 'unknown field(s): colour, sale_price' },
    ]);
  });

  it('refuses read-only fields on create (id, stock)', () => {
    expect(issuesOf({ ...minimal, id: '00000000-0000-4000-8000-000000000000' })).toEqual([{ path: '(body)', message: 'unknown field(s): id' }]);
  });

  it('refuses a bad SKU and a bad GTIN with the domain messages', () => {
    expect(issuesOf({ ...minimal, sku: 'mug 1', gtin: '4006381333932' })).toEqual([
      { path: 'sku', message: 'SKU may contain only letters, digits, "-", "_" and "." (found " ")' },
      { path: 'gtin', message: 'GTIN check digit is 2 but should be 1; check for a typing error' },
    ]);
  });

  it('requires sku, title and price', () => {
    expect(issuesOf({})).toEqual([
      { path: 'sku', message: 'SKU is required' },
      { path: 'title', message: 'title is required' },
      { path: 'price', message: 'amount must be a decimal string such as "12.50", not a number' },
    ]);
    expect(issuesOf({ ...minimal, title: '   ' })).toEqual([{ path: 'title', message: 'title is required' }]);
  });

  it('refuses unknown currencies, conditions, statuses, bad slugs and dates', () => {
    expect(
      issuesOf({ ...minimal, currency: 'EURO', condition: 'broken', status: 'gone', slug: 'Blue Mug', preorderDate: '24/12/2026' }),
    ).toEqual([
      { path: 'condition', message: 'condition is new, refurbished or used' },
      { path: 'currency', message: 'currency must be an ISO 4217 code such as EUR, USD or GBP' },
      { path: 'slug', message: 'slug may contain only lower-case letters, digits and single hyphens between them' },
      { path: 'status', message: 'status is active, archived or discontinued' },
      { path: 'preorderDate', message: 'preorder date must be a date like 2026-12-24' },
    ]);
  });

  it('puts the first problem and the count of the others in the error message', () => {
    expect(() => parseInput(productCreateInput, { ...minimal, price: 1, imageUrl: 'x' })).toThrow(
      'price: amount must be a decimal string such as "12.50", not a number (and 1 more)',
    );
  });

  it('refuses a body that is not an object', () => {
    expect(issuesOf(null)).toEqual([{ path: '(body)', message: 'Invalid input: expected object, received null' }]);
    expect(issuesOf([minimal])).toHaveLength(1);
  });
});

describe('productUpdateInput', () => {
  it('accepts a partial change and normalises what it contains', () => {
    expect(parseInput(productUpdateInput, { idOrSku: 'MUG-1', sku: ' mug-2 ', gtin: '0 36000 29145 2' })).toEqual({
      idOrSku: 'MUG-1',
      sku: 'MUG-2',
      gtin: '036000291452',
    });
  });

  it('accepts the read-only fields a client echoes back after a GET', () => {
    const parsed = parseInput(productUpdateInput, { idOrSku: 'MUG-1', id: 'x', createdAt: 'y', stock: {}, title: 'New' });
    expect(parsed.title).toBe('New');
  });

  it('refuses a float price and unknown fields just like create', () => {
    const issues = issuesOf({ idOrSku: 'MUG-1', price: 3.5, colour: 'red' }, productUpdateInput);
    expect(issues).toHaveLength(2);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: '(body)', message: 'unknown field(s): colour' },
        { path: 'price', message: 'amount must be a decimal string such as "12.50", not a number' },
      ]),
    );
  });
});
