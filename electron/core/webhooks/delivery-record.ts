/**
 * Writes the results of a page of delivery attempts in one statement (a CASE per column), so the
 * worker adds one short transaction per page to the write queue, not one statement per delivery.
 */
import type { Knex } from 'knex';

export type DeliveryUpdate = {
  id: number;
  status: 'pending' | 'delivered' | 'parked';
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string;
  response_code: number | null;
  duration_ms: number;
  error: string | null;
  delivered_at: string | null;
};

/** Column and its SQL type: PostgreSQL needs the type of a parameter that may be null. */
const COLUMNS: Array<[keyof Omit<DeliveryUpdate, 'id'>, 'INTEGER' | 'VARCHAR']> = [
  ['status', 'VARCHAR'],
  ['attempts', 'INTEGER'],
  ['next_attempt_at', 'VARCHAR'],
  ['last_attempt_at', 'VARCHAR'],
  ['response_code', 'INTEGER'],
  ['duration_ms', 'INTEGER'],
  ['error', 'VARCHAR'],
  ['delivered_at', 'VARCHAR'],
];

/** Rows per statement: 17 parameters each, well under either engine's limit. */
const CHUNK = 500;

/** Updates only rows still pending: a deleted subscription's rows are gone and stay gone. */
export async function recordDeliveries(trx: Knex.Transaction, updates: DeliveryUpdate[]): Promise<void> {
  for (let i = 0; i < updates.length; i += CHUNK) {
    const chunk = updates.slice(i, i + CHUNK);
    const bindings: unknown[] = [];
    const sets = COLUMNS.map(([column, type]) => {
      const whens = chunk.map((u) => {
        bindings.push(u.id, u[column]);
        return `WHEN ? THEN CAST(? AS ${type})`;
      });
      return `${column} = CASE id ${whens.join(' ')} END`;
    });
    bindings.push(...chunk.map((u) => u.id));
    await trx.raw(
      `UPDATE webhook_deliveries SET ${sets.join(', ')} WHERE id IN (${chunk.map(() => '?').join(', ')}) AND status = 'pending'`,
      bindings as Knex.RawBinding[],
    );
  }
}
