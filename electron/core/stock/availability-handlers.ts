import type { AnswersAtHand, Handlers } from '../../../shared/contract';
import type { AvailabilityReader } from './availability-reader';

export type AvailabilityOperation = 'availability.list' | 'availability.get';

/** The storefront's reads: cached, and open to storefront tokens (the HTTP layer decides that). */
export function createAvailabilityHandlers({ availability }: { availability: Pick<AvailabilityReader, 'list' | 'get'> }): Pick<Handlers, AvailabilityOperation> {
  return {
    'availability.list': (input) => availability.list(input.skus),
    'availability.get': (input) => availability.get(input.sku),
  };
}

/** The same reads when the in-process cache has them: answered without waiting (see AnswersAtHand). */
export function createAvailabilityAtHand({ availability }: { availability: Pick<AvailabilityReader, 'peek' | 'peekList'> }): Pick<AnswersAtHand, AvailabilityOperation> {
  return {
    'availability.list': (input) => availability.peekList(input.skus),
    'availability.get': (input) => availability.peek(input.sku),
  };
}
