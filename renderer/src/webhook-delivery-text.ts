/** Words for a webhook's deliveries in Settings: where each stands, and why newer ones wait. */
import type { WebhookDelivery } from '../../shared/schemas/webhooks';
import { formatDateTime } from './format';

/**
 * One delivery's status. A pending delivery that has failed is not just "Waiting": it says so and
 * when it is tried again (the receiver's answer is in its own column).
 */
export function deliveryStatusText(d: Pick<WebhookDelivery, 'status' | 'attempts' | 'nextAttemptAt'>): string {
  if (d.status === 'delivered') return 'Delivered';
  if (d.status === 'parked') return 'Gave up';
  if (d.attempts === 0) return 'Waiting';
  return d.nextAttemptAt ? `Failed; next try ${formatDateTime(d.nextAttemptAt)}` : 'Failed; trying again';
}

/**
 * Why the newer deliveries of a webhook say "Waiting" with no try: a receiver gets its changes in
 * order, so while the oldest pending one keeps failing the rest wait behind it. Null when none is.
 */
export function heldBehindText(deliveries: ReadonlyArray<Pick<WebhookDelivery, 'id' | 'status' | 'attempts' | 'eventType' | 'eventId'>>): string | null {
  const pending = deliveries.filter((d) => d.status === 'pending');
  const failing = pending.filter((d) => d.attempts > 0).sort((a, b) => a.id - b.id)[0];
  if (!failing) return null;
  const behind = pending.filter((d) => d.id > failing.id).length;
  if (behind === 0) return null;
  const newer = behind === 1 ? '1 newer delivery waits' : `${behind} newer deliveries wait`;
  return `Changes go out in order: ${newer} until ${failing.eventType} #${failing.eventId} gets through or is given up.`;
}
