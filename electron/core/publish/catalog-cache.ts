/**
 * The publisher's memory of the catalogue: the record of every product in the files now in the
 * folder (what it published, its content hash and lastmod, and where its fragments sit in each
 * file), in the order the files list them (SKU order). The fragments themselves are not kept: a
 * full publish writes them as it renders them, and an incremental one copies unchanged ones from
 * the old files.
 *
 * Held as columns, one slot per product, not as one object per product: at 100,000 products the
 * records as objects (28 fields, their URL and hash strings, a map entry each) were ~55 MB of old
 * generation, most of a full publish's peak memory above the process's start. Here the numbers
 * are in typed arrays, the page URL is made from the slug when asked for (kept only when it is
 * not the one prefix + slug + suffix every other record has), and the content hashes are bytes.
 * A full publish fills the cache as it goes (`push`), so the rendered records die young. The
 * columns grow a chunk of slots at a time: growing by copying left the old copies as garbage at
 * the run's peak.
 *
 * `get` hands out a copy; `at` a live view of a place in the order, whose places in the files the
 * writers of an incremental publish update in the columns directly.
 */
import { AVAILABILITIES, type Availability } from '../../../shared/domain/availability';
import type { PublishProblem } from '../../../shared/schemas/publish';
import { IdSlots } from './id-slots';
import { bySku, type ProductRecord } from './product-record';

/** Columns of 64-bit floats: the sequence and the byte offsets (a file may pass 4 GB). */
const F_SEQ = 0;
const F_XML_OFF = 1;
const F_TSV_OFF = 2;
const F_AI_OFF = 3;
const F_SM_OFF = 4;
const F_MF_OFF = 5;
const F_WIDTH = 6;
/** Columns of 32-bit integers: lengths, part indexes, the JSON-LD size. */
const I_XML_LEN = 0;
const I_TSV_LEN = 1;
const I_AI_LEN = 2;
const I_SM_LEN = 3;
const I_MF_LEN = 4;
const I_AI_PART = 5;
const I_SM_PART = 6;
const I_LD_BYTES = 7;
const I_WIDTH = 8;
/** Flag bits, and how the page URL is kept. */
const IN_FEED = 1;
const IN_SITEMAP = 2;
const HAS_JSON_LD = 4;
const URL_DERIVED = 8;
const URL_NULL = 16;
/** Content hashes are 22 ASCII characters (render.ts); any other length is kept as a string. */
const HASH_LEN = 22;
const NO_PROBLEMS: PublishProblem[] = [];
/** Slots per chunk of columns (a power of two). */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;
const AVAILABILITY_CODE = new Map<Availability, number>(AVAILABILITIES.map((a, i) => [a, i]));

/** One chunk of slots' columns. */
class Chunk {
  readonly floats = new Float64Array(CHUNK * F_WIDTH);
  readonly ints = new Int32Array(CHUNK * I_WIDTH);
  readonly flags = new Uint8Array(CHUNK);
  readonly availability = new Uint8Array(CHUNK);
  /**
   * Content hashes and OpenAI line hashes, 22 bytes each (their lengths in `hashLens`: 0 none, 255
   * kept in the cache's `oddHashes`). The OpenAI ones only once one is there (the feed is off by default).
   */
  readonly hashBytes: [Uint8Array, Uint8Array | null] = [new Uint8Array(CHUNK * HASH_LEN), null];
  readonly hashLens = new Uint8Array(CHUNK * 2);
  readonly skus: string[] = new Array<string>(CHUNK).fill('');
  readonly slugs: string[] = new Array<string>(CHUNK).fill('');
  readonly groupIds: Array<string | null> = new Array<string | null>(CHUNK).fill(null);
  readonly lastmods: string[] = new Array<string>(CHUNK).fill('');
}

