/**
 * The catalogue cache's product ids and the index from an id to its slot (catalog-cache.ts). A
 * product id is a UUID (uuid7): kept as its 16 bytes, and found through an open-addressing table
 * of slots, instead of one 36-character string per product (56 bytes of heap each) as the key of
 * a Map (~37 bytes an entry, rebuilt twice as large as it grows). At 100,000 products that was
 * 5.3 MB of id strings and a 3.7 MB Map held to the end of a full publish, its peak (measured with
 * a heap snapshot of `publish --full`); here 1.6 MB of bytes and a 1 MB table, outside the heap.
 * An id that is not a UUID in lowercase canonical form (one made elsewhere) is kept as it is.
 */

/** Slots per chunk of key bytes (catalog-cache.ts's chunk). */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;
const UUID_BYTES = 16;
/** What a slot holds. */
const EMPTY = 0;
const PACKED = 1;
const ODD = 2;

/** Hex digit values by character code (-1: not a lowercase hex digit). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
const HEX_CODE = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);

/**
 * Writes the 16 bytes of `id` at `out[at]` when it is a UUID in lowercase canonical form
 * (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); false (and `out` partly written) otherwise.
 */
export function packUuid(id: string, out: Uint8Array, at: number): boolean {
  if (id.length !== 36) return false;
  let c = 0;
  for (let b = 0; b < UUID_BYTES; b++) {
    if (c === 8 || c === 13 || c === 18 || c === 23) {
      if (id.charCodeAt(c) !== DASH) return false;
      c++;
    }
    const hi = id.charCodeAt(c);
    const lo = id.charCodeAt(c + 1);
    const h = hi < 128 ? (HEX_VALUE[hi] as number) : -1;
    const l = lo < 128 ? (HEX_VALUE[lo] as number) : -1;
    if (h < 0 || l < 0) return false;
    out[at + b] = (h << 4) | l;
    c += 2;
  }
  return true;
}

/** The canonical form of the 16 bytes at `bytes[at]` (one flat string, made from character codes). */
const codes: number[] = new Array<number>(36).fill(DASH);
export function unpackUuid(bytes: Uint8Array, at: number): string {
  let c = 0;
  for (let b = 0; b < UUID_BYTES; b++) {
    if (c === 8 || c === 13 || c === 18 || c === 23) c++;
    const v = bytes[at + b] as number;
    codes[c] = HEX_CODE[v >>> 4] as number;
    codes[c + 1] = HEX_CODE[v & 15] as number;
    c += 2;
  }
  return String.fromCharCode.apply(null, codes);
}

/** Ids by slot, and slots by id. */
export class IdSlots {
  /** Each slot's id bytes, a chunk of slots at a time (no copy as it grows). */
  private readonly chunks: Uint8Array[] = [];
  /** What each slot holds (EMPTY, PACKED, ODD), a chunk at a time. */
  private readonly kinds: Uint8Array[] = [];
  /** Open addressing, linear probing: slot + 1, 0 for none; at most half full. */
  private table = new Int32Array(1024);
  private packed = 0;
  /** Ids that are not UUIDs, both ways. */
  private readonly oddSlots = new Map<string, number>();
  private readonly oddIds = new Map<number, string>();
  /** Where a looked-up id is packed, and which id that is (a publish looks one id up a few times in a row). */
  private readonly probe = new Uint8Array(UUID_BYTES);
  private probed: string | null = null;
  private probedPacked = false;

  get size(): number {
    return this.packed + this.oddSlots.size;
  }

