/**
 * The publisher turns V8's allocation-site pretenuring off (electron/core/publish/pretenuring.ts):
 * a full publish's pages made V8 allocate every later page's objects straight into the old
 * generation, ~110 MB of garbage at the end of a 100,000-product rewrite. A child process (the
 * flag is process-wide) repeats that pattern and reports what of a fresh page went straight into
 * the old generation: nearly all of it with V8's default, none once the publisher's setting applies.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = path.join(__dirname, '..', 'fixtures', 'pretenuring-child.ts');

function run(mode: 'default' | 'off'): { direct: number; objects: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, mode], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`pretenuring child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { direct: number; objects: number };
}

describe('publisher: V8 pretenuring', () => {
  it("allocates a page's objects in the young generation, which V8's default pretenures after pages like a publish's", () => {
    // The control: this V8 does pretenure the pattern (each object is ≥ 40 bytes), or the check below proves nothing.
    const control = run('default');
    expect(control.direct, 'bytes of the last page V8 put straight into the old generation by default').toBeGreaterThan(control.objects * 32);
    const off = run('off');
    expect(off.direct, 'bytes of the last page put straight into the old generation with the publisher setting').toBeLessThan(off.objects * 4);
  }, 120_000);
});
