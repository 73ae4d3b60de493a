/**
 * Hands the event loop a turn when the main thread has worked for long enough without one.
 * node-sqlite3 starts a connection's next queued call only on the main thread, in the finished
 * call's completion callback (its Database::Process), so while a synchronous stretch runs, SQLite
 * waits even with a write queued behind the one it finished (issue 17). A setImmediate lets the
 * loop's poll phase run those callbacks, then comes back.
 */
import { performance } from 'node:perf_hooks';

/** Main-thread time between turns: about what one of an import's SQLite writes takes (see import-write.ts COUNT_CHUNK_SQLITE). */
export const MAIN_SLICE_MS = 2;

let since = performance.now();

/** Resolves on a later turn of the event loop when MAIN_SLICE_MS passed since the last one given here; at once otherwise. */
export function giveTurn(): Promise<void> | undefined {
  const now = performance.now();
  if (now - since < MAIN_SLICE_MS) return undefined;
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      since = performance.now();
      resolve();
    }),
  );
}

/** Resolves on the next turn of the event loop, after the I/O that is ready. */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
