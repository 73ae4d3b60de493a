/**
 * Settings → Webhooks → Deliveries. A receiver that refused the connection left every delivery
 * reading "Waiting · 0 tries", the failing one too, with nothing saying why nothing went out.
 */
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../renderer/src/format';
import { deliveryStatusText, heldBehindText } from '../../renderer/src/webhook-delivery-text';

const delivery = (id: number, over: { status?: 'pending' | 'delivered' | 'parked'; attempts?: number; nextAttemptAt?: string | null } = {}) => ({
  id,
  eventId: 74 + id,
  eventType: 'stock.changed' as const,
  status: over.status ?? 'pending',
  attempts: over.attempts ?? 0,
  nextAttemptAt: over.nextAttemptAt ?? null,
});

describe('a webhook delivery’s status', () => {
  it('says a pending delivery failed and when it is tried again', () => {
    const next = '2026-12-06T21:00:47.901Z';
    expect(deliveryStatusText(delivery(1, { attempts: 6, nextAttemptAt: next }))).toBe(`Failed; next try ${formatDateTime(next)}`);
    expect(deliveryStatusText(delivery(1, { attempts: 1 }))).toBe('Failed; trying again');
  });

  it('keeps Waiting, Delivered and Gave up for the others', () => {
    expect(deliveryStatusText(delivery(2))).toBe('Waiting');
    expect(deliveryStatusText(delivery(2, { status: 'delivered', attempts: 1 }))).toBe('Delivered');
    expect(deliveryStatusText(delivery(2, { status: 'parked', attempts: 10 }))).toBe('Gave up');
  });
});

describe('why newer deliveries wait', () => {
  it('names the failing delivery they wait behind, newest first as the list shows them', () => {
    const list = [delivery(3), delivery(2), delivery(1, { attempts: 6 })];
    expect(heldBehindText(list)).toBe('Changes go out in order: 2 newer deliveries wait until stock.changed #75 gets through or is given up.');
    expect(heldBehindText([delivery(2), delivery(1, { attempts: 1 })])).toBe('Changes go out in order: 1 newer delivery waits until stock.changed #75 gets through or is given up.');
  });

  it('says nothing when nothing fails or nothing waits behind it', () => {
    expect(heldBehindText([delivery(2), delivery(1)])).toBeNull();
    expect(heldBehindText([delivery(2, { status: 'delivered', attempts: 1 }), delivery(1, { attempts: 3 })])).toBeNull();
    expect(heldBehindText([])).toBeNull();
  });
});
