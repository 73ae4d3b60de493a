import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { OrderException } from '../../../shared/schemas/channels';
import type { Reservation, ReservationResult } from '../../../shared/schemas/stock';
import { useClient } from '../api/app-api';
import { newIdempotencyKey } from '../api/idempotency-key';
import { useChangesStore } from './changes';

/** Held reservations and open channel-order exceptions, kept live from the change stream. */
export const useReservationsStore = defineStore('reservations', () => {
  const client = useClient();
  const held = ref<Reservation[]>([]);
  const exceptions = ref<OrderException[]>([]);
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    const [reservations, open] = await Promise.all([
      client['reservations.list']({ status: 'held', limit: 500 }),
      client['orders.exceptions']({ status: 'open', limit: 200 }),
    ]);
    held.value = reservations.reservations;
    exceptions.value = open.exceptions;
    loaded.value = true;
  }

  // Reservations are made by orders from anywhere (a channel, a script); reload when one changes.
  useChangesStore().on(['stock.changed', 'reservation.changed', 'order.changed', 'order.exception'], (changes) => {
    if (!loaded.value) return;
    const relevant = changes.some((c) => c.type !== 'stock.changed' || c.payload.reservation !== undefined);
    if (!relevant) return;
    clearTimeout(timer);
    timer = setTimeout(() => void load().catch(() => undefined), 150);
  });

  function drop(id: string): void {
    held.value = held.value.filter((r) => r.id !== id);
  }

  async function fulfil(id: string): Promise<ReservationResult> {
    const result = await client['reservations.fulfil']({ id, idempotencyKey: newIdempotencyKey() });
    drop(id);
    return result;
  }

  async function release(id: string): Promise<ReservationResult> {
    const result = await client['reservations.release']({ id, idempotencyKey: newIdempotencyKey() });
    drop(id);
    return result;
  }

  /**
   * Takes a shipment back (the core records a return naming the sale and holds the units for the
   * order again). The key names the shipment, so a double click or a second window undoes it once.
   */
  async function undoFulfil(shipped: Reservation): Promise<ReservationResult> {
    const result = await client['reservations.undoFulfil']({ id: shipped.id, idempotencyKey: `undo-fulfil-${shipped.id}-${shipped.updatedAt}` });
    const { seq: _seq, stock: _stock, ...reservation } = result;
    held.value = [reservation, ...held.value.filter((r) => r.id !== reservation.id)].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    return result;
  }

  async function resolve(id: string, action: 'retry' | 'dismiss'): Promise<OrderException> {
    const result = await client['orders.exceptions.resolve']({ id, action });
    exceptions.value = exceptions.value.filter((e) => e.id !== id || result.status === 'open');
    return result;
  }

  return { held, exceptions, loaded, load, fulfil, release, undoFulfil, resolve };
});
