/**
 * A barcode scanner is a keyboard that types a whole code in a few milliseconds, usually followed
 * by Enter (sometimes Tab, sometimes nothing). Reading it like a person's typing lost scans: two
 * codes without Enter ran together, and keys that came while a lookup ran were overwritten when the
 * lookup's answer arrived. So the stock entry screen reads its keys through this buffer:
 *
 * - Enter or Tab ends a code.
 * - A pause ends a code only when its keys came at scanner speed: a person typing a SKU slowly is
 *   never cut short, however long they think between keys. The pause is at least `pauseMs` and
 *   grows with a slow scanner's own rhythm, and the Enter or Tab of a code the pause already ended
 *   is taken as that code's end (not as "finish"), so a hiccup never turns into two actions.
 * - Ended codes are handed on one at a time, in the order they were typed; keys that arrive while
 *   a code is being handled simply build the next code.
 *
 * No DOM here: the screen feeds keys with their event times, the tests feed a fake clock.
 */
import { parseQuantity } from './number-input';


export type ScanTiming = {
  /**
   * The longest average gap between keys (ms) that still counts as a scanner. Scanners type a key
   * every 2–20 ms (a wireless one a little slower, a busy page stretches it); people average well
   * over 80 ms even when typing fast, and slower still when reading a code off a label.
   */
  scannerKeyGapMs: number;
  /**
   * Silence (ms) after scanner-speed keys that ends a code sent without Enter or Tab. Long enough
   * for a wireless scanner's hiccups and a busy page, far shorter than aiming at the next barcode.
   */
  pauseMs: number;
  /** The fewest keys a pause ends a code with: two quick keys of a person are not a scan. */
  minLength: number;
};

export const SCAN_TIMING: ScanTiming = { scannerKeyGapMs: 50, pauseMs: 200, minLength: 4 };

/** Overrides of SCAN_TIMING: fixed, or read each time they are needed. */
export type TimingOption = Partial<ScanTiming> | (() => Partial<ScanTiming>);

function timingGetter(option: TimingOption | undefined): () => ScanTiming {
  return () => ({ ...SCAN_TIMING, ...(typeof option === 'function' ? option() : option) });
}

