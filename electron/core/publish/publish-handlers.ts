import type { Handlers } from '../../../shared/contract';
import type { Publisher } from './publisher';

/** The publish operations of the contract. */
export function createPublishHandlers(core: { publisher: Publisher }): Pick<Handlers, 'publish.status' | 'publish.issues' | 'publish.run'> {
  return {
    'publish.status': () => core.publisher.status(),
    'publish.issues': (input) => core.publisher.issues(input),
    'publish.run': (input) => core.publisher.runNow(input.full),
  };
}
