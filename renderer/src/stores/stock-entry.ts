import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { STOCK_ACTIONS, type StockAction } from '../../../shared/domain/stock-actions';
import type { Product } from '../../../shared/schemas/product';
import { describeError } from '../api/errors';
import { newIdempotencyKey } from '../api/idempotency-key';
import { createScanBuffer } from '../scan-buffer';
import { addScans, CONTINUOUS_ACTIONS, lineRequest, linesDue, removeScan, restoredLines, type ScanPlace, type TallyLine } from '../scan-tally';
import { describeEntry, placeNamer, productLabel } from '../stock-text';
import { useProductsStore, type CodeMatch } from './products';
import { useSettingsStore } from './settings';
import { useStockActionsStore, type StockActionOutcome } from './stock-actions';

/** A code the screen could not book on its own: nobody has it, several products have it, or the lookup failed. */
export type AttentionItem = {
  id: string;
  code: string;
  kind: 'unknown' | 'ambiguous' | 'failed';
  /** How often it was scanned (continuous scanning counts every scan). */
  scans: number;
  /** Scanned in continuous mode: once resolved, its scans go to the pending lines. */
  continuous: boolean;
  /** The products that share the code (ambiguous). */
  candidates: Array<Pick<Product, 'id' | 'sku' | 'title'>>;
  /** Why the lookup failed (failed). */
  message: string | null;
};

/** The product waiting for its quantity (scan, then quantity), or the products to choose from. */
export type CurrentScan = { code: string; product: Product | null; candidates: Product[] };

/** Seconds of quiet after which continuous scans are recorded; null: only on Finish. */
export const RECORD_PAUSES = [2, 3, 5, 10, null] as const;
export type RecordPause = (typeof RECORD_PAUSES)[number];

/**
 * How fast the scanner types, which tells its keys from a person's: most scanners (USB, or a
 * wireless one in its fast mode) send a key every 2–20 ms; some Bluetooth scanners and busy
 * computers stretch that. A person typing averages well over 150 ms a key.
 */
export const SCANNER_SPEEDS = {
  fast: { label: 'Fast (most USB scanners)', scannerKeyGapMs: 50 },
  slow: { label: 'Slow (some Bluetooth scanners)', scannerKeyGapMs: 120 },
} as const;
export type ScannerSpeed = keyof typeof SCANNER_SPEEDS;

const MODE_KEY = 'stockfeed.scanMode';
const SESSION_KEY = 'stockfeed.scanSession';

function storageOf(kind: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return globalThis[kind] ?? null;
  } catch {
    return null;
  }
}

function readJson<T>(storage: Storage | null, key: string): Partial<T> {
  try {
    const parsed = JSON.parse(storage?.getItem(key) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Partial<T>) : {};
  } catch {
    return {};
  }
}

function writeJson(storage: Storage | null, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or blocked: the screen still works for this page.
  }
}

/**
 * The stock entry screen's session: what is being done where, the scanner's keys, the product
 * waiting for its quantity, the pending lines of continuous scanning and the codes that need a
 * person. A store rather than the screen's state, so opening "Create product" and coming back
 * loses nothing, and the pending lines are still recorded after the pause when the screen is left.
 */
