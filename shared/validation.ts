import type { z } from 'zod';
import { AppError, type FieldIssue } from './errors';

/** Zod issues as `{ path, message }` pairs a person can read next to a field. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

/** Parses input at an edge; a failure becomes a 422 naming every bad field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const nul = pathOfNul(value);
  if (nul !== null) {
    const path = nul.reverse().join('.') || '(body)';
    throw new AppError('validation_failed', `${path}: must not contain a NUL character (\\u0000)`, {
      issues: [{ path, message: 'must not contain a NUL character (\\u0000)' }],
    });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : 'invalid input';
  throw new AppError(
    'validation_failed',
    issues.length > 1 ? `${message} (and ${issues.length - 1} more)` : message,
    { issues },
  );
}

/**
 * Where a NUL character hides in the input, as its keys innermost first, or null. PostgreSQL
 * cannot store NUL in text, and no field of ours has a use for it, so it is refused at the edge on
 * both engines alike. The path is made only for a NUL found: every call of every edge runs this,
 * and a copy of the path per key, with Object.entries' pair per key, was ≈ 0.6 KB of garbage per
 * stock movement (heap sampling of bench/stock-probe.ts).
 */
function pathOfNul(value: unknown, depth = 0): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const found = pathOfNul(record[key], depth + 1);
    if (found !== null) {
      found.push(key);
      return found;
    }
  }
  return null;
}
