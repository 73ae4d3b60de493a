import type { Handlers } from '../../../shared/contract';
import type { Core } from '../core';

type ChannelHandlers = Pick<Handlers, 'orders.exceptions' | 'orders.exceptions.resolve' | 'stock.counts' | 'auth.rotateToken'>;

/** Contract operations of sales channels, 3PL counts and token rotation. */
export function createChannelHandlers(core: Pick<Core, 'orders' | 'counts' | 'tokens'>): ChannelHandlers {
  return {
    'orders.exceptions': (input) => core.orders.exceptions(input),
    'orders.exceptions.resolve': (input) => core.orders.resolve(input),
    'stock.counts': (input) => core.counts.apply(input),
    'auth.rotateToken': async () => core.tokens.rotate(),
  };
}
