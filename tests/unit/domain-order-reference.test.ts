import { describe, expect, it } from 'vitest';
import { shopifyEvent, wooEvent } from '../../electron/core/channels/channel-events';
import { channelOrderReference } from '../../shared/domain/order-reference';
import { shopifyOrder, wooOrder } from '../fixtures/channels/channel-requests';

describe('the name of a channel order', () => {
  it('names the channel once, whether it is given a number, a name, or a name that already says it', () => {
    expect(channelOrderReference('shopify', '#1042')).toBe('Shopify order #1042');
    expect(channelOrderReference('shopify', 1042)).toBe('Shopify order #1042');
    expect(channelOrderReference('woocommerce', '727')).toBe('WooCommerce order #727');
    expect(channelOrderReference('woocommerce', 'WC-727')).toBe('WooCommerce order WC-727');
    // The doubled label of issue 14: a reference that already names the channel is kept as it is.
    expect(channelOrderReference('shopify', 'Shopify order #1042')).toBe('Shopify order #1042');
    expect(channelOrderReference('shopify', '#'.padEnd(300, '9'))).toHaveLength(200);
  });

  it('is the reference of every order event, so a screen shows it as it is', () => {
    const events = [
      shopifyEvent('orders/create', shopifyOrder(1042, [['MUG-1', 1]])),
      shopifyEvent('orders/create', { ...shopifyOrder(1042, [['MUG-1', 1]]), name: null }),
      wooEvent('order.created', wooOrder(727, 'processing', [['MUG-1', 1]])),
      wooEvent('order.deleted', { id: 727 }),
    ];
    expect(events.map((e) => (e.kind === 'ignore' ? null : e.reference))).toEqual([
      'Shopify order #1042',
      'Shopify order #1042',
      'WooCommerce order #727',
      'WooCommerce order #727',
    ]);
  });
});
