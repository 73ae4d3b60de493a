import { describe, expect, it } from 'vitest';
import { productCreateInput, productUpdateInput } from '../../shared/schemas/product';
import { createInput, draftFromProduct, emptyDraft, updateInput } from '../../renderer/src/product-draft';
import { createIdempotencyKeys } from '../../renderer/src/api/idempotency-key';
import { fieldErrors, sentence } from '../../renderer/src/api/errors';
import { ClientError } from '../../renderer/src/api/client';
import { productFixture } from '../helpers/fixtures';

// A GTIN, so clearing it is a change to send.
const saved = productFixture({ gtin: '4006381333931' });

describe('product draft', () => {
  it('makes a create input the contract accepts, leaving out an empty currency and slug', () => {
    const draft = { ...emptyDraft(), sku: 'mug-2', title: 'Blue mug', price: '9.90' };
    const input = createInput(draft);
    expect(input).not.toHaveProperty('currency');
    expect(input).not.toHaveProperty('slug');
    const parsed = productCreateInput.parse(input);
    expect(parsed).toMatchObject({ sku: 'MUG-2', gtin: null, salePrice: null, imageUrl: null, preorderDate: null });
  });

  it('sends only the changed fields on update', () => {
    const draft = { ...draftFromProduct(saved), title: 'Big mug', gtin: '' };
    const input = updateInput(draft, saved);
    expect(input).toEqual({ idOrSku: saved.id, title: 'Big mug', gtin: '' });
    expect(productUpdateInput.parse(input)).toMatchObject({ title: 'Big mug', gtin: null });
  });

  it('has nothing but the id to send when nothing changed', () => {
    expect(updateInput(draftFromProduct(saved), saved)).toEqual({ idOrSku: saved.id });
  });
});

describe('idempotency keys', () => {
  it('repeats the key for a retry of the same body and makes a new one for a new body or after success', () => {
    let n = 0;
    const keys = createIdempotencyKeys(() => `k${++n}`);
    expect(keys.keyFor({ q: 5 })).toBe('k1');
    expect(keys.keyFor({ q: 5 })).toBe('k1');
    expect(keys.keyFor({ q: 6 })).toBe('k2');
    keys.reset();
    expect(keys.keyFor({ q: 6 })).toBe('k3');
  });
});

describe('field errors', () => {
  it('maps issue paths to fields as sentences, and a conflict to the field it names', () => {
    const validation = new ClientError(
      'validation_failed',
      'x',
      { issues: [{ path: 'gtin', message: 'GTIN has 5 digits' }, { path: 'additionalImageUrls.2', message: 'must be a URL' }] },
      422,
    );
    expect(fieldErrors(validation)).toEqual({ gtin: 'GTIN has 5 digits.', additionalImageUrls: 'Must be a URL.' });
    const conflict = new ClientError('conflict', 'A product with SKU MUG-1 already exists', { field: 'sku' }, 409);
    expect(fieldErrors(conflict)).toEqual({ sku: 'A product with SKU MUG-1 already exists.' });
  });

  it('writes messages as sentences', () => {
    expect(sentence('title is required')).toBe('Title is required.');
    expect(sentence('Done.')).toBe('Done.');
  });
});
