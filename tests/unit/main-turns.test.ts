/**
 * Issue 17: node-sqlite3 sends a connection's next queued call to SQLite only once the main thread
 * has handled the finished one's completion, so long main-thread work that can wait (a streamed
 * import's planning and reading) gives the event loop a turn every MAIN_SLICE_MS
 * (util/main-turns.ts). These tests hold that I/O completions are handled in between, and that no
 * turn (nor microtask) is taken when none is due.
 */
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { giveTurn, mapInTurns, MAIN_SLICE_MS, nextTurn, turnDue } from '../../electron/core/util/main-turns';

/** Keeps the main thread busy for `ms`, as a synchronous stretch of work does. */
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('main-thread turns', () => {
  it('handles an I/O completion between the items of a long map, not only after it', async () => {
    let answered = false;
    // A thread-pool call, answered through the poll phase as node-sqlite3's are.
    void fs.stat('.').then(() => (answered = true));
    const seen = await mapInTurns(
      Array.from({ length: 200 }, (_, i) => i),
      () => {
        busy(0.1);
        return answered;
      },
    );
    // 20 ms of work: the stat's answer came in between, and the items after it saw it.
    expect(seen.indexOf(true)).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(true);
    expect(seen).toEqual(seen.map((_, i) => i >= seen.indexOf(true)));
  });

  it('gives a turn only once MAIN_SLICE_MS of work has passed since the last one', async () => {
    await nextTurn();
    expect(turnDue()).toBe(false);
    expect(giveTurn()).toBeUndefined();
    busy(MAIN_SLICE_MS * 2);
    expect(turnDue()).toBe(true);
    let turned = false;
    setImmediate(() => (turned = true));
    const turn = giveTurn();
    expect(turn).toBeInstanceOf(Promise);
    await turn;
    expect(turned).toBe(true);
    expect(turnDue()).toBe(false);
  });

  it('maps like Array.prototype.map', async () => {
    expect(await mapInTurns([1, 2, 3], (n) => n * 2)).toEqual([2, 4, 6]);
    expect(await mapInTurns([], (n: number) => n)).toEqual([]);
  });
});
