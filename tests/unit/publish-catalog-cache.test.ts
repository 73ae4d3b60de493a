/**
 * The publisher's catalogue cache, held as columns (catalog-cache.ts): every record comes back as
 * it went in (page URL made from the slug, or kept when it is not prefix + slug + suffix; hashes
 * kept as bytes, or as strings when not 22 ASCII characters; problems and collection URLs), in
 * SKU order, through additions, changes, removals, SKU renames and group changes; a slot used again
 * keeps nothing of the product before; the live views set the places in the files; and the first
 * place that differs is reported exactly. Checked against a plain array of records kept beside it.
 */
import { describe, expect, it } from 'vitest';
import { CatalogCache } from '../../electron/core/publish/catalog-cache';
import { bySku, type ProductRecord } from '../../electron/core/publish/product-record';
import { AVAILABILITIES } from '../../shared/domain/availability';

const URL_BASE = 'https://shop.example.com/products/';
const PROBLEM = { field: 'gtin', problem: 'bad check digit', fix: 'Correct it.', excludedFrom: ['feed' as const] };

/** A deterministic pseudo-random source (so a failure can be replayed). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

const numbers = new Map<string, number>();

/**
 * Product `n`'s id: mostly a UUID in lowercase canonical form (kept as 16 bytes: id-slots.ts),
 * their first bytes shared as uuid7's timestamps are; some in capitals and some of another shape
 * (kept as strings). Every id must come back exactly as it went in.
 */
function idOf(n: number): string {
  const hex = (v: number, width: number) => v.toString(16).padStart(width, '0');
  const id =
    n % 5 === 0
      ? `id-${String(n).padStart(6, '0')}`
      : n % 5 === 1
        ? `0193A5B2-7C00-7${hex(n % 4096, 3)}-8000-${hex(n, 12)}`.toUpperCase()
        : `0193a5b2-7c${hex(n % 3, 2)}-7${hex(n % 4096, 3)}-8${hex(n % 7, 3)}-${hex(n * 2_654_435_761 % 2 ** 48, 12)}`;
  numbers.set(id, n);
  return id;
}

function record(n: number, rand: () => number, overrides: Partial<ProductRecord> = {}): ProductRecord {
  const slug = `item-${n}`;
  const odd = rand();
  return {
    id: idOf(n),
    sku: `SKU-${String(Math.floor(rand() * 1e6)).padStart(6, '0')}-${n}`,
    slug,
    groupId: rand() < 0.4 ? `G-${Math.floor(rand() * 20)}` : null,
    // Mostly the template's URL; some none, some another shape (kept as they are).
    url: odd < 0.1 ? null : odd < 0.2 ? `https://other.example.com/p?id=${n}` : `${URL_BASE}${slug}`,
    availability: AVAILABILITIES[Math.floor(rand() * AVAILABILITIES.length)] as ProductRecord['availability'],
    problems: rand() < 0.1 ? [PROBLEM] : [],
    contentHash: rand() < 0.05 ? `odd-${n}` : Buffer.from(`hash-${n}-${rand()}`).toString('base64url').padEnd(22, 'A').slice(0, 22),
    lastmod: `2026-12-0${1 + Math.floor(rand() * 5)}T00:00:00Z`,
    seq: Math.floor(rand() * 1e6),
    inFeed: rand() < 0.8,
    inSitemap: rand() < 0.7,
    hasJsonLd: rand() < 0.6,
    collectionUrl: rand() < 0.1 ? `https://shop.example.com/c/col-${n}` : null,
    ldBytes: Math.floor(rand() * 5000),
    xmlOff: rand() < 0.1 ? -1 : Math.floor(rand() * 6e9),
    xmlLen: Math.floor(rand() * 2000),
    tsvOff: Math.floor(rand() * 1e8),
    tsvLen: Math.floor(rand() * 800),
    aiHash: rand() < 0.5 ? '' : 'Z'.repeat(21) + String.fromCharCode(65 + (n % 26)),
    aiPart: Math.floor(rand() * 4) - 1,
    aiOff: Math.floor(rand() * 1e7),
    aiLen: Math.floor(rand() * 900),
    smPart: Math.floor(rand() * 3),
    smOff: Math.floor(rand() * 5e7),
    smLen: Math.floor(rand() * 300),
    mfOff: Math.floor(rand() * 1e7),
    mfLen: Math.floor(rand() * 200),
    ...overrides,
  };
}

