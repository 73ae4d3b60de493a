/**
 * `publish --full` where the JSON-LD set is swapped whole (jsonld-folder.ts): the files the new
 * set drops are reported removed (delivery targets delete them), and only those: a temporary file
 * of a writer still running, in the old set, is not a published file and is not reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canSwapSets } from '../../electron/core/publish/jsonld-folder';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';
import { configureShop, goodProduct } from '../fixtures/publish/helpers';

describe.skipIf(!canSwapSets()).each(engines())('a forced full publish on %s', (engine: Engine) => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('reports the JSON-LD files the new set drops as removed, and no temporary file of the old set', async () => {
    core = await startCore(engine);
    const c = core;
    await configureShop(c);
    const kept = await c.call('products.create', goodProduct('KEEP-1'));
    const dropped = await c.call('products.create', goodProduct('DROP-1'));
    await c.call('publish.run', {});
    const ld = path.join(c.publisher.publishDir(), 'jsonld');
    expect(fs.existsSync(path.join(ld, `${dropped.slug}.json`))).toBe(true);

    // A writer that is still running (this process) has a temporary file in the old set.
    const temp = `.${kept.slug}.json.tmp-${process.pid}-0badcafe`;
    fs.writeFileSync(path.join(ld, temp), '{"half":');
    // Deleted: the new set has no file for it.
    await c.call('products.delete', { idOrSku: 'DROP-1' });

    await c.call('publish.run', { full: true });
    const outcome = c.publisher.lastRun?.outcome;
    expect(outcome?.full).toBe(true);
    expect(outcome?.removedFiles).toContain(`jsonld/${dropped.slug}.json`);
    expect(outcome?.removedFiles).not.toContain(`jsonld/${temp}`);
    expect(outcome?.removedFiles.filter((f) => f.startsWith('jsonld/'))).toEqual([`jsonld/${dropped.slug}.json`]);
    expect(fs.readdirSync(ld).sort()).toEqual([`${kept.slug}.json`]);
  });
});
