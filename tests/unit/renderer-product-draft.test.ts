import { describe, expect, it } from 'vitest';
import { productCreateInput, productUpdateInput } from '../../shared/schemas/product';
import { changedFields, createInput, draftFieldErrors, draftFieldLabel, draftFromProduct, emptyDraft, mergeDraft, updateInput } from '../../renderer/src/product-draft';
import { changedElsewhereNotice } from '../../renderer/src/live-edit';
import { createIdempotencyKeys } from '../../renderer/src/api/idempotency-key';
import { fieldErrors, sentence } from '../../renderer/src/api/errors';
import { ClientError } from '../../renderer/src/api/client';
import { productFixture } from '../helpers/fixtures';

// A GTIN, so clearing it is a change to send.
const saved = productFixture({ gtin: '4006381333931' });

const en = { locale: 'en-US', defaultCurrency: 'EUR' };
const de = { locale: 'de-DE', defaultCurrency: 'EUR' };

function input<T>(read: { ok: true; input: T } | { ok: false; problems: unknown }): T {
  if (!read.ok) throw new Error(`expected the draft to read, got ${JSON.stringify(read.problems)}`);
  return read.input;
}

describe('product draft', () => {
  it('makes a create input the contract accepts, leaving out an empty currency and slug', () => {
    const draft = { ...emptyDraft(), sku: 'mug-2', title: 'Blue mug', price: '9.90' };
    const created = input(createInput(draft, en));
    expect(created).not.toHaveProperty('currency');
    expect(created).not.toHaveProperty('slug');
    const parsed = productCreateInput.parse(created);
    expect(parsed).toMatchObject({ sku: 'MUG-2', price: '9.90', gtin: null, salePrice: null, imageUrl: null, preorderDate: null, bufferStock: null });
  });

  it('reads prices and the buffer typed in the shop locale into the contract\'s form', () => {
    const draft = { ...emptyDraft(), sku: 'mug-3', title: 'Mug', price: '1.234,5', salePrice: '999', bufferStock: '1.000' };
    expect(input(createInput(draft, de))).toMatchObject({ price: '1234.50', salePrice: '999.00', bufferStock: 1000 });
  });

  it('refuses figures it would have to guess, by field, before anything is sent', () => {
    const draft = { ...emptyDraft(), sku: 'mug-4', title: 'Mug', price: '12,500.0,1', bufferStock: '2,5' };
    expect(createInput(draft, de)).toEqual({
      ok: false,
      problems: { price: '"12,500.0,1" is not a number (write it like 1.234,56)', bufferStock: '"2,5" is not a whole number.' },
    });
  });

  it('shows saved figures in the locale', () => {
    expect(draftFromProduct(productFixture({ price: '1234.50', salePrice: '999.00', bufferStock: 12000 }), 'de-DE')).toMatchObject({
      price: '1234,50',
      salePrice: '999,00',
      bufferStock: '12000',
    });
  });

  it('sends only the changed fields on update', () => {
    const draft = { ...draftFromProduct(saved, 'en-US'), title: 'Big mug', gtin: '' };
    const update = input(updateInput(draft, saved, en));
    expect(update).toEqual({ idOrSku: saved.id, title: 'Big mug', gtin: '' });
    expect(productUpdateInput.parse(update)).toMatchObject({ title: 'Big mug', gtin: null });
  });

  it('sends a price typed as 12,5 in a German shop as 12.50, and nothing when it means what was saved', () => {
    const draft = draftFromProduct(saved, 'de-DE');
    expect(draft.price).toBe('12,50');
    expect(input(updateInput({ ...draft, price: '12,5' }, saved, de))).toEqual({ idOrSku: saved.id });
    expect(input(updateInput({ ...draft, price: '13,5' }, saved, de))).toEqual({ idOrSku: saved.id, price: '13.50' });
  });

  it('has nothing but the id to send when nothing changed', () => {
    expect(input(updateInput(draftFromProduct(saved, 'en-US'), saved, en))).toEqual({ idOrSku: saved.id });
  });
});

describe('unsaved changes', () => {
  it('are none for a form as loaded, or an empty new form', () => {
    expect(changedFields(draftFromProduct(saved, 'de-DE'), saved, de)).toEqual([]);
    expect(changedFields(emptyDraft(), null, de)).toEqual([]);
  });

  it('are the fields whose meaning changed, not how a figure is written', () => {
    const draft = draftFromProduct(saved, 'de-DE');
    expect(changedFields({ ...draft, price: '12,5', title: 'Mug' }, saved, de)).toEqual([]);
    expect(changedFields({ ...draft, price: '12,51', title: 'Big mug' }, saved, de)).toEqual(['title', 'price']);
    // What cannot be read is a change too: it is not what was saved.
    expect(changedFields({ ...draft, price: '12,5x' }, saved, de)).toEqual(['price']);
    expect(changedFields({ ...emptyDraft(), sku: 'A' }, null, de)).toEqual(['sku']);
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

  it('says an empty price is required, not how to write an amount the shop would not type', () => {
    // What the server answers for a new product whose price was left empty, from the contract's own schema.
    const draft = { ...emptyDraft(), sku: 'mug-5', title: 'Mug' };
    const parsed = productCreateInput.safeParse(input(createInput(draft, de)));
    if (parsed.success) throw new Error('an empty price should be refused');
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const error = new ClientError('validation_failed', 'x', { issues }, 422);
    expect(fieldErrors(error).price).toMatch(/12\.50/);
    expect(draftFieldErrors(fieldErrors(error), draft)).toEqual({ price: 'Price is required.' });
    // A price was typed: the server's message stands.
    expect(draftFieldErrors({ price: 'Amount has too many digits.' }, { ...draft, price: '1' })).toEqual({ price: 'Amount has too many digits.' });
  });

  it('writes messages as sentences', () => {
    expect(sentence('title is required')).toBe('Title is required.');
    expect(sentence('Done.')).toBe('Done.');
  });
});

describe('mergeDraft (the product saved elsewhere while the form has unsaved edits)', () => {
  it('keeps what was typed, exactly, and lets the other fields follow the new version', () => {
    const draft = { ...draftFromProduct(saved, 'de-DE'), title: 'Blue mug', price: '14' };
    const next = { ...saved, brand: 'Fjord', price: '13.00' };
    const result = mergeDraft(saved, draft, next, de);
    expect(result?.draft).toMatchObject({ title: 'Blue mug', price: '14', brand: 'Fjord' });
    expect(result?.merge).toMatchObject({ fromServer: ['brand'], kept: ['title', 'price'], conflicts: ['price'] });
    expect(changedElsewhereNotice('anna', 'this product', result!.merge, draftFieldLabel)).toBe(
      'anna changed this product while you were editing: 1 field updated from the server, your changes to 2 fields kept. Changed there too, yours kept: price.',
    );
  });

  it('treats a figure written differently but meaning the same as no edit, so the new price arrives', () => {
    const draft = { ...draftFromProduct(saved, 'de-DE'), price: '12,5' };
    const result = mergeDraft(saved, draft, { ...saved, price: '13.00' }, de);
    expect(result?.draft.price).toBe('13,00');
    expect(result?.merge.kept).toEqual([]);
  });

  it('is null for a version that changes none of the form (new stock figures)', () => {
    expect(mergeDraft(saved, draftFromProduct(saved, 'en-US'), { ...saved, stock: { ...saved.stock, onHand: 99 } }, en)).toBeNull();
  });
});
