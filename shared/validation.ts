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
