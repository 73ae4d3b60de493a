/**
 * A settings update can name the version it was made from (`expectedUpdatedAt`): a save made on
 * top of settings someone else has saved since is refused with 409 instead of overwriting that
 * change (the settings are one document, so a stale form would undo every field of the other
 * save). GET shows the version as `updatedAt`; a GET body sent back as it is, and clients that
 * send no version, keep saving as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('settings versions on %s', (engine) => {
  let core: TestCore;
  const head = async () => (await core.call('changes.latest', {})).seq;

  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => core?.cleanup());

  it('refuses a save made from a version saved over since, keeps the other save and logs nothing', async () => {
    const never = await core.call('settings.get', {});
    // A GET body goes back as it is; without expectedUpdatedAt there is no check.
    const first = await core.call('settings.update', { ...never, shopName: 'Harbour Goods' });
    expect(first.updatedAt).toEqual(expect.any(String));
    expect((await core.call('settings.get', {})).updatedAt).toBe(first.updatedAt);

    // Anna saves the currency on top of the version she loaded: accepted, with a later version.
    const anna = await core.call('settings.update', { ...first, currency: 'GBP', expectedUpdatedAt: first.updatedAt as string });
    expect(anna.currency).toBe('GBP');
    expect(anna.updatedAt! > first.updatedAt!).toBe(true);

    // Ben's form was loaded before Anna's save: refused, and her currency stays.
    const before = await head();
    await expect(core.call('settings.update', { ...first, shopName: 'Harbour & Co', expectedUpdatedAt: first.updatedAt as string })).rejects.toMatchObject({
      code: 'conflict',
      details: { field: 'updatedAt', updatedAt: anna.updatedAt },
    });
    expect(await core.call('settings.get', {})).toMatchObject({ shopName: 'Harbour Goods', currency: 'GBP', updatedAt: anna.updatedAt });
    expect(await head()).toBe(before);

    // Redone on top of the current version: both changes stand.
    const ben = await core.call('settings.update', { ...anna, shopName: 'Harbour & Co', expectedUpdatedAt: anna.updatedAt as string });
    expect(ben).toMatchObject({ shopName: 'Harbour & Co', currency: 'GBP' });
  });

  it('lets only one of two saves made from the same version through, even in one batch', async () => {
    const current = await core.call('settings.get', {});
    const results = await Promise.allSettled(
      ['Two', 'Three'].map((shopName) => core.call('settings.update', { ...current, shopName, expectedUpdatedAt: current.updatedAt as string })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['conflict']);
  });

  it('keeps the version out of the stored document and the change log', async () => {
    const current = await core.call('settings.get', {});
    const before = await head();
    await core.call('settings.update', { ...current, defaultBrand: 'Fjord', expectedUpdatedAt: current.updatedAt as string });
    const { changes } = await core.call('changes.list', { since: before, limit: 10 });
    expect(changes.map((c) => c.payload.changed)).toEqual([['defaultBrand']]);
  });
});
