import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { Db } from './util/db-helpers';
import { chunkValues } from './util/db-helpers';
import type { WriteContext } from './write-queue';

export type IdempotencyRow = {
  key: string;
  operation: string;
  request_hash: string;
  response: string;
  created_at: string;
};

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'idempotencyKey' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A fingerprint of the parsed request (key excluded): the same key with another body is a conflict. */
export function requestHash(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(stableJson(input)).digest('hex');
}

export async function findKeys(db: Db, keys: string[]): Promise<Map<string, IdempotencyRow>> {
  const found = new Map<string, IdempotencyRow>();
  for (const chunk of chunkValues([...new Set(keys)], 5000)) {
    const rows = (await db('idempotency_keys').whereIn('key', chunk)) as IdempotencyRow[];
    for (const row of rows) found.set(row.key, row);
  }
  return found;
}

/** The first result for a repeated key, or a conflict when the key was used for something else. */
export function replay<T>(row: Pick<IdempotencyRow, 'operation' | 'request_hash' | 'response' | 'key'>, operation: string, hash: string): T {
  if (row.operation !== operation || row.request_hash !== hash) {
    throw new AppError(
      'idempotency_conflict',
      `Idempotency-Key "${row.key}" was already used for a different request (${row.operation}); use a new key for a new request`,
      { key: row.key, operation: row.operation },
    );
  }
  return JSON.parse(row.response) as T;
}

/**
 * Runs a single (non-batched) write at most once per key: a repeat returns the stored result and
 * writes nothing.
 */
export async function withIdempotency<T>(
  ctx: WriteContext,
  operation: string,
  input: { idempotencyKey?: string | undefined },
  work: () => Promise<T>,
): Promise<T> {
  const key = input.idempotencyKey;
  if (!key) return work();
  const hash = requestHash(operation, input);
  const existing = (await ctx.trx('idempotency_keys').where({ key }).first()) as IdempotencyRow | undefined;
  if (existing) return replay<T>(existing, operation, hash);
  const result = await work();
  await ctx.trx('idempotency_keys').insert({
    key,
    operation,
    request_hash: hash,
    response: JSON.stringify(result),
    created_at: ctx.now,
  });
  return result;
}
