import { describe, expect, it } from 'vitest';
import {
  bridgePush,
  createChangeStream,
  eventSourcePush,
  eventsUrl,
  parseChangeData,
  type ChangePage,
  type EventSourceLike,
  type PushEvents,
  type Timers,
} from '../../renderer/src/api/change-stream';
import type { Change } from '../../shared/schemas/changes';

function change(seq: number, sku = 'A-1'): Change {
  return { seq, type: 'stock.changed', sku, productId: 'p', payload: {}, createdAt: '2026-11-26T10:00:00.000Z' };
}

/** Timers run by hand, so a test decides when a poll happens. */
function manualTimers(): Timers & { pending: () => number; fire: () => void } {
  let queue: Array<{ id: number; run: () => void }> = [];
  let ids = 0;
  return {
    setTimeout(run) {
      const id = ++ids;
      queue.push({ id, run });
      return id;
    },
    clearTimeout(handle) {
      queue = queue.filter((t) => t.id !== handle);
    },
    pending: () => queue.length,
    fire() {
      const due = queue;
      queue = [];
      for (const t of due) t.run();
    },
  };
}

/** A change log in memory, read the way `changes.list` reads it. */
function memoryLog(initial: Change[] = []) {
  const log = [...initial];
  let failing = false;
  let reads = 0;
  return {
    log,
    get reads() {
      return reads;
    },
    fail(on: boolean) {
      failing = on;
    },
    pull: async (since: number, limit: number): Promise<ChangePage> => {
      reads++;
      if (failing) throw new Error('offline');
      const changes = log.filter((c) => c.seq > since).slice(0, limit);
      return { changes, next: changes.at(-1)?.seq ?? since };
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function manualPush() {
  let events: PushEvents | null = null;
  let stopped = false;
  return {
    source: (e: PushEvents) => {
      events = e;
      return () => {
        stopped = true;
      };
    },
    get events(): PushEvents {
      if (!events) throw new Error('push source not started');
      return events;
    },
    get stopped() {
      return stopped;
    },
  };
}

describe('change stream', () => {
  it('catches up from the log on open, then delivers live changes once and in order', async () => {
    const log = memoryLog([change(1), change(2), change(3)]);
    const push = manualPush();
    const seen: number[] = [];
    const statuses: string[] = [];
    const stream = createChangeStream({
      since: 1,
      deliver: (c) => seen.push(...c.map((x) => x.seq)),
      pull: log.pull,
      push: push.source,
      onStatus: (s) => statuses.push(s),
      timers: manualTimers(),
    });
    push.events.open();
    // A live change arriving during the catch-up waits for it, so order holds.
    push.events.changes([change(4)]);
    await flush();
    expect(seen).toEqual([2, 3, 4]);
    push.events.changes([change(3), change(4), change(6), change(5)]);
    expect(seen).toEqual([2, 3, 4, 5, 6]);
    expect(stream.lastSeq).toBe(6);
    expect(statuses).toEqual(['connecting', 'live']);
    stream.stop();
    expect(push.stopped).toBe(true);
    push.events.changes([change(7)]);
    expect(seen).toEqual([2, 3, 4, 5, 6]);
  });

  it('polls only while the push source is down, and stops polling when it returns', async () => {
    const log = memoryLog();
    const push = manualPush();
    const timers = manualTimers();
    const seen: number[] = [];
    createChangeStream({ since: 0, deliver: (c) => seen.push(...c.map((x) => x.seq)), pull: log.pull, push: push.source, timers });
    push.events.open();
    await flush();
    expect(timers.pending()).toBe(0);

    push.events.down();
    await flush();
    expect(timers.pending()).toBe(1);
    log.log.push(change(1));
    timers.fire();
    await flush();
    expect(seen).toEqual([1]);
    expect(timers.pending()).toBe(1);

    log.log.push(change(2));
    push.events.open();
    await flush();
    expect(seen).toEqual([1, 2]);
    expect(timers.pending()).toBe(0);
  });

  it('holds live changes over a gap until the log can be read again', async () => {
    const log = memoryLog([change(1), change(2)]);
    const push = manualPush();
    const timers = manualTimers();
    const seen: number[] = [];
    createChangeStream({ since: 0, deliver: (c) => seen.push(...c.map((x) => x.seq)), pull: log.pull, push: push.source, timers });
    log.fail(true);
    push.events.open();
    await flush();
    push.events.changes([change(3)]);
    expect(seen).toEqual([]);
    log.fail(false);
    log.log.push(change(3));
    timers.fire();
    await flush();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('reads a long backlog page by page', async () => {
    const log = memoryLog(Array.from({ length: 2500 }, (_, i) => change(i + 1)));
    const seen: number[] = [];
    createChangeStream({ since: 0, deliver: (c) => seen.push(...c.map((x) => x.seq)), pull: log.pull, push: null, timers: manualTimers() });
    await flush();
    await flush();
    expect(seen.length).toBe(2500);
    expect(log.reads).toBe(3);
  });
});

describe('push sources', () => {
  it('parses a change, a list, or { changes } and ignores anything else', () => {
    expect(parseChangeData(JSON.stringify(change(5))).map((c) => c.seq)).toEqual([5]);
    expect(parseChangeData(JSON.stringify([change(5), change(6)])).map((c) => c.seq)).toEqual([5, 6]);
    expect(parseChangeData(JSON.stringify({ changes: [change(7)] })).map((c) => c.seq)).toEqual([7]);
    expect(parseChangeData('not json')).toEqual([]);
    expect(parseChangeData(JSON.stringify({ hello: 1 }))).toEqual([]);
  });

  it('reopens an EventSource the server refused, after a pause', () => {
    const timers = manualTimers();
    const created: Array<EventSourceLike & { emit(type: string, data?: string): void; state: number }> = [];
    const factory = (url: string) => {
      // No credential in the URL: EventSource sends the session cookie.
      expect(url).toBe('/api/v1/events?since=4');
      const listeners = new Map<string, Array<(e: { data?: string }) => void>>();
      const source = {
        state: 0,
        get readyState() {
          return source.state;
        },
        addEventListener(type: string, l: (e: { data?: string }) => void) {
          listeners.set(type, [...(listeners.get(type) ?? []), l]);
        },
        close() {
          source.state = 2;
        },
        emit(type: string, data?: string) {
          for (const l of listeners.get(type) ?? []) l(data === undefined ? {} : { data });
        },
      };
      created.push(source);
      return source;
    };
    const got: string[] = [];
    const stop = eventSourcePush(() => eventsUrl(4), factory, timers, 10)({
      open: () => got.push('open'),
      changes: (c) => got.push(`changes ${c.map((x) => x.seq).join(',')}`),
      down: () => got.push('down'),
    });
    const first = created[0]!;
    first.emit('open');
    first.emit('stock.changed', JSON.stringify(change(9)));
    first.emit('message', JSON.stringify(change(10)));
    // A dropped connection EventSource retries itself: no new source.
    first.emit('error');
    expect(created.length).toBe(1);
    first.state = 2;
    first.emit('error');
    timers.fire();
    expect(created.length).toBe(2);
    expect(got).toEqual(['open', 'changes 9', 'changes 10', 'down', 'down']);
    stop();
    expect(created[1]!.readyState).toBe(2);
  });

  it('uses the preload onChanges when present and nothing when it is absent', () => {
    expect(bridgePush(undefined)).toBeNull();
    expect(bridgePush({})).toBeNull();
    let callback: ((c: Change[] | Change) => void) | null = null;
    let unsubscribed = false;
    const source = bridgePush({
      onChanges: (cb) => {
        callback = cb;
        return () => {
          unsubscribed = true;
        };
      },
    });
    const got: string[] = [];
    const stop = source!({ open: () => got.push('open'), changes: (c) => got.push(`changes ${c.length}`), down: () => got.push('down') });
    callback!(change(1));
    callback!([change(2), change(3)]);
    stop();
    expect(got).toEqual(['open', 'changes 1', 'changes 2']);
    expect(unsubscribed).toBe(true);
  });
});