export type ScanClock = {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** The page's clock; `now` is on the same time base as `Event.timeStamp`. */
export const pageClock: ScanClock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/** Keys typed one after another, and whether a scanner typed them. */
export type KeyRun = {
  readonly text: string;
  /** When the last key came, or null before the first. */
  readonly lastAt: number | null;
  /** The average gap between its keys (ms), or 0 with fewer than two keys. */
  readonly averageGap: number;
  /** Two keys or more, as fast as a scanner types. */
  readonly atScannerSpeed: boolean;
  /** At least `minLength` keys, at scanner speed, and nobody edited them. */
  readonly byScanner: boolean;
  add(char: string, at: number): void;
  /** A person changed the text some other way (deleted, pasted, typed mid-text): it is theirs now. */
  edit(text: string): void;
  clear(): void;
};

export function createKeyRun(timing: () => ScanTiming): KeyRun {
  let text = '';
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  let keys = 0;
  let edited = false;
  return {
    get text() {
      return text;
    },
    get lastAt() {
      return lastAt;
    },
    get averageGap() {
      return keys < 2 || firstAt === null || lastAt === null ? 0 : (lastAt - firstAt) / (keys - 1);
    },
    get atScannerSpeed() {
      // The average, not every gap: a scanner's keys can bunch up or lag for a moment behind a busy
      // page, while a person's average gap is ten times longer than this.
      return keys >= 2 && this.averageGap <= timing().scannerKeyGapMs;
    },
    get byScanner() {
      return !edited && keys >= timing().minLength && this.atScannerSpeed;
    },
    add(char, at) {
      text += char;
      firstAt ??= at;
      lastAt = at;
      keys += 1;
    },
    edit(next) {
      if (next === '') {
        this.clear();
        return;
      }
      text = next;
      edited = true;
    },
    clear() {
      text = '';
      firstAt = lastAt = null;
      keys = 0;
      edited = false;
    },
  };
}

/** The silence that ends a run: the pause, or longer for a scanner whose keys come slowly. */
function pauseFor(run: KeyRun, timing: ScanTiming): number {
  return Math.max(timing.pauseMs, PAUSE_PER_KEY_GAP * run.averageGap);
}

/** A pause is this many of the run's own average gaps at least. */
const PAUSE_PER_KEY_GAP = 8;
/** How long after a code the pause ended its late Enter or Tab still belongs to it. */
const LATE_END_PER_PAUSE = 5;
/**
 * The pause once the scanner has shown that it ends its codes with Enter or Tab (most are set up
 * so): then a pause is only a fallback, and a long one, so a busy page that holds a code's keys back
 * for a moment never cuts the code in two; still shorter than aiming at the next barcode.
 */
const PAUSE_WHEN_SCANNER_ENDS_CODES_MS = 1_000;

export type ScanBufferOptions = {
  /** Called with each code, one at a time, in order: the next waits until this one is handled. */
  handle: (code: string) => Promise<void> | void;
  /** Called when `handle` throws; the buffer goes on with the next code. */
  onError?: (code: string, error: unknown) => void;
  /** Called after every change of `text` or `queue`, so a screen can show them. */
  onChange?: () => void;
  /** Overrides of SCAN_TIMING, or a function read at every key (a setting the person can change). */
  timing?: TimingOption;
  clock?: ScanClock;
};

export type ScanBuffer = {
  /** What has been typed of the next code. */
  readonly text: string;
  /** Codes ended and not yet handled, oldest first; the first is being handled. */
  readonly queue: readonly string[];
  /** One key typed at the end of the text, with the time it was typed (the clock's time base). */
  key(char: string, at?: number): void;
  /** The text after any other change: a person's editing, never ended by a pause. */
  edit(text: string): void;
  /**
   * Enter or Tab: ends the code. False when nothing was typed (then Tab may move the focus, and
   * Enter may finish); true for the late Enter or Tab of a code the pause already ended.
   */
  end(): boolean;
  /** Adds a code that was read elsewhere (a scan that landed in another field, "look up again"). */
  push(code: string): void;
  /** Resolves once every code ended so far has been handled. */
  idle(): Promise<void>;
  dispose(): void;
};

export function createScanBuffer(options: ScanBufferOptions): ScanBuffer {
  const timing = timingGetter(options.timing);
  const clock = options.clock ?? pageClock;
  const run = createKeyRun(timing);
  const queue: string[] = [];
  let pauseTimer: unknown = null;
  /** When the pause last ended a code, for its Enter or Tab arriving late. */
  let endedByPauseAt: number | null = null;
  let running = false;
  let idleWaiters: Array<() => void> = [];
  /** Whether a scanner-speed code has been ended by Enter or Tab in this buffer's life. */
  let scannerEndsCodes = false;

  function pause(): number {
    const wait = pauseFor(run, timing());
    return scannerEndsCodes ? Math.max(wait, PAUSE_WHEN_SCANNER_ENDS_CODES_MS) : wait;
  }

  function changed(): void {
    options.onChange?.();
  }

  function stopTimer(): void {
    if (pauseTimer !== null) clock.clearTimeout(pauseTimer);
    pauseTimer = null;
  }

  function armTimer(): void {
    stopTimer();
    if (!run.byScanner) return;
    pauseTimer = clock.setTimeout(onPause, pause());
  }

  function onPause(): void {
    pauseTimer = null;
    const lastAt = run.lastAt;
    if (!run.byScanner || lastAt === null) return;
    // A key may have come since the timer was set (an event time is taken before it is handled).
    const quiet = clock.now() - lastAt;
    const wait = pause();
    if (quiet < wait) {
      pauseTimer = clock.setTimeout(onPause, wait - quiet);
      return;
    }
    endCode();
    endedByPauseAt = clock.now();
  }

  async function pump(): Promise<void> {
    if (running) return;
    running = true;
    while (queue.length > 0) {
      const code = queue[0] as string;
      try {
        await options.handle(code);
      } catch (error) {
        options.onError?.(code, error);
      }
      queue.shift();
      changed();
    }
    running = false;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function push(code: string): void {
    const trimmed = code.trim();
    if (!trimmed) return;
    queue.push(trimmed);
    changed();
    void pump();
  }

  function endCode(): boolean {
    stopTimer();
    endedByPauseAt = null;
    const code = run.text.trim();
    run.clear();
    if (!code) {
      changed();
      return false;
    }
    push(code);
    return true;
  }

  function end(): boolean {
    const lateEnd = run.text === '' && endedByPauseAt !== null && clock.now() - endedByPauseAt < LATE_END_PER_PAUSE * timing().pauseMs;
    if (lateEnd) {
      endedByPauseAt = null;
      scannerEndsCodes = true;
      return true;
    }
    if (run.byScanner) scannerEndsCodes = true;
    return endCode();
  }

  return {
    get text() {
      return run.text;
    },
    get queue() {
      return queue;
    },
    key(char, at = clock.now()) {
      endedByPauseAt = null;
      run.add(char, at);
      armTimer();
      changed();
    },
    edit(text) {
      endedByPauseAt = null;
      run.edit(text);
      stopTimer();
      changed();
    },
    end,
    push,
    idle() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    dispose() {
      stopTimer();
    },
  };
}

export type ScanDetectorOptions = {
  /** A scan typed into the field: the code, and the field's value from before it to put back. */
  onScan: (code: string, restore: string) => void;
  /** Overrides of SCAN_TIMING, or a function read at every key (a setting the person can change). */
  timing?: TimingOption;
  clock?: ScanClock;
};

/**
 * For a field that is not the scan field (the quantity): a scanner may fire into it when the next
 * item is scanned before a quantity was typed. Keys at scanner speed are taken out as a scan; a
 * person's keys stay the field's.
 */
export type ScanDetector = {
  /** A key typed into the field; `before` is the field's value just before it. */
  key(char: string, at: number, before: string): void;
  /** Any other change of the field. */
  edit(): void;
  /**
   * Enter or Tab: the scan it ends (the caller puts `restore` back); `late` for the late Enter or
   * Tab of a scan the pause already took out (it must not submit the field); null when the key is
   * the field's.
   */
  end(): { code: string; restore: string } | 'late' | null;
  dispose(): void;
};

export function createScanDetector(options: ScanDetectorOptions): ScanDetector {
  const timing = timingGetter(options.timing);
  const clock = options.clock ?? pageClock;
  const run = createKeyRun(timing);
  let restore = '';
  let pauseTimer: unknown = null;
  let takenByPauseAt: number | null = null;

  function stopTimer(): void {
    if (pauseTimer !== null) clock.clearTimeout(pauseTimer);
    pauseTimer = null;
  }

  function take(): { code: string; restore: string } | null {
    stopTimer();
    const scan = run.byScanner && run.text.trim() ? { code: run.text.trim(), restore } : null;
    run.clear();
    return scan;
  }

  function onPause(): void {
    pauseTimer = null;
    const lastAt = run.lastAt;
    if (lastAt === null) return;
    const quiet = clock.now() - lastAt;
    const wait = pauseFor(run, timing());
    if (quiet < wait) {
      pauseTimer = clock.setTimeout(onPause, wait - quiet);
      return;
    }
    const scan = take();
    if (!scan) return;
    takenByPauseAt = clock.now();
    options.onScan(scan.code, scan.restore);
  }

  return {
    key(char, at, before) {
      // A key after a person's pause starts a new run: what they typed before is not part of a
      // scan. A scan in progress goes on until its pause has been seen here (a late key of a busy
      // page may carry a time past the pause while the pause itself was never observed).
      if (run.lastAt === null || (pauseTimer === null && at - run.lastAt > timing().pauseMs)) {
        run.clear();
        restore = before;
      }
      takenByPauseAt = null;
      run.add(char, at);
      stopTimer();
      if (run.atScannerSpeed) pauseTimer = clock.setTimeout(onPause, pauseFor(run, timing()));
    },
    edit() {
      stopTimer();
      takenByPauseAt = null;
      run.clear();
    },
    end() {
      const late = run.lastAt === null && takenByPauseAt !== null && clock.now() - takenByPauseAt < LATE_END_PER_PAUSE * timing().pauseMs;
      takenByPauseAt = null;
      return late ? 'late' : take();
    },
    dispose: stopTimer,
  };
}

/**
 * Whether text in a quantity field must be a code instead: a quantity is a whole number, and on
 * this screen never more than seven digits, so a GTIN (8 to 14 digits) or a SKU entered there,
 * however slowly, is looked up as a code rather than booked as an enormous quantity.
 */
export function isCodeNotQuantity(text: string, locale?: string): boolean {
  const trimmed = text.trim();
  if (trimmed.length < SCAN_TIMING.minLength || /^[+\-−]?\d{1,7}$/.test(trimmed)) return false;
  // A quantity written with the shop's grouping ("1.200" in a German shop) is a quantity.
  const parsed = parseQuantity(trimmed, locale);
  return !(parsed.ok && Math.abs(parsed.value) <= MAX_QUANTITY_DIGITS_VALUE);
}

/** The largest quantity this screen takes as typed (seven digits); anything longer is a code. */
const MAX_QUANTITY_DIGITS_VALUE = 9_999_999;
