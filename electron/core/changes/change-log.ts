import type { Knex } from 'knex';
import { actorColumns, actorFromColumns, type Actor } from '../actor';
import type { Change, ChangeType } from '../../../shared/schemas/changes';
import type { ParsedInput } from '../../../shared/contract';
import type { Db } from '../util/db-helpers';
import { MAX_ROWS_PER_INSERT, num } from '../util/db-helpers';

export type NewChange = {
  type: ChangeType;
  productId: string | null;
  sku: string | null;
  payload: Record<string, unknown>;
  /** Who made it; the transaction's actor when absent (see write-queue.ts). */
  actor?: Actor;
};

export type ChangeRow = {
  seq: number | string;
  type: string;
  product_id: string | null;
  sku: string | null;
  payload: string;
  created_at: string;
  actor_kind?: string | null;
  actor_id?: string | null;
  actor_name?: string | null;
};

export function toChange(row: ChangeRow): Change {
  return {
    seq: num(row.seq),
    type: row.type as ChangeType,
    sku: row.sku,
    productId: row.product_id,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    actor: actorFromColumns(row),
    createdAt: row.created_at,
  };
}

/**
 * Appends entries to the change log inside the caller's transaction and returns them with their
 * sequence numbers, in order. Writers are serialised (one queue per process, plus an advisory lock
 * on PostgreSQL), so sequence order is commit order and a reader never skips a later-committed row.
 */
export async function appendChanges(trx: Knex.Transaction, entries: NewChange[], now: string, actor: Actor): Promise<Change[]> {
  if (entries.length === 0) return [];
  const rows = entries.map((e) => ({
    type: e.type,
    product_id: e.productId,
    sku: e.sku,
    payload: JSON.stringify(e.payload),
    created_at: now,
    ...actorColumns(e.actor ?? actor),
  }));
  const out: Change[] = [];
  // Chunked to stay under the parameter limit; RETURNING gives the sequence numbers in insert order.
  for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + MAX_ROWS_PER_INSERT);
    const returned: Array<{ seq: number | string }> = await trx('changes').insert(chunk).returning(['seq']);
    const seqs = returned.map((r) => num(r.seq));
    for (let j = 1; j < seqs.length; j++) {
      if ((seqs[j] as number) <= (seqs[j - 1] as number)) throw new Error('change log sequence is not increasing');
    }
    chunk.forEach((row, j) =>
      out.push(toChange({ ...row, seq: seqs[j] as number })),
    );
  }
  return out;
}

export async function listChanges(db: Db, input: ParsedInput<'changes.list'>): Promise<{ changes: Change[]; next: number }> {
  let q = db<ChangeRow>('changes').where('seq', '>', input.since).orderBy('seq', 'asc').limit(input.limit);
  if (input.type) q = q.andWhere('type', input.type);
  if (input.sku) q = q.andWhere('sku', input.sku);
  const rows = (await q) as ChangeRow[];
  const changes = rows.map(toChange);
  const last = changes[changes.length - 1];
  return { changes, next: last ? last.seq : input.since };
}

export async function latestSeq(db: Db): Promise<number> {
  const row = (await db('changes').max({ seq: 'seq' }).first()) as { seq: number | string | null } | undefined;
  return num(row?.seq ?? 0);
}

type Listener = (changes: Change[]) => void;

/** In-process fan-out of committed changes to whatever reacts to them (SSE, publishers, UI). */
export class ChangeBus {
  private listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(changes: Change[]): void {
    if (changes.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch {
        // A failing listener must not break the writer or other listeners; each logs its own errors.
      }
    }
  }
}
