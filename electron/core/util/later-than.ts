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
