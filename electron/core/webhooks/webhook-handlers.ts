import type { Handlers } from '../../../shared/contract';
import type { Webhooks } from './webhooks';

export type WebhookOperation = 'webhooks.list' | 'webhooks.create' | 'webhooks.update' | 'webhooks.delete' | 'webhooks.deliveries' | 'webhooks.retry';

/** The webhook operations of the contract: subscriptions, the delivery log, manual retries. */
export function createWebhookHandlers({ webhooks }: { webhooks: Pick<Webhooks, 'subscriptions' | 'update' | 'deliveries' | 'retry'> }): Pick<Handlers, WebhookOperation> {
  const { subscriptions } = webhooks;
  return {
    'webhooks.list': async () => ({ webhooks: await subscriptions.list() }),
    'webhooks.create': (input) => subscriptions.create(input),
    'webhooks.update': (input) => webhooks.update(input),
    'webhooks.delete': (input) => subscriptions.delete(input.id),
    'webhooks.deliveries': (input) => webhooks.deliveries(input),
    'webhooks.retry': (input) => webhooks.retry(input.id),
  };
}
