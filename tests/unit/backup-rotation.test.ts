import { describe, expect, it } from 'vitest';
import { backupsToDelete, type RotationEntry } from '../../electron/core/backups/rotation';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();
const entry = (id: string, hoursAgo: number, kind: RotationEntry['kind'] = 'daily'): RotationEntry => ({ id, kind, createdAt: at(hoursAgo) });

describe('backup rotation', () => {
  it('keeps the newest copy of each of the last 7 days, 4 weeks and 12 months', () => {
    const entries = Array.from({ length: 500 }, (_, d) => entry(`d${d}`, d * 24 + 1));
    const doomed = new Set(backupsToDelete(entries, NOW));
    const kept = entries.filter((e) => !doomed.has(e.id));
    expect(kept.slice(0, 7).map((e) => e.id)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect(new Set(kept.map((e) => e.createdAt.slice(0, 7))).size).toBe(12);
    expect(kept.length).toBeLessThanOrEqual(7 + 4 + 12);
    // Nothing older than the 12th month back survives.
    const oldestKept = kept[kept.length - 1]?.createdAt ?? '';
    expect(oldestKept >= '2025-12').toBe(true);
  });

  it('keeps every copy of the last 24 hours (the one before a restore outlives that day\'s daily one)', () => {
    // Three copies today (12:00 UTC now): all kept, though the day keeps one.
    const entries = [entry('daily-now', 1), entry('pre-restore', 3, 'pre-restore'), entry('pre-update', 10, 'pre-update')];
    expect(backupsToDelete(entries, NOW)).toEqual([]);
    // Past the 24 hours, one per day: the newest of yesterday stays, the older one goes.
    expect(backupsToDelete([...entries, entry('yesterday-late', 20), entry('yesterday-early', 30)], NOW)).toEqual(['yesterday-early']);
  });

  it('never deletes a copy made by hand', () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(`m${i}`, 24 * 400 + i, 'manual'));
    expect(backupsToDelete(entries, NOW)).toEqual([]);
  });
});
