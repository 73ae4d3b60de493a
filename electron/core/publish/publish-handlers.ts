import type { Handlers } from '../../../shared/contract';
import { previewProduct, type PreviewDeps } from './preview';
import type { Publisher } from './publisher';

export type PublishOperation = 'publish.status' | 'publish.issues' | 'publish.run' | 'publish.preview';

export type PublishHandlerDeps = { publisher: Pick<Publisher, 'status' | 'issues' | 'runNow'>; preview: PreviewDeps };

/** The publish operations of the contract. */
export function createPublishHandlers({ publisher, preview }: PublishHandlerDeps): Pick<Handlers, PublishOperation> {
  return {
    'publish.status': () => publisher.status(),
    'publish.issues': (input) => publisher.issues(input),
    'publish.run': (input) => publisher.runNow(input.full),
    'publish.preview': (input) => previewProduct(preview, input.sku),
  };
}