export class CatalogCache {
  /** Each slot's product id, and the slot of each id (16 bytes a UUID: see id-slots.ts). */
  private readonly slotOf = new IdSlots();
  private readonly chunks: Chunk[] = [];
  private slots = 0;
  /** Slots of removed products, used again. */
  private readonly free: number[] = [];
  private readonly oddHashes = new Map<number, string>();
  /** Rare fields, by slot: problems (when any), a discontinued product's collection URL, a URL not derived. */
  private readonly problems = new Map<number, PublishProblem[]>();
  private readonly collectionUrls = new Map<number, string>();
  private readonly urls = new Map<number, string>();
  /** Every derived URL is prefix + slug + suffix (learnt from the first record with a URL). */
  private urlPrefix: string | null = null;
  private urlSuffix = '';
  /** Slots in SKU order (JavaScript code-unit order, the same on every database), as written. */
  private order: Int32Array = new Int32Array(0);
  private count = 0;

  /** How many products the files list. */
  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** A copy of the record of product `id`. */
  get(id: string): ProductRecord | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.record(slot);
  }

  /** The ids of the products in this cache that `other` does not have (no string made for the others). */
  idsNotIn(other: CatalogCache): string[] {
    return this.slotOf.idsNotIn(other.slotOf);
  }

  /** The ids of every product in the cache. */
  keys(): IterableIterator<string> {
    return this.slotOf.keys();
  }

  /**
   * The slot of product `id` (undefined: not in the cache), and of the product at place `i`: a key
   * that stays the product's until it is removed, compared without making its id string again.
   */
  slotOfId(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  slotAt(i: number): number {
    return this.order[i] as number;
  }

  /**
   * A live view of the record at place `i` of the order: its places in the files can be set
   * (for the writers of an incremental publish, after `apply`).
   */
  at(i: number): ProductRecord {
    const slot = this.order[i] as number;
    return new RecordView(this, this.chunks[slot >>> CHUNK_BITS] as Chunk, slot);
  }

  /** Copies of the records in order. */
  *records(): IterableIterator<ProductRecord> {
    for (let i = 0; i < this.count; i++) yield this.record(this.order[i] as number);
  }

  /** How many products are in each availability, in the feed, in the sitemap, with problems (the publish status). */
  tally(): { availability: Record<Availability, number>; total: number; inFeed: number; inSitemap: number; withIssues: number } {
    const availability = Object.fromEntries(AVAILABILITIES.map((a) => [a, 0])) as Record<Availability, number>;
    let inFeed = 0;
    let inSitemap = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = this.order[i] as number;
      const k = this.chunks[slot >>> CHUNK_BITS] as Chunk;
      availability[AVAILABILITIES[k.availability[slot & IN_CHUNK] as number] as Availability]++;
      const flags = k.flags[slot & IN_CHUNK] as number;
      if (flags & IN_FEED) inFeed++;
      if (flags & IN_SITEMAP) inSitemap++;
    }
    return { availability, total: this.count, inFeed, inSitemap, withIssues: this.problems.size };
  }

  /** Appends a record after the last one (a full publish, in SKU order). */
  push(record: ProductRecord): void {
    const slot = this.store(record);
    if (this.count === this.order.length) this.order = grown(this.order, new Int32Array(Math.max(1024, Math.ceil(this.order.length * 1.5))));
    this.order[this.count++] = slot;
  }

  /**
   * Replaces some records (by id), adds new ones and removes `gone` ids: one merge pass, however
   * many change. Returns the index of the order's first difference from the old one (everything
   * before it is as it was) and where the unchanged tail starts (`tail`: the records from there on
   * are the old order's last ones, unchanged and in the same order).
   */
  apply(changed: ProductRecord[], gone: Set<string>): { first: number; tail: number } {
    // The usual change keeps every SKU: each record takes its predecessor's place (found by binary search).
    if (gone.size === 0 && changed.every((e) => this.has(e.id) && this.skuOf(this.slotOf.get(e.id) as number) === e.sku)) {
      const places = changed.map((e) => this.indexOf(e.sku));
      if (changed.every((e, i) => this.order[places[i] as number] === this.slotOf.get(e.id))) {
        for (const e of changed) this.store(e);
        let first = this.count;
        let tail = 0;
        for (const p of places) {
          if (p < first) first = p;
          if (p + 1 > tail) tail = p + 1;
        }
        return { first, tail: Math.max(first, tail) };
      }
    }
    const replaced = new Set<number>();
    for (const id of [...gone, ...changed.map((e) => e.id)]) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) replaced.add(slot);
    }
    const incoming = [...changed].sort(bySku);
    const next = new Int32Array(Math.max(1024, this.count + incoming.length));
    /** Where each incoming record goes in `next`; filled once the gone slots are free. */
    const places: number[] = [];
    let n = 0;
    let k = 0;
    let first = -1;
    /** Where the records after the last difference start. */
    let tail = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = this.order[i] as number;
      if (replaced.has(slot)) {
        if (first < 0) first = n;
        tail = n;
        continue;
      }
      const sku = this.skuOf(slot);
      while (k < incoming.length && (incoming[k] as ProductRecord).sku < sku) {
        if (first < 0) first = n;
        places.push(n++);
        tail = n;
        k++;
      }
      next[n++] = slot;
    }
    if (first < 0) first = n;
    for (; k < incoming.length; k++) {
      places.push(n++);
      tail = n;
    }
    for (const id of gone) this.remove(id);
    incoming.forEach((e, j) => (next[places[j] as number] = this.store(e)));
    this.order = next;
    this.count = n;
    return { first, tail: Math.max(first, tail) };
  }

  /**
   * What the records at places [from, size) hold, from the columns (no record made): how many
   * are listed, in the feed, in the sitemap, with JSON-LD (and its bytes), and the first place in
   * the feed and with JSON-LD (-1: none).
   */
  tailSummary(from: number): { listed: number; inFeed: number; inSitemap: number; withLd: number; ldBytes: number; firstFeed: number; firstLd: number } {
    const out = { listed: 0, inFeed: 0, inSitemap: 0, withLd: 0, ldBytes: 0, firstFeed: -1, firstLd: -1 };
    const discontinued = AVAILABILITY_CODE.get('discontinued');
    for (let i = from; i < this.count; i++) {
      const slot = this.order[i] as number;
      const k = this.chunks[slot >>> CHUNK_BITS] as Chunk;
      const at = slot & IN_CHUNK;
      const flags = k.flags[at] as number;
      if (k.availability[at] !== discontinued) out.listed++;
      if (flags & IN_FEED) {
        if (out.firstFeed < 0) out.firstFeed = i;
        out.inFeed++;
      }
      if (flags & IN_SITEMAP) out.inSitemap++;
      if (flags & HAS_JSON_LD) {
        if (out.firstLd < 0) out.firstLd = i;
        out.withLd++;
        out.ldBytes += k.ints[at * I_WIDTH + I_LD_BYTES] as number;
      }
    }
    return out;
  }

  /**
   * Moves the places in the Merchant feed (XML, TSV) and the manifest of the records at [from,
   * size) by one distance each: the unchanged tail of an incremental publish, copied in one range.
   */
  shiftPlaces(from: number, delta: { xml: number; tsv: number; mf: number }): void {
    if (delta.xml === 0 && delta.tsv === 0 && delta.mf === 0) return;
    for (let i = from; i < this.count; i++) {
      const slot = this.order[i] as number;
      const k = this.chunks[slot >>> CHUNK_BITS] as Chunk;
      const at = slot & IN_CHUNK;
      const flags = k.flags[at] as number;
      const f = at * F_WIDTH;
      if (flags & IN_FEED) {
        k.floats[f + F_XML_OFF] = (k.floats[f + F_XML_OFF] as number) + delta.xml;
        k.floats[f + F_TSV_OFF] = (k.floats[f + F_TSV_OFF] as number) + delta.tsv;
      }
      if (flags & HAS_JSON_LD) k.floats[f + F_MF_OFF] = (k.floats[f + F_MF_OFF] as number) + delta.mf;
    }
  }

  private skuOf(slot: number): string {
    return (this.chunks[slot >>> CHUNK_BITS] as Chunk).skus[slot & IN_CHUNK] as string;
  }

  /** Where `sku` is, or would go, in the order (the order is by SKU). */
  private indexOf(sku: string): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.skuOf(this.order[mid] as number) < sku) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id, slot);
    const k = this.chunks[slot >>> CHUNK_BITS] as Chunk;
    const i = slot & IN_CHUNK;
    k.skus[i] = '';
    k.slugs[i] = '';
    k.groupIds[i] = null;
    k.lastmods[i] = '';
    this.clearRare(slot);
    this.free.push(slot);
  }

  private clearRare(slot: number): void {
    this.problems.delete(slot);
    this.collectionUrls.delete(slot);
    this.urls.delete(slot);
    this.oddHashes.delete(slot * 2);
    this.oddHashes.delete(slot * 2 + 1);
  }

  /** Writes `e` into its slot (a new one for a new id); returns the slot. */
  private store(e: ProductRecord): number {
    let slot = this.slotOf.get(e.id);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.slots++;
      if (slot >>> CHUNK_BITS === this.chunks.length) this.chunks.push(new Chunk());
      this.slotOf.set(e.id, slot);
    }
    const k = this.chunks[slot >>> CHUNK_BITS] as Chunk;
    const i = slot & IN_CHUNK;
    k.skus[i] = e.sku;
    k.slugs[i] = e.slug;
    k.groupIds[i] = e.groupId;
    k.lastmods[i] = e.lastmod;
    this.clearRare(slot);
    if (e.problems.length > 0) this.problems.set(slot, e.problems);
    if (e.collectionUrl !== null) this.collectionUrls.set(slot, e.collectionUrl);
    let flags = (e.inFeed ? IN_FEED : 0) | (e.inSitemap ? IN_SITEMAP : 0) | (e.hasJsonLd ? HAS_JSON_LD : 0);
    if (e.url === null) flags |= URL_NULL;
    else if (this.derives(e.url, e.slug)) flags |= URL_DERIVED;
    else this.urls.set(slot, e.url);
    k.flags[i] = flags;
    k.availability[i] = AVAILABILITY_CODE.get(e.availability) as number;
    this.putHash(k, slot, 0, e.contentHash);
    this.putHash(k, slot, 1, e.aiHash);
    const f = i * F_WIDTH;
    k.floats[f + F_SEQ] = e.seq;
    k.floats[f + F_XML_OFF] = e.xmlOff;
    k.floats[f + F_TSV_OFF] = e.tsvOff;
    k.floats[f + F_AI_OFF] = e.aiOff;
    k.floats[f + F_SM_OFF] = e.smOff;
    k.floats[f + F_MF_OFF] = e.mfOff;
    const n = i * I_WIDTH;
    k.ints[n + I_XML_LEN] = e.xmlLen;
    k.ints[n + I_TSV_LEN] = e.tsvLen;
    k.ints[n + I_AI_LEN] = e.aiLen;
    k.ints[n + I_SM_LEN] = e.smLen;
    k.ints[n + I_MF_LEN] = e.mfLen;
    k.ints[n + I_AI_PART] = e.aiPart;
    k.ints[n + I_SM_PART] = e.smPart;
    k.ints[n + I_LD_BYTES] = e.ldBytes;
    return slot;
  }

  /** Whether `url` is prefix + slug + suffix (the first URL seen sets the prefix and suffix). */
  private derives(url: string, slug: string): boolean {
    if (this.urlPrefix === null) {
      const at = slug ? url.lastIndexOf(slug) : -1;
      if (at < 0) return false;
      this.urlPrefix = url.slice(0, at);
      this.urlSuffix = url.slice(at + slug.length);
    }
    return url.length === this.urlPrefix.length + slug.length + this.urlSuffix.length && url.startsWith(this.urlPrefix) && url.startsWith(slug, this.urlPrefix.length) && url.endsWith(this.urlSuffix);
  }

  /** Stores hash `which` (0: content, 1: OpenAI line) of `slot`. */
  private putHash(k: Chunk, slot: number, which: number, hash: string): void {
    const h = (slot & IN_CHUNK) * 2 + which;
    this.oddHashes.delete(slot * 2 + which);
    if (hash.length === HASH_LEN && isAscii(hash)) {
      const bytes = (k.hashBytes[which] ??= new Uint8Array(CHUNK * HASH_LEN));
      const at = (slot & IN_CHUNK) * HASH_LEN;
      for (let c = 0; c < HASH_LEN; c++) bytes[at + c] = hash.charCodeAt(c);
      k.hashLens[h] = HASH_LEN;
    } else if (hash.length === 0) {
      k.hashLens[h] = 0;
    } else {
      k.hashLens[h] = 255;
      this.oddHashes.set(slot * 2 + which, hash);
    }
  }

  /** Hash `which` (0: content, 1: OpenAI line) of `slot`. */
  hashOf(k: Chunk, slot: number, which: number): string {
    const h = (slot & IN_CHUNK) * 2 + which;
    const len = k.hashLens[h] as number;
    if (len === 0) return '';
    if (len === 255) return this.oddHashes.get(slot * 2 + which) as string;
    const at = (slot & IN_CHUNK) * HASH_LEN;
    return String.fromCharCode.apply(null, (k.hashBytes[which] as Uint8Array).subarray(at, at + HASH_LEN) as unknown as number[]);
  }

  idOf(slot: number): string {
    return this.slotOf.idOf(slot);
  }

  urlOf(k: Chunk, slot: number): string | null {
    const flags = k.flags[slot & IN_CHUNK] as number;
    if (flags & URL_NULL) return null;
    if (flags & URL_DERIVED) return `${this.urlPrefix}${k.slugs[slot & IN_CHUNK]}${this.urlSuffix}`;
    return this.urls.get(slot) as string;
  }

  problemsOf(slot: number): PublishProblem[] {
    return this.problems.get(slot) ?? NO_PROBLEMS;
  }

  collectionUrlOf(slot: number): string | null {
    return this.collectionUrls.get(slot) ?? null;
  }

  /** A plain copy of slot `slot`'s record. */
  private record(slot: number): ProductRecord {
    const k = this.chunks[slot >>> CHUNK_BITS] as Chunk;
    const i = slot & IN_CHUNK;
    const f = i * F_WIDTH;
    const n = i * I_WIDTH;
    const flags = k.flags[i] as number;
    return {
      id: this.slotOf.idOf(slot),
      sku: k.skus[i] as string,
      slug: k.slugs[i] as string,
      groupId: k.groupIds[i] as string | null,
      url: this.urlOf(k, slot),
      availability: AVAILABILITIES[k.availability[i] as number] as Availability,
      problems: this.problemsOf(slot),
      contentHash: this.hashOf(k, slot, 0),
      lastmod: k.lastmods[i] as string,
      seq: k.floats[f + F_SEQ] as number,
      inFeed: (flags & IN_FEED) !== 0,
      inSitemap: (flags & IN_SITEMAP) !== 0,
      collectionUrl: this.collectionUrlOf(slot),
      hasJsonLd: (flags & HAS_JSON_LD) !== 0,
      ldBytes: k.ints[n + I_LD_BYTES] as number,
      xmlOff: k.floats[f + F_XML_OFF] as number,
      xmlLen: k.ints[n + I_XML_LEN] as number,
      tsvOff: k.floats[f + F_TSV_OFF] as number,
      tsvLen: k.ints[n + I_TSV_LEN] as number,
      aiHash: this.hashOf(k, slot, 1),
      aiPart: k.ints[n + I_AI_PART] as number,
      aiOff: k.floats[f + F_AI_OFF] as number,
      aiLen: k.ints[n + I_AI_LEN] as number,
      smPart: k.ints[n + I_SM_PART] as number,
      smOff: k.floats[f + F_SM_OFF] as number,
      smLen: k.ints[n + I_SM_LEN] as number,
      mfOff: k.floats[f + F_MF_OFF] as number,
      mfLen: k.ints[n + I_MF_LEN] as number,
    };
  }
}

