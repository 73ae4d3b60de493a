import { describe, expect, it } from 'vitest';
import type { Reservation } from '../../shared/schemas/stock';
import {
  canUndoFulfil,
  fulfilledNotice,
  fulfilQuestion,
  lineText,
  orderSource,
  releasedNotice,
  releaseQuestion,
  settledByText,
  settlementText,
  undoneNotice,
} from '../../renderer/src/order-text';

const line: Reservation = {
  id: '01900000-0000-7000-8000-000000000001',
  sku: 'BOWL-1',
  title: 'Stoneware bowl',
  location: 'shop',
  locationName: 'Shop floor',
  quantity: 2,
  reference: 'Shopify order #1042',
  status: 'held',
  channel: 'shopify',
  settledBy: null,
  expiresAt: null,
  createdAt: '2026-12-14T10:00:00.000Z',
  updatedAt: '2026-12-14T10:00:00.000Z',
};

describe('the Orders screen in words', () => {
  it('names the product by title and SKU and the location by name, never by code alone', () => {
    expect(lineText(line)).toBe('2 × Stoneware bowl (BOWL-1) at Shop floor');
    expect(lineText({ ...line, title: '' })).toBe('2 × BOWL-1 at Shop floor');
    for (const text of [fulfilledNotice(line), releasedNotice(line), undoneNotice(line), fulfilQuestion(line).body]) {
      expect(text).toContain('Stoneware bowl (BOWL-1)');
      expect(text).toContain('Shop floor');
      expect(text).not.toMatch(/\bshop\b/);
    }
  });

  it('says the order name once: the reference already names its channel', () => {
    const question = fulfilQuestion(line);
    expect(question.title).toBe('Fulfil Shopify order #1042?');
    for (const text of [question.title, question.body, fulfilledNotice(line), undoneNotice(line)]) {
      expect(text).not.toContain('Shopify order Shopify order');
    }
  });

  it('says what Fulfil does to stock before it is done', () => {
    expect(fulfilQuestion(line).body).toBe(
      '2 × Stoneware bowl (BOWL-1) leave Shop floor as a sale: on hand there goes down by 2, and they are no longer held for Shopify order #1042. You can undo this afterwards.',
    );
  });

  it('says one unit in the singular, as most channel orders are', () => {
    const one = { ...line, quantity: 1 };
    expect(fulfilQuestion(one).body).toBe(
      '1 × Stoneware bowl (BOWL-1) leaves Shop floor as a sale: on hand there goes down by 1, and it is no longer held for Shopify order #1042. You can undo this afterwards.',
    );
    expect(releaseQuestion(one)).toBe(
      'The 1 × Stoneware bowl (BOWL-1) held at Shop floor for Shopify order #1042 becomes available to sell again. Do this when the order was cancelled.',
    );
    expect(undoneNotice(one)).toBe('Undone: 1 × Stoneware bowl (BOWL-1) is back on hand at Shop floor, held for Shopify order #1042 again.');
    expect(releaseQuestion(line)).toBe(
      'The 2 × Stoneware bowl (BOWL-1) held at Shop floor for Shopify order #1042 become available to sell again. Do this when the order was cancelled.',
    );
    expect(undoneNotice(line)).toBe('Undone: 2 × Stoneware bowl (BOWL-1) are back on hand at Shop floor, held for Shopify order #1042 again.');
  });

  it('says where an order came from and who settled it', () => {
    expect(orderSource('shopify')).toBe('Shopify');
    expect(orderSource(null)).toBe('Stockfeed (app or API)');
    expect(settledByText('woocommerce')).toBe('WooCommerce');
    expect(settledByText('stockfeed')).toBe('Stockfeed (app or API)');
    expect(settledByText('expiry')).toBe('Reservation expired');
    expect(settledByText(null)).toBe('Not recorded');
    expect(settlementText({ status: 'fulfilled', settledBy: 'shopify' })).toBe('Fulfilled by Shopify');
    expect(settlementText({ status: 'released', settledBy: 'stockfeed' })).toBe('Released by Stockfeed (app or API)');
    expect(settlementText({ status: 'expired', settledBy: 'expiry' })).toBe('Expired: nobody shipped it in time');
    expect(settlementText({ status: 'fulfilled', settledBy: null })).toBe('Fulfilled (by whom was not recorded then)');
  });

  it('offers Undo only for a shipment made in Stockfeed, as the core allows', () => {
    const shipped = { ...line, status: 'fulfilled' as const };
    expect(canUndoFulfil({ ...shipped, settledBy: 'stockfeed' })).toBe(true);
    expect(canUndoFulfil({ ...shipped, settledBy: 'shopify' })).toBe(false);
    expect(canUndoFulfil({ ...shipped, settledBy: null })).toBe(false);
    expect(canUndoFulfil({ ...shipped, channel: null, settledBy: null })).toBe(true);
    expect(canUndoFulfil({ ...line, settledBy: 'stockfeed', status: 'released' })).toBe(false);
  });
});
