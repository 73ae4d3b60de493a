/**
 * Hands the event loop a turn when the main thread has worked for long enough without one.
 * node-sqlite3 starts a connection's next queued `exec` only on the main thread, once it has
 * handled the finished call's completion (Database::Process, from the poll phase), so while a
 * synchronous stretch runs, SQLite waits even with a write queued behind the one it finished
 * (issue 17). A setImmediate lets the loop's poll phase run those completions, then comes back.
 * For work that can wait (a streamed import's reading and planning of the next batch while the
 * batch before has its counts written): a turn costs ≈ 10–20 µs.
 */
import { performance } from 'node:perf_hooks';

/**
 * Main-thread time between turns. An import's count write (250 counts) takes SQLite ≈ 9 ms; any
 * time past its end that the main thread keeps it waiting is SQLite's time lost.
 */
export const MAIN_SLICE_MS = 0.25;

let since = performance.now();

/** Whether MAIN_SLICE_MS passed since the last turn given here: cheap enough to ask every row. */
export const turnDue = (): boolean => performance.now() - since >= MAIN_SLICE_MS;

/** Resolves on the next turn of the event loop, after the I/O that is ready. */
export const nextTurn = (): Promise<void> =>
  new Promise<void>((resolve) =>
    setImmediate(() => {
      since = performance.now();
      resolve();
    }),
  );

/** A turn of the event loop when one is due (turnDue); undefined, and no microtask to await, when not. */
export function giveTurn(): Promise<void> | undefined {
  return turnDue() ? nextTurn() : undefined;
}

/** `items.map(fn)`, with a turn of the event loop whenever one is due. */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (turnDue()) await nextTurn();
    out[i] = fn(items[i] as T);
  }
  return out;
}
