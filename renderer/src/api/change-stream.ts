/**
 * Follows the core's change log so every screen shows a change the moment it is committed.
 *
 * A push source (Server-Sent Events in a browser, the preload's `onChanges` inside Electron) brings
 * changes live; the pull form (`changes.list`) closes the gaps: once after every (re)connection, and
 * every few seconds ONLY while the push source is down. Changes are delivered in sequence order and
 * at most once (anything at or below the last delivered sequence number is dropped), so a change that
 * arrives both ways shows up once.
 *
 * No DOM global is touched here: EventSource, the bridge and the timers come in as arguments, so the
 * logic is unit-tested under Node.
 */
import { CHANGE_TYPES, changeSchema, type Change } from '../../../shared/schemas/changes';

export type StreamStatus = 'connecting' | 'live' | 'polling' | 'stopped';

/** What a push source reports to the stream. */
export type PushEvents = {
  /** The source is connected; anything committed from now on will arrive through `changes`. */
  open(): void;
  changes(changes: Change[]): void;
  /** The source lost its connection (it may come back by itself and call `open` again). */
  down(): void;
};

/** Starts a push source; returns the function that stops it. */
export type PushSource = (events: PushEvents) => () => void;

export type ChangePage = { changes: Change[]; next: number };

export type Timers = {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type ChangeStreamOptions = {
  /** The sequence number the screens already reflect; later changes are delivered. */
  since: number;
  /** Receives every change once, in sequence order. */
  deliver(changes: Change[]): void;
  /** The pull form of the log: changes after `since`, oldest first (`changes.list`). */
  pull(since: number, limit: number): Promise<ChangePage>;
  /** Null when the host has no live source; the stream then polls all the time. */
  push: PushSource | null;
  onStatus?(status: StreamStatus): void;
  /** Polling interval while the push source is down. */
  pollMs?: number;
  timers?: Timers;
};

export type ChangeStream = {
  readonly lastSeq: number;
  readonly status: StreamStatus;
  stop(): void;
};

const PULL_LIMIT = 1000;
const DEFAULT_POLL_MS = 3000;

const defaultTimers: Timers = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export function createChangeStream(options: ChangeStreamOptions): ChangeStream {
  const timers = options.timers ?? defaultTimers;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let lastSeq = options.since;
  let status: StreamStatus = 'connecting';
  let stopped = false;
  let pushUp = false;
  // Live changes that arrive while a catch-up is reading the log wait here, so delivery stays in
  // sequence order and a live change never pushes lastSeq past changes the catch-up has yet to read.
  let pulling: Promise<void> | null = null;
  let held: Change[] = [];
  // False until a read of the log succeeds, and again after one fails: live changes are held
  // rather than delivered over a gap they would hide.
  let synced = false;
  let pollTimer: unknown = null;

  function setStatus(next: StreamStatus): void {
    if (status === next) return;
    status = next;
    options.onStatus?.(next);
  }

  function accept(changes: Change[]): void {
    if (stopped) return;
    const fresh = changes.filter((c) => c.seq > lastSeq).sort((a, b) => a.seq - b.seq);
    const unique = fresh.filter((c, i) => i === 0 || c.seq !== fresh[i - 1]?.seq);
    if (unique.length === 0) return;
    lastSeq = (unique[unique.length - 1] as Change).seq;
    options.deliver(unique);
  }

  async function readLog(): Promise<void> {
    for (;;) {
      const page = await options.pull(lastSeq, PULL_LIMIT);
      if (stopped) return;
      accept(page.changes);
      if (page.changes.length < PULL_LIMIT) return;
    }
  }

  /** Reads the log up to its end; one read at a time, later callers share it. */
  function catchUp(): Promise<void> {
    pulling ??= readLog()
      .then(
        () => {
          synced = true;
          const waiting = held;
          held = [];
          accept(waiting);
        },
        () => {
          synced = false;
          // Unreachable server: keep the held changes (they are newer than the gap) and try again
          // on the next poll or reconnection.
          if (!pushUp) return;
          schedulePoll();
        },
      )
      .finally(() => {
        pulling = null;
      });
    return pulling;
  }

  function schedulePoll(): void {
    if (stopped || pollTimer !== null) return;
    pollTimer = timers.setTimeout(() => {
      pollTimer = null;
      if (stopped) return;
      void catchUp().then(() => {
        if (!pushUp) schedulePoll();
      });
    }, pollMs);
  }

  function cancelPoll(): void {
    if (pollTimer === null) return;
    timers.clearTimeout(pollTimer);
    pollTimer = null;
  }

  const events: PushEvents = {
    open() {
      if (stopped) return;
      pushUp = true;
      cancelPoll();
      setStatus('live');
      void catchUp();
    },
    changes(changes) {
      if (stopped) return;
      if (pulling || !synced) held.push(...changes);
      else accept(changes);
    },
    down() {
      if (stopped) return;
      pushUp = false;
      setStatus('polling');
      void catchUp().then(() => {
        if (!pushUp) schedulePoll();
      });
    },
  };

  options.onStatus?.(status);
  const stopPush = options.push ? options.push(events) : null;
  if (!options.push) events.down();

  return {
    get lastSeq() {
      return lastSeq;
    },
    get status() {
      return status;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      cancelPoll();
      stopPush?.();
      held = [];
      setStatus('stopped');
    },
  };
}

/** The changes in one SSE message's data: a change, a list of changes, or `{ changes: [...] }`. */
export function parseChangeData(data: string): Change[] {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return [];
  }
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null && Array.isArray((value as { changes?: unknown }).changes)
      ? (value as { changes: unknown[] }).changes
      : [value];
  return list.flatMap((item) => {
    const parsed = changeSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The part of the browser's EventSource used here. */
export type EventSourceLike = {
  readonly readyState: number;
  /** 'open', 'error', and the message event names. */
  addEventListener(type: string, listener: (event: { data?: string }) => void): void;
  close(): void;
};

export type EventSourceFactory = (url: string) => EventSourceLike;

const EVENT_SOURCE_CLOSED = 2;
const MAX_RETRY_MS = 30_000;

/**
 * The headless server's `GET /api/v1/events` stream. EventSource reconnects by itself (sending
 * Last-Event-ID) after a dropped connection; when the server refuses the stream outright it gives
 * up, and this opens a new one after a growing pause.
 */
export function eventSourcePush(url: () => string, create: EventSourceFactory, timers: Timers = defaultTimers, retryMs = 2000): PushSource {
  return (events) => {
    let source: EventSourceLike | null = null;
    let retryTimer: unknown = null;
    let wait = retryMs;
    let closed = false;

    const onMessage = (event: { data?: string }): void => {
      if (typeof event.data !== 'string') return;
      const changes = parseChangeData(event.data);
      if (changes.length > 0) events.changes(changes);
    };

    function connect(): void {
      retryTimer = null;
      if (closed) return;
      const current = create(url());
      source = current;
      current.addEventListener('open', () => {
        wait = retryMs;
        events.open();
      });
      current.addEventListener('error', () => {
        events.down();
        if (current.readyState !== EVENT_SOURCE_CLOSED || closed) return;
        current.close();
        retryTimer = timers.setTimeout(connect, wait);
        wait = Math.min(wait * 2, MAX_RETRY_MS);
      });
      // The server may name its events or not; every name a change can carry is listened to.
      for (const name of ['message', 'change', 'changes', ...CHANGE_TYPES]) current.addEventListener(name, onMessage);
    }

    connect();
    return () => {
      closed = true;
      if (retryTimer !== null) timers.clearTimeout(retryTimer);
      source?.close();
    };
  };
}

/** Inside Electron: the preload's `onChanges(callback)`, which returns its unsubscribe function. */
export type ChangeBridge = {
  onChanges?: (callback: (changes: Change[] | Change) => void) => (() => void) | void;
};

/** The bridge as a push source, or null when this preload has no `onChanges`. */
export function bridgePush(bridge: ChangeBridge | undefined): PushSource | null {
  const subscribe = bridge?.onChanges;
  if (typeof subscribe !== 'function') return null;
  return (events) => {
    const unsubscribe = subscribe((changes) => {
      const list = Array.isArray(changes) ? changes : [changes];
      events.changes(list.flatMap((item) => {
        const parsed = changeSchema.safeParse(item);
        return parsed.success ? [parsed.data] : [];
      }));
    });
    // IPC is in-process: subscribed means connected. The catch-up on open closes the gap between
    // the screens' first load and the subscription.
    events.open();
    return () => {
      if (typeof unsubscribe === 'function') unsubscribe();
    };
  };
}

/**
 * The stream's URL, starting after `since` (the server replays what came later, then goes live).
 * No credential in it: EventSource sends the browser's session cookie, as every request does.
 */
export function eventsUrl(since: number): string {
  return `/api/v1/events?${new URLSearchParams({ since: String(since) }).toString()}`;
}
