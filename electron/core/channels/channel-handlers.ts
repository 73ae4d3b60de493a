import type { Handlers } from '../../../shared/contract';
import type { CountService } from './count-service';
import type { OrderService } from './order-service';

export type ChannelOperation = 'orders.exceptions' | 'orders.exceptions.resolve' | 'stock.counts';

export type ChannelHandlerDeps = { orders: Pick<OrderService, 'exceptions' | 'resolve'>; counts: Pick<CountService, 'apply'> };

/**
 * Contract operations of sales channels and 3PL counts. The channels' signed webhooks are not
 * contract operations: the HTTP host hands them to `OrderService.receive`.
 */
export function createChannelHandlers({ orders, counts }: ChannelHandlerDeps): Pick<Handlers, ChannelOperation> {
  return {
    'orders.exceptions': (input) => orders.exceptions(input),
    'orders.exceptions.resolve': (input) => orders.resolve(input),
    'stock.counts': (input) => counts.apply(input),
  };
}