function grown(from: Int32Array, to: Int32Array): Int32Array {
  to.set(from);
  return to;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * A place in the cache seen as a record: reads come from the columns, and the writers' updates of
 * its places in the files go into them (only those can be set; the rest is what was published).
 */
class RecordView implements ProductRecord {
  private readonly i: number;

  constructor(
    private readonly cache: CatalogCache,
    private readonly k: Chunk,
    private readonly slot: number,
  ) {
    this.i = slot & IN_CHUNK;
  }

  get id(): string {
    return this.cache.idOf(this.slot);
  }
  get sku(): string {
    return this.k.skus[this.i] as string;
  }
  get slug(): string {
    return this.k.slugs[this.i] as string;
  }
  get groupId(): string | null {
    return this.k.groupIds[this.i] as string | null;
  }
  get url(): string | null {
    return this.cache.urlOf(this.k, this.slot);
  }
  get availability(): Availability {
    return AVAILABILITIES[this.k.availability[this.i] as number] as Availability;
  }
  get problems(): PublishProblem[] {
    return this.cache.problemsOf(this.slot);
  }
  get contentHash(): string {
    return this.cache.hashOf(this.k, this.slot, 0);
  }
  get lastmod(): string {
    return this.k.lastmods[this.i] as string;
  }
  get seq(): number {
    return this.k.floats[this.i * F_WIDTH + F_SEQ] as number;
  }
  get inFeed(): boolean {
    return ((this.k.flags[this.i] as number) & IN_FEED) !== 0;
  }
  get inSitemap(): boolean {
    return ((this.k.flags[this.i] as number) & IN_SITEMAP) !== 0;
  }
  get hasJsonLd(): boolean {
    return ((this.k.flags[this.i] as number) & HAS_JSON_LD) !== 0;
  }
  get collectionUrl(): string | null {
    return this.cache.collectionUrlOf(this.slot);
  }
  get ldBytes(): number {
    return this.k.ints[this.i * I_WIDTH + I_LD_BYTES] as number;
  }
  get aiHash(): string {
    return this.cache.hashOf(this.k, this.slot, 1);
  }
  get xmlOff(): number {
    return this.k.floats[this.i * F_WIDTH + F_XML_OFF] as number;
  }
  set xmlOff(v: number) {
    this.k.floats[this.i * F_WIDTH + F_XML_OFF] = v;
  }
  get tsvOff(): number {
    return this.k.floats[this.i * F_WIDTH + F_TSV_OFF] as number;
  }
  set tsvOff(v: number) {
    this.k.floats[this.i * F_WIDTH + F_TSV_OFF] = v;
  }
  get aiOff(): number {
    return this.k.floats[this.i * F_WIDTH + F_AI_OFF] as number;
  }
  set aiOff(v: number) {
    this.k.floats[this.i * F_WIDTH + F_AI_OFF] = v;
  }
  get smOff(): number {
    return this.k.floats[this.i * F_WIDTH + F_SM_OFF] as number;
  }
  set smOff(v: number) {
    this.k.floats[this.i * F_WIDTH + F_SM_OFF] = v;
  }
  get mfOff(): number {
    return this.k.floats[this.i * F_WIDTH + F_MF_OFF] as number;
  }
  set mfOff(v: number) {
    this.k.floats[this.i * F_WIDTH + F_MF_OFF] = v;
  }
  get xmlLen(): number {
    return this.k.ints[this.i * I_WIDTH + I_XML_LEN] as number;
  }
  set xmlLen(v: number) {
    this.k.ints[this.i * I_WIDTH + I_XML_LEN] = v;
  }
  get tsvLen(): number {
    return this.k.ints[this.i * I_WIDTH + I_TSV_LEN] as number;
  }
  set tsvLen(v: number) {
    this.k.ints[this.i * I_WIDTH + I_TSV_LEN] = v;
  }
  get aiLen(): number {
    return this.k.ints[this.i * I_WIDTH + I_AI_LEN] as number;
  }
  set aiLen(v: number) {
    this.k.ints[this.i * I_WIDTH + I_AI_LEN] = v;
  }
  get smLen(): number {
    return this.k.ints[this.i * I_WIDTH + I_SM_LEN] as number;
  }
  set smLen(v: number) {
    this.k.ints[this.i * I_WIDTH + I_SM_LEN] = v;
  }
  get mfLen(): number {
    return this.k.ints[this.i * I_WIDTH + I_MF_LEN] as number;
  }
  set mfLen(v: number) {
    this.k.ints[this.i * I_WIDTH + I_MF_LEN] = v;
  }
  get aiPart(): number {
    return this.k.ints[this.i * I_WIDTH + I_AI_PART] as number;
  }
  set aiPart(v: number) {
    this.k.ints[this.i * I_WIDTH + I_AI_PART] = v;
  }
  get smPart(): number {
    return this.k.ints[this.i * I_WIDTH + I_SM_PART] as number;
  }
  set smPart(v: number) {
    this.k.ints[this.i * I_WIDTH + I_SM_PART] = v;
  }
}
