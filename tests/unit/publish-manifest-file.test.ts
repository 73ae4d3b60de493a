/**
 * Telling Stockfeed's manifest.json from anyone else's, for small manifests (parsed whole) and
 * large ones (judged by head and tail, as before every publish), in this version's format and in
 * the format of earlier versions (no generator field).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MANIFEST_HEAD, MANIFEST_SEP, manifestTail } from '../../electron/core/publish/artifacts';
import { manifestLine } from '../../electron/core/publish/render';
import { isStockfeedManifest, listManifestNames, manifestNames, SEED_MANIFEST } from '../../electron/core/publish/manifest-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-manifest-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const summary = { seq: 7, writtenAt: '2026-12-01T00:00:00.000Z', full: true, counts: { products: 1 } };
const big = [{ name: 'google-merchant.xml', bytes: 10, sha256: 'b'.repeat(64) }];

/** A manifest as the publisher writes it, with `n` JSON-LD lines. */
function written(n: number): string {
  const lines = Array.from({ length: n }, (_, i) => manifestLine(`jsonld/product-${i}.json`, 100 + i, 'a'.repeat(64)));
  return MANIFEST_HEAD + lines.join(MANIFEST_SEP) + manifestTail(n > 0, big, summary);
}

function file(name: string, text: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, text);
  return target;
}

describe('manifest.json of Stockfeed', () => {
  it('is recognised small and large, now (generator) and as earlier versions wrote it', () => {
    const small = written(3);
    expect(JSON.parse(small)).toMatchObject({ generator: 'stockfeed', seq: 7 });
    expect(isStockfeedManifest(file('small.json', small))).toBe(true);
    const large = written(2000);
    expect(large.length).toBeGreaterThan(64 * 1024);
    expect(isStockfeedManifest(file('large.json', large))).toBe(true);
    const old = (text: string) => text.replace('  "generator": "stockfeed",\n', '');
    expect(old(large)).not.toContain('generator');
    expect(isStockfeedManifest(file('old-small.json', old(small)))).toBe(true);
    expect(isStockfeedManifest(file('old-large.json', old(large)))).toBe(true);
    expect(isStockfeedManifest(file('seed.json', SEED_MANIFEST))).toBe(true);
    expect(manifestNames(small)).toEqual(new Set(['jsonld/product-0.json', 'jsonld/product-1.json', 'jsonld/product-2.json', 'google-merchant.xml']));
  });

  it("is not someone else's manifest, a damaged one or another generator's", () => {
    expect(isStockfeedManifest(file('pwa.json', JSON.stringify({ name: 'Shop', icons: [], start_url: '/' })))).toBe(false);
    expect(isStockfeedManifest(file('files-only.json', JSON.stringify({ files: [] })))).toBe(false);
    expect(isStockfeedManifest(file('other.json', written(3).replace('"generator": "stockfeed"', '"generator": "other"')))).toBe(false);
    expect(isStockfeedManifest(file('other-large.json', written(2000).replace('"generator": "stockfeed"', '"generator": "other"')))).toBe(false);
    expect(isStockfeedManifest(file('cut.json', written(2000).slice(0, 70_000)))).toBe(false);
    expect(isStockfeedManifest(file('garbage.json', 'x'.repeat(100_000)))).toBe(false);
    expect(isStockfeedManifest(path.join(dir, 'absent.json'))).toBe(false);
    expect(isStockfeedManifest(dir)).toBe(false);
    expect(manifestNames(JSON.stringify({ name: 'Shop', files: [{ name: 'secret.json', bytes: 1, sha256: 'x' }] }))).toBeNull();
  });
});

describe('the names a manifest lists', () => {
  it('are the same picked from a large manifest line by line as parsed whole, escapes included', async () => {
    const large = written(3000).replace('jsonld/product-7.json', 'jsonld/odd \\"quoted\\" \\\\ name.json');
    expect(large.length).toBeGreaterThan(64 * 1024);
    const whole = manifestNames(large);
    expect(whole?.has('jsonld/odd "quoted" \\ name.json')).toBe(true);
    expect(await listManifestNames(large)).toEqual(whole);
    expect(await listManifestNames(written(3))).toEqual(manifestNames(written(3)));
    expect(await listManifestNames(written(3000).replace('"generator": "stockfeed"', '"generator": "other"'))).toBeNull();
    expect(await listManifestNames('x'.repeat(100_000))).toBeNull();
  });
});
