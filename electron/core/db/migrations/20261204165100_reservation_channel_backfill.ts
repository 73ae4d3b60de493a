import type { Knex } from 'knex';

// Forward-only. Data change only: the channel of reservations made before the previous migration.
//
// A channel order keeps the ids of the reservations it holds in its lines (JSON), so each one's
// channel is known. Batched by order (500 at a time, in id order) so a long-running shop's orders
// never sit in memory at once. Safe to run twice: only reservations without a channel are touched.

const BATCH = 500;

export async function up(knex: Knex): Promise<void> {
  let after = '';
  for (;;) {
    const orders = (await knex('channel_orders').select('id', 'channel', 'lines').where('id', '>', after).orderBy('id').limit(BATCH)) as Array<{
      id: string;
      channel: string;
      lines: string;
    }>;
    if (orders.length === 0) return;
    const byChannel = new Map<string, string[]>();
    for (const order of orders) {
      let lines: unknown;
      try {
        lines = JSON.parse(order.lines);
      } catch {
        continue;
      }
      if (!Array.isArray(lines)) continue;
      const ids = lines.flatMap((l: { reservationId?: unknown }) => (typeof l?.reservationId === 'string' ? [l.reservationId] : []));
      byChannel.set(order.channel, [...(byChannel.get(order.channel) ?? []), ...ids]);
    }
    for (const [channel, ids] of byChannel) {
      for (let i = 0; i < ids.length; i += BATCH) {
        await knex('reservations').whereIn('id', ids.slice(i, i + BATCH)).whereNull('channel').update({ channel });
      }
    }
    after = (orders[orders.length - 1] as { id: string }).id;
  }
}

export async function down(): Promise<void> {
  throw new Error('Stockfeed migrations are forward-only; restore a backup to go back.');
}