  /** The slot of `id`, or undefined. */
  get(id: string): number | undefined {
    if (id !== this.probed) {
      this.probed = id;
      this.probedPacked = packUuid(id, this.probe, 0);
    }
    if (!this.probedPacked) return this.oddSlots.get(id);
    return this.probeSlot();
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Gives `slot` (which holds no id) the id `id` (which no slot holds). */
  set(id: string, slot: number): void {
    const chunk = slot >>> CHUNK_BITS;
    while (this.chunks.length <= chunk) {
      this.chunks.push(new Uint8Array(CHUNK * UUID_BYTES));
      this.kinds.push(new Uint8Array(CHUNK));
    }
    const bytes = this.chunks[chunk] as Uint8Array;
    const kinds = this.kinds[chunk] as Uint8Array;
    if (!packUuid(id, bytes, (slot & IN_CHUNK) * UUID_BYTES)) {
      kinds[slot & IN_CHUNK] = ODD;
      this.oddSlots.set(id, slot);
      this.oddIds.set(slot, id);
      return;
    }
    kinds[slot & IN_CHUNK] = PACKED;
    if ((this.packed + 1) * 2 > this.table.length) this.grow();
    this.insert(slot);
    this.packed++;
  }

  /** Takes `id` (held by `slot`) away. */
  delete(id: string, slot: number): void {
    const kinds = this.kinds[slot >>> CHUNK_BITS] as Uint8Array;
    const kind = kinds[slot & IN_CHUNK];
    kinds[slot & IN_CHUNK] = EMPTY;
    if (kind === ODD) {
      this.oddSlots.delete(id);
      this.oddIds.delete(slot);
      return;
    }
    if (kind !== PACKED) return;
    // Backward-shift deletion: every entry after the hole that may move back into it does.
    const table = this.table;
    const mask = table.length - 1;
    let hole = this.hashOf(this.chunks[slot >>> CHUNK_BITS] as Uint8Array, (slot & IN_CHUNK) * UUID_BYTES) & mask;
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let i = (hole + 1) & mask; table[i] !== 0; i = (i + 1) & mask) {
      const other = (table[i] as number) - 1;
      const home = this.hashOf(this.chunks[other >>> CHUNK_BITS] as Uint8Array, (other & IN_CHUNK) * UUID_BYTES) & mask;
      // Movable when its home is not in (hole, i] (cyclically).
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        table[hole] = table[i] as number;
        hole = i;
      }
    }
    table[hole] = 0;
    this.packed--;
  }

  /** The id of `slot` (which holds one). */
  idOf(slot: number): string {
    const kinds = this.kinds[slot >>> CHUNK_BITS] as Uint8Array;
    if (kinds[slot & IN_CHUNK] === ODD) return this.oddIds.get(slot) as string;
    return unpackUuid(this.chunks[slot >>> CHUNK_BITS] as Uint8Array, (slot & IN_CHUNK) * UUID_BYTES);
  }

  /**
   * The ids held here that `other` does not hold, found without making a string for the others
   * (a full publish compares the old cache's 100,000 ids with the new one's).
   */
  idsNotIn(other: IdSlots): string[] {
    const out: string[] = [];
    for (let c = 0; c < this.kinds.length; c++) {
      const kinds = this.kinds[c] as Uint8Array;
      const bytes = this.chunks[c] as Uint8Array;
      for (let i = 0; i < CHUNK; i++) {
        const kind = kinds[i];
        if (kind === EMPTY) continue;
        const slot = (c << CHUNK_BITS) | i;
        if (kind === ODD ? !other.oddSlots.has(this.oddIds.get(slot) as string) : other.slotOfBytes(bytes, i * UUID_BYTES) === undefined) out.push(this.idOf(slot));
      }
    }
    return out;
  }

  /** The slot whose id is the 16 bytes at `bytes[at]`, or undefined. */
  private slotOfBytes(bytes: Uint8Array, at: number): number | undefined {
    this.probe.set(bytes.subarray(at, at + UUID_BYTES));
    this.probed = null;
    return this.probeSlot();
  }

  /** The slot whose id is the probe's bytes, or undefined. */
  private probeSlot(): number | undefined {
    const mask = this.table.length - 1;
    for (let i = this.hashOf(this.probe, 0) & mask; ; i = (i + 1) & mask) {
      const entry = this.table[i] as number;
      if (entry === 0) return undefined;
      if (this.sameKey(entry - 1)) return entry - 1;
    }
  }

  /** Every id held, by slot. */
  *keys(): IterableIterator<string> {
    for (let c = 0; c < this.kinds.length; c++) {
      const kinds = this.kinds[c] as Uint8Array;
      for (let i = 0; i < CHUNK; i++) if (kinds[i] !== EMPTY) yield this.idOf((c << CHUNK_BITS) | i);
    }
  }

  private insert(slot: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = this.hashOf(this.chunks[slot >>> CHUNK_BITS] as Uint8Array, (slot & IN_CHUNK) * UUID_BYTES) & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = slot + 1;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (const entry of old) if (entry !== 0) this.insert(entry - 1);
  }

  /** Whether `slot`'s bytes are the probe's. */
  private sameKey(slot: number): boolean {
    const bytes = this.chunks[slot >>> CHUNK_BITS] as Uint8Array;
    const at = (slot & IN_CHUNK) * UUID_BYTES;
    const probe = this.probe;
    for (let b = 0; b < UUID_BYTES; b++) if (bytes[at + b] !== probe[b]) return false;
    return true;
  }

  /** FNV-1a over the 16 bytes (a uuid7's first six are a timestamp that many ids share). */
  private hashOf(bytes: Uint8Array, at: number): number {
    let h = 0x811c9dc5;
    for (let b = 0; b < UUID_BYTES; b++) h = Math.imul(h ^ (bytes[at + b] as number), 0x01000193);
    return h >>> 0;
  }
}