export const useStockEntryStore = defineStore('stock-entry', () => {
  const products = useProductsStore();
  const stockActions = useStockActionsStore();
  const settings = useSettingsStore();
  const place = computed(() => placeNamer(settings.locations));

  const saved = readJson<{ lines: TallyLine[]; attention: AttentionItem[]; place: Partial<Record<'action' | 'location' | 'toLocation', unknown>> }>(
    storageOf('sessionStorage'),
    SESSION_KEY,
  );
  // What is being done where is kept with the pending lines: after a reload, a count on the shop
  // floor must not carry on as a receipt at the main warehouse. Unknown locations are replaced by
  // choosePlaces once the locations are known.
  const savedPlace = saved.place ?? {};
  const action = ref<StockAction>(STOCK_ACTIONS.find((a) => a === savedPlace.action) ?? 'receive');
  const location = ref(typeof savedPlace.location === 'string' ? savedPlace.location : '');
  const toLocation = ref(typeof savedPlace.toLocation === 'string' ? savedPlace.toLocation : '');
  const savedMode = readJson<{ continuous: boolean; pause: RecordPause; scanner: ScannerSpeed }>(storageOf('localStorage'), MODE_KEY);
  const continuous = ref(savedMode.continuous === true);
  const recordPause = ref<RecordPause>(RECORD_PAUSES.includes(savedMode.pause as RecordPause) ? (savedMode.pause as RecordPause) : 3);
  const scannerSpeed = ref<ScannerSpeed>(savedMode.scanner === 'slow' ? 'slow' : 'fast');
  watch([continuous, recordPause, scannerSpeed], () =>
    writeJson(storageOf('localStorage'), MODE_KEY, { continuous: continuous.value, pause: recordPause.value, scanner: scannerSpeed.value }),
  );
  /** The scan buffers' timing, read at every key so a change applies at once. */
  const scanTiming = () => ({ scannerKeyGapMs: SCANNER_SPEEDS[scannerSpeed.value].scannerKeyGapMs });
  /** Continuous scanning applies to this action (an adjustment is always scan, then quantity). */
  const scanningContinuously = computed(() => continuous.value && CONTINUOUS_ACTIONS.includes(action.value));

  const lines = ref<TallyLine[]>(Array.isArray(saved.lines) ? restoredLines(saved.lines) : []);
  const attention = ref<AttentionItem[]>(Array.isArray(saved.attention) ? saved.attention : []);
  watch([lines, attention, action, location, toLocation], () =>
    writeJson(storageOf('sessionStorage'), SESSION_KEY, {
      lines: lines.value,
      attention: attention.value,
      place: { action: action.value, location: location.value, toLocation: toLocation.value },
    }),
  );
  // Closing the tab would lose the scans not yet recorded (a reload keeps them): the browser asks first.
  globalThis.addEventListener?.('beforeunload', (event: Event) => {
    if (lines.value.length > 0) event.preventDefault();
  });

  const current = ref<CurrentScan | null>(null);
  /** A message for the scan field (an unknown code, Enter on an empty field). */
  const scanNote = ref<string | null>(null);
  /** What was put aside last (Esc), shown under the scan field until the next scan: nothing else on screen says so. */
  const asideNote = ref<string | null>(null);
  /** The last thing that happened, for the screen's live region. */
  const announcement = ref('');
  /** When the pending lines will be recorded (epoch ms), or null. */
  const recordAt = ref<number | null>(null);
  const recording = ref(false);

  const scanText = ref('');
  const queue = ref<string[]>([]);
  let releaseCurrent: (() => void) | null = null;
  const buffer = createScanBuffer({
    handle,
    timing: scanTiming,
    onError: (code, error) => listAttention(code, 'failed', { message: describeError(error) }),
    onChange: () => {
      scanText.value = buffer.text;
      queue.value = [...buffer.queue];
    },
  });

  function here(): ScanPlace {
    return { action: action.value, location: location.value, toLocation: action.value === 'transfer' ? toLocation.value : null };
  }

  function announce(text: string): void {
    announcement.value = text;
  }

  async function handle(code: string): Promise<void> {
    scanNote.value = null;
    asideNote.value = null;
    let match: CodeMatch;
    try {
      match = await products.lookupCode(code);
    } catch (error) {
      listAttention(code, 'failed', { message: describeError(error) });
      return;
    }
    if (scanningContinuously.value) {
      if (match.kind === 'one') addToLines(match.product, 1);
      else listAttention(code, match.kind === 'none' ? 'unknown' : 'ambiguous', { candidates: match.kind === 'several' ? match.products : [] });
      return;
    }
    if (match.kind === 'none') {
      listAttention(code, 'unknown', {});
      return;
    }
    current.value = match.kind === 'one' ? { code, product: match.product, candidates: [] } : { code, product: null, candidates: match.products };
    announce(match.kind === 'one' ? `${productLabel(match.product)}: enter the quantity.` : `${code} is on ${match.products.length} products: choose one.`);
    // The next code waits until this one has its quantity (or is put aside with Esc).
    await new Promise<void>((resolve) => (releaseCurrent = resolve));
  }

  function listAttention(code: string, kind: AttentionItem['kind'], extra: { candidates?: Product[]; message?: string }): void {
    const inContinuous = scanningContinuously.value;
    const same = attention.value.find((a) => a.code === code && a.kind === kind && a.continuous === inContinuous);
    if (same) {
      attention.value = attention.value.map((a) => (a === same ? { ...a, scans: a.scans + 1 } : a));
    } else {
      const candidates = (extra.candidates ?? []).map((p) => ({ id: p.id, sku: p.sku, title: p.title }));
      attention.value = [...attention.value, { id: newIdempotencyKey(), code, kind, scans: 1, continuous: inContinuous, candidates, message: extra.message ?? null }];
    }
    const why = { unknown: 'No product has the SKU or GTIN', ambiguous: 'Several products have the code', failed: 'Could not look up' }[kind];
    const text = `${why} “${code}”. It is listed under Needs attention.`;
    if (!inContinuous) scanNote.value = text;
    announce(text);
  }

  function addToLines(product: Pick<Product, 'sku' | 'title'>, scans: number): void {
    const where = here();
    lines.value = addScans(lines.value, product, where, newIdempotencyKey, scans);
    const line = lines.value.find((l) => l.state === 'counting' && l.sku === product.sku && l.action === where.action && l.location === where.location);
    announce(`${productLabel(product)}: ${line?.count ?? scans} scanned.`);
    schedulePause();
  }

  let pauseTimer: ReturnType<typeof setTimeout> | null = null;
  function schedulePause(): void {
    if (pauseTimer !== null) clearTimeout(pauseTimer);
    pauseTimer = null;
    recordAt.value = null;
    if (recordPause.value === null || linesDue(lines.value, 'pause').length === 0) return;
    const ms = recordPause.value * 1000;
    recordAt.value = Date.now() + ms;
    pauseTimer = setTimeout(() => {
      // Still scanning (a code being looked up or typed): wait for the next pause.
      if (queue.value.length > (current.value ? 1 : 0) || scanText.value !== '') schedulePause();
      else void record('pause');
    }, ms);
  }

  /** Records the pending lines now due, each as one movement with its own key; refused lines stay, with why. */
  async function record(trigger: 'pause' | 'finish'): Promise<void> {
    if (trigger === 'finish' || recordPause.value === null) {
      if (pauseTimer !== null) clearTimeout(pauseTimer);
      pauseTimer = null;
    }
    recordAt.value = null;
    const due = new Set(linesDue(lines.value, trigger).map((l) => l.key));
    if (due.size === 0) return;
    // Sealed at once: a scan from now on starts a new line, so a retry sends exactly this count.
    lines.value = lines.value.map((l) => (due.has(l.key) ? { ...l, state: 'recording', error: null } : l));
    recording.value = true;
    const said: string[] = [];
    for (const key of due) {
      const line = lines.value.find((l) => l.key === key);
      if (!line) continue;
      const outcome = await stockActions.submit(lineRequest(line), { record: { title: line.title }, idempotencyKey: line.key });
      if (outcome.ok) {
        lines.value = lines.value.filter((l) => l.key !== key);
        if (outcome.entry) said.push(describeEntry({ ...outcome.entry, countDelta: outcome.result.movements[0]?.quantity ?? 0 }, place.value));
      } else {
        lines.value = lines.value.map((l) => (l.key === key ? { ...l, state: 'failed', error: outcome.failure.message } : l));
        said.push(`Not recorded: ${line.count} × ${productLabel(line)}. ${outcome.failure.message}`);
      }
    }
    recording.value = false;
    if (said.length > 0) announce(said.join(' '));
    // Scans that came in meanwhile wait for their own pause.
    schedulePause();
  }

  /** One scan fewer on a line still counting (an item scanned twice by mistake). */
  function unscan(key: string): void {
    const line = lines.value.find((l) => l.key === key);
    if (!line) return;
    lines.value = removeScan(lines.value, key);
    announce(`${productLabel(line)}: ${line.count - 1} scanned.`);
    schedulePause();
  }

  /** A failed line the person gives up on: its scans are not recorded. */
  function removeLine(key: string): void {
    const line = lines.value.find((l) => l.key === key && l.state === 'failed');
    if (!line) return;
    lines.value = lines.value.filter((l) => l !== line);
    announce(`Removed ${line.count} × ${productLabel(line)}; not recorded.`);
  }

  /** Records the quantity for the product waiting for it (scan, then quantity). */
  async function recordQuantity(quantity: number, reason: string): Promise<StockActionOutcome | null> {
    const product = current.value?.product;
    if (!product) return null;
    const request = { action: action.value, sku: product.sku, quantity, location: location.value, toLocation: toLocation.value, reason };
    const outcome = await stockActions.submit(request, { record: { title: product.title } });
    if (outcome.ok) {
      if (outcome.entry) announce(describeEntry({ ...outcome.entry, countDelta: outcome.result.movements[0]?.quantity ?? 0 }, place.value));
      nextScan();
    }
    return outcome;
  }

  /** Picks one of the products that share a code. */
  function choose(product: Product): void {
    if (current.value) current.value = { ...current.value, product, candidates: [] };
  }

  /** Esc or "Put aside": nothing is recorded for the waiting product (and the screen says so); the next code goes on. */
  function putAside(): void {
    const waiting = current.value;
    if (!waiting) return;
    const text = waiting.product ? `Put aside: ${productLabel(waiting.product)}; nothing recorded.` : `Put aside “${waiting.code}”; nothing recorded.`;
    nextScan();
    announce(text);
    asideNote.value = text;
  }

  function nextScan(): void {
    current.value = null;
    const release = releaseCurrent;
    releaseCurrent = null;
    release?.();
  }

  /** Picks the product an ambiguous code meant: its scans go to the pending lines. */
  function resolveAmbiguous(id: string, productId: string): void {
    const item = attention.value.find((a) => a.id === id);
    const product = item?.candidates.find((c) => c.id === productId);
    if (!item || !product) return;
    attention.value = attention.value.filter((a) => a !== item);
    addToLines(product, item.scans);
  }

  function skip(id: string): void {
    const item = attention.value.find((a) => a.id === id);
    if (!item) return;
    attention.value = attention.value.filter((a) => a !== item);
    announce(`Skipped “${item.code}”; nothing recorded.`);
  }

  /** Looks a listed code up again (after "Create product", or when the server was unreachable). */
  async function recheck(id: string): Promise<void> {
    const item = attention.value.find((a) => a.id === id);
    if (!item || item.kind === 'ambiguous') return;
    let match: CodeMatch;
    try {
      match = await products.lookupCode(item.code);
    } catch (error) {
      attention.value = attention.value.map((a) => (a.id === id ? { ...a, kind: 'failed', message: describeError(error) } : a));
      return;
    }
    if (match.kind === 'none') {
      attention.value = attention.value.map((a) => (a.id === id ? { ...a, kind: 'unknown', message: null } : a));
      return;
    }
    attention.value = attention.value.filter((a) => a.id !== id);
    if (!item.continuous) buffer.push(item.code);
    else if (match.kind === 'one') addToLines(match.product, item.scans);
    else {
      const candidates = match.products.map((p) => ({ id: p.id, sku: p.sku, title: p.title }));
      attention.value = [...attention.value, { ...item, kind: 'ambiguous', candidates, message: null }];
    }
  }

  /** Looks every unknown code up again: a product may have been created for it meanwhile. */
  async function recheckAll(): Promise<void> {
    for (const item of attention.value.filter((a) => a.kind !== 'ambiguous')) await recheck(item.id);
  }

  /** Enter or Tab in the scan field. On an empty field, Enter finishes continuous scanning. */
  function endCode(by: 'enter' | 'tab'): boolean {
    if (buffer.end()) return true;
    if (by === 'enter') {
      if (lines.value.length > 0) void record('finish');
      else if (!current.value && !scanningContinuously.value) scanNote.value = 'Scan a barcode or type a SKU or GTIN.';
    }
    return false;
  }

  function setContinuous(on: boolean): void {
    continuous.value = on;
    if (on && action.value === 'adjust') action.value = 'receive';
  }

  /** The first location, and a destination other than it, once the locations are known. */
  function choosePlaces(codes: string[], fallback: string): void {
    if (!location.value || (codes.length > 0 && !codes.includes(location.value))) location.value = codes.includes(fallback) ? fallback : (codes[0] ?? fallback);
    if (!toLocation.value || toLocation.value === location.value || !codes.includes(toLocation.value)) {
      toLocation.value = codes.find((c) => c !== location.value) ?? '';
    }
  }

  // Lines brought back by a reload are recorded after the pause like any other.
  schedulePause();

  return {
    action,
    location,
    toLocation,
    continuous,
    recordPause,
    scannerSpeed,
    scanTiming,
    scanningContinuously,
    lines,
    attention,
    current,
    scanNote,
    asideNote,
    announcement,
    announce,
    recordAt,
    recording,
    scanText,
    queue,
    key: (char: string, at?: number) => buffer.key(char, at),
    edit: (text: string) => buffer.edit(text),
    push: (code: string) => buffer.push(code),
    idle: () => buffer.idle(),
    endCode,
    record,
    removeLine,
    unscan,
    recordQuantity,
    choose,
    putAside,
    resolveAmbiguous,
    skip,
    recheck,
    recheckAll,
    setContinuous,
    choosePlaces,
  };
});
