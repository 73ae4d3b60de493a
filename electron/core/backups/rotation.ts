import type { BackupKind } from '../../../shared/schemas/backups';

export type RotationEntry = { id: string; kind: BackupKind; createdAt: string };

export const ROTATION = { daily: 7, weekly: 4, monthly: 12 } as const;

/** Anything this young stays: the copy made before a restore must outlive that day's daily copy. */
const GRACE_MS = 24 * 60 * 60 * 1000;

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const monthKey = (d: Date) => d.toISOString().slice(0, 7);

/** ISO 8601 week (UTC), e.g. 2026-W49: weeks start on Monday, week 1 holds the first Thursday. */
function weekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Which automatic copies the rotation deletes: it keeps the newest copy of each of the last 7 days
 * that have one, of the last 4 ISO weeks and of the last 12 months (UTC), plus every copy from the
 * last 24 hours. Copies made by hand (`manual`) are never deleted. Returns the ids to delete.
 */
export function backupsToDelete(entries: RotationEntry[], now: Date): string[] {
  const automatic = entries.filter((e) => e.kind !== 'manual').sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const keep = new Set<string>();
  const buckets: Array<[(d: Date) => string, number]> = [
    [dayKey, ROTATION.daily],
    [weekKey, ROTATION.weekly],
    [monthKey, ROTATION.monthly],
  ];
  for (const [key, count] of buckets) {
    const seen = new Set<string>();
    for (const entry of automatic) {
      const k = key(new Date(entry.createdAt));
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      keep.add(entry.id);
    }
  }
  for (const entry of automatic) if (now.getTime() - new Date(entry.createdAt).getTime() < GRACE_MS) keep.add(entry.id);
  return automatic.filter((e) => !keep.has(e.id)).map((e) => e.id);
}