const KEYS = Object.keys(record(0, rng(0))) as Array<keyof ProductRecord>;

/** A plain copy of a record (or of a view, whose fields are getters), field by field. */
const plain = (r: ProductRecord): ProductRecord => Object.fromEntries(KEYS.map((k) => [k, k === 'problems' ? [...r.problems] : r[k]])) as ProductRecord;

function expectSame(cache: CatalogCache, model: ProductRecord[]): void {
  expect(cache.size).toBe(model.length);
  // Compared as JSON text (toEqual on thousands of records, round after round, took half a minute).
  const want = model.map((r) => JSON.stringify(plain(r)));
  expect([...cache.records()].map((r) => JSON.stringify(plain(r)))).toEqual(want);
  expect(model.map((r) => JSON.stringify(plain(cache.get(r.id) as ProductRecord)))).toEqual(want);
  expect(new Set(cache.keys())).toEqual(new Set(model.map((r) => r.id)));
}

/**
 * The first index where the new order `b` differs from `a`: another product there, or one that
 * changed (its fragments are new), else the shorter length. Everything before it is copied as it was.
 */
function firstDifference(a: ProductRecord[], b: ProductRecord[], changed: Set<string>): number {
  let i = 0;
  while (i < a.length && i < b.length && (a[i] as ProductRecord).id === (b[i] as ProductRecord).id && !changed.has((b[i] as ProductRecord).id)) i++;
  return i;
}

/** Where the longest run of unchanged records at the end of both orders starts in `b` (the tail a publish copies whole). */
function tailStart(a: ProductRecord[], b: ProductRecord[], changed: Set<string>): number {
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0 && (a[i - 1] as ProductRecord).id === (b[j - 1] as ProductRecord).id && !changed.has((b[j - 1] as ProductRecord).id)) {
    i--;
    j--;
  }
  return j;
}

function filled(count: number, rand: () => number): { cache: CatalogCache; model: ProductRecord[] } {
  const model = Array.from({ length: count }, (_, n) => record(n, rand)).sort(bySku);
  const cache = new CatalogCache();
  for (const r of model) cache.push(r);
  return { cache, model };
}

