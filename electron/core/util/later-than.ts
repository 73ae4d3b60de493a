import { AppError } from '../../../shared/errors';

/**
 * The new `updated_at` of a changed record, always later than the one it had: it is the version a
 * client sends back as `expectedUpdatedAt`, and two updates in one group-commit batch share one
 * `now` (a clock set back would repeat one too), so an unchanged stamp would let a stale save through.
 */
export function laterThan(previous: string | null | undefined, now: string): string {
  if (!previous || now > previous) return now;
  const after = Date.parse(previous) + 1;
  return Number.isNaN(after) ? now : new Date(after).toISOString();
}

/**
 * Refuses a change made from a version older than the record's (`expectedUpdatedAt` is not its
 * `updated_at`): 409 `conflict`, `details.field` `updatedAt`, with the current stamp, so the client
 * loads it again instead of overwriting the other change. Without `expected`, no check.
 */
export function assertVersion(
  expected: string | undefined,
  current: string | null,
  subject: { name: string; plural?: boolean },
  details: Record<string, unknown> = {},
): void {
  if (expected === undefined || expected === current) return;
  const [was, it] = subject.plural ? ['were', 'them'] : ['was', 'it'];
  throw new AppError('conflict', `${subject.name} ${was} changed elsewhere since this version was loaded; load ${it} again and redo the change on top`, {
    field: 'updatedAt',
    updatedAt: current,
    ...details,
  });
}
