import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input, Output } from '../../../shared/contract';
import type { Webhook, WebhookDelivery } from '../../../shared/schemas/webhooks';
import { useClient } from '../api/app-api';
import { createIdempotencyKeys } from '../api/idempotency-key';

export type WebhookDraft = Omit<Input<'webhooks.create'>, 'idempotencyKey'>;

/** Webhooks (other systems told about every committed change) and what was delivered to each. */
export const useWebhooksStore = defineStore('webhooks', () => {
  const client = useClient();
  const keys = createIdempotencyKeys();
  const webhooks = ref<Webhook[]>([]);

  async function load(): Promise<void> {
    webhooks.value = (await client['webhooks.list']({})).webhooks;
  }

  /** Adds a webhook; a retry of the same draft reuses its key. The answer holds the secret, shown once. */
  async function create(draft: WebhookDraft): Promise<Output<'webhooks.create'>> {
    const created = await client['webhooks.create']({ ...draft, idempotencyKey: keys.keyFor(draft) });
    keys.reset();
    return created;
  }

  async function setEnabled(id: string, enabled: boolean): Promise<void> {
    const updated = await client['webhooks.update']({ id, enabled });
    webhooks.value = webhooks.value.map((w) => (w.id === id ? updated : w));
  }

  /** Deletes a webhook and its delivery log. */
  async function remove(id: string): Promise<void> {
    await client['webhooks.delete']({ id });
    webhooks.value = webhooks.value.filter((w) => w.id !== id);
  }

  /** The latest deliveries of one webhook, newest first. */
  async function listDeliveries(subscriptionId: string): Promise<WebhookDelivery[]> {
    return (await client['webhooks.deliveries']({ subscriptionId, limit: 20 })).deliveries;
  }

  /** Sends a delivery that was given up on once more; the answer is the delivery as it is now. */
  function retryDelivery(id: number): Promise<WebhookDelivery> {
    return client['webhooks.retry']({ id });
  }

  return { webhooks, load, create, setEnabled, remove, listDeliveries, retryDelivery };
});