describe('catalogue cache (columns)', () => {
  it('gives back every record as pushed, in order, across several chunks of slots', () => {
    const { cache, model } = filled(9_000, rng(1));
    expectSame(cache, model);
    expect(cache.has(idOf(1))).toBe(true);
    expect(cache.has(idOf(2))).toBe(true);
    expect(cache.has('nope')).toBe(false);
    expect(cache.get('nope')).toBeUndefined();
    // The URLs not derived from the slug, and those absent, are kept as they were.
    expect(model.some((r) => r.url === null) && model.some((r) => r.url?.startsWith('https://other.'))).toBe(true);
  });

  it('derives nothing when the first URL does not contain its slug', () => {
    const rand = rng(2);
    const cache = new CatalogCache();
    const model = [record(1, rand, { sku: 'A', url: 'https://shop.example.com/p/1' }), record(2, rand, { sku: 'B' })];
    for (const r of model) cache.push(r);
    expectSame(cache, model);
  });

  it('keeps the same records, order and groups as a plain list through changes, renames, group changes and removals', () => {
    const rand = rng(3);
    const { cache, model: start } = filled(2_000, rand);
    let model = start;
    let next = 2_000;
    for (let round = 0; round < 120; round++) {
      const changed: ProductRecord[] = [];
      const gone = new Set<string>();
      const kind = rand();
      const picks = 1 + Math.floor(rand() * 4);
      for (let p = 0; p < picks; p++) {
        const old = model[Math.floor(rand() * model.length)] as ProductRecord;
        if (gone.has(old.id) || changed.some((c) => c.id === old.id)) continue;
        if (kind < 0.4) {
          // The usual change: same SKU, new content (availability, hashes, group, places).
          changed.push(record(numbers.get(old.id) as number, rand, { id: old.id, sku: old.sku, slug: old.slug, groupId: rand() < 0.5 ? old.groupId : `G-new-${round}` }));
        } else if (kind < 0.6) {
          changed.push({ ...old, sku: `SKU-R${round}-${p}`, groupId: null });
        } else if (kind < 0.8) {
          gone.add(old.id);
        } else {
          changed.push(record(next++, rand));
        }
      }
      const byId = new Map(changed.map((r) => [r.id, r]));
      const expected = model
        .filter((r) => !gone.has(r.id) && !byId.has(r.id))
        .concat(changed)
        .sort(bySku);
      const { first, tail } = cache.apply(changed, gone);
      expect(first).toBe(firstDifference(model, expected, new Set(byId.keys())));
      // The unchanged tail, copied a range per file: exactly the old order's last records.
      expect(tail).toBe(Math.max(first, tailStart(model, expected, new Set(byId.keys()))));
      model = expected;
      expectSame(cache, model);
    }
    // Groups as the records give them.
    const groups = new Map<string, string[]>();
    for (const r of cache.records()) if (r.groupId) groups.set(r.groupId, [...(groups.get(r.groupId) ?? []), r.id]);
    const modelGroups = new Map<string, string[]>();
    for (const r of model) if (r.groupId) modelGroups.set(r.groupId, [...(modelGroups.get(r.groupId) ?? []), r.id]);
    expect(groups).toEqual(modelGroups);
  });

  it('leaves nothing of a removed product in the slot a new one takes', () => {
    const rand = rng(4);
    const cache = new CatalogCache();
    const a = record(1, rand, { sku: 'A', problems: [PROBLEM], collectionUrl: 'https://shop.example.com/c/x', url: 'https://elsewhere.example.com/a', contentHash: 'short', aiHash: 'also-odd' });
    const b = record(2, rand, { sku: 'B' });
    cache.push(a);
    cache.push(b);
    cache.apply([], new Set([a.id]));
    const c = record(3, rand, { sku: 'C', problems: [], collectionUrl: null, url: `${URL_BASE}item-3`, contentHash: 'C'.repeat(22), aiHash: '' });
    expect(cache.apply([c], new Set()).first).toBe(1);
    expectSame(cache, [b, c]);
  });

  it('lets the writers set places in the files through the live views, and nothing else', () => {
    const { cache, model } = filled(50, rng(5));
    const view = cache.at(7);
    const r = model[7] as ProductRecord;
    expect(plain(view)).toEqual(plain(r));
    view.xmlOff = 5_000_000_000;
    view.xmlLen = 12;
    view.tsvOff = 1;
    view.tsvLen = 2;
    view.aiPart = 3;
    view.aiOff = 4;
    view.aiLen = 5;
    view.smPart = 1;
    view.smOff = 6;
    view.smLen = 7;
    view.mfOff = 8;
    view.mfLen = 9;
    expect(cache.get(r.id)).toEqual(plain({ ...r, xmlOff: 5_000_000_000, xmlLen: 12, tsvOff: 1, tsvLen: 2, aiPart: 3, aiOff: 4, aiLen: 5, smPart: 1, smOff: 6, smLen: 7, mfOff: 8, mfLen: 9 }));
    // What was published is not the writers' to change.
    expect(() => ((view as { sku: string }).sku = 'X')).toThrow(TypeError);
  });

  it('counts availabilities, feed and sitemap entries and products with problems for the status', () => {
    const { cache, model } = filled(5_000, rng(6));
    const t = cache.tally();
    expect(t.total).toBe(model.length);
    expect(t.inFeed).toBe(model.filter((r) => r.inFeed).length);
    expect(t.inSitemap).toBe(model.filter((r) => r.inSitemap).length);
    expect(t.withIssues).toBe(model.filter((r) => r.problems.length > 0).length);
    for (const a of AVAILABILITIES) expect(t.availability[a]).toBe(model.filter((r) => r.availability === a).length);
  });
});
