/**
 * The first-run flag: false for a new shop, set once by the first-run screen, kept by later saves.
 * The shop's locale: empty by default, stored in its canonical spelling, a made-up tag refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('setupDone (%s)', (engine) => {
  let core: TestCore;

  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => {
    await core?.cleanup();
  });

  it('is false until the shop is set up', async () => {
    expect((await core.call('settings.get', {})).setupDone).toBe(false);
  });

  it('stays true once set, even when a client that does not know it saves the settings', async () => {
    const current = await core.call('settings.get', {});
    await core.call('settings.update', { ...current, shopName: 'Harbour Goods', setupDone: true });
    const { setupDone: _dropped, ...withoutFlag } = await core.call('settings.get', {});
    const saved = await core.call('settings.update', { ...withoutFlag, shopName: 'Harbour & Co' });
    expect(saved).toMatchObject({ setupDone: true, shopName: 'Harbour & Co' });
    const again = await core.call('settings.update', { ...saved, setupDone: false });
    expect(again.setupDone).toBe(true);
  });
});

describe.each(engines())('locale (%s)', (engine) => {
  let core: TestCore;

  beforeAll(async () => {
    core = await startCore(engine);
  });
  afterAll(async () => {
    await core?.cleanup();
  });

  it('is empty (the computer\'s language) until the shop chooses one', async () => {
    expect((await core.call('settings.get', {})).locale).toBe('');
  });

  it('is saved in its canonical spelling, and kept by a save that does not change it', async () => {
    const current = await core.call('settings.get', {});
    expect((await core.call('settings.update', { ...current, locale: ' de-de ' })).locale).toBe('de-DE');
    expect((await core.call('settings.get', {})).locale).toBe('de-DE');
    const again = await core.call('settings.update', { ...(await core.call('settings.get', {})), shopName: 'Harbour Goods' });
    expect(again).toMatchObject({ locale: 'de-DE', shopName: 'Harbour Goods' });
    expect((await core.call('settings.update', { ...again, locale: 'fr_CH' })).locale).toBe('fr-CH');
    expect((await core.call('settings.update', { ...again, locale: '' })).locale).toBe('');
  });

  it.each(['not a locale', 'xx-YY', 'de_DE_', 'x'.repeat(101)])('refuses %j, naming the field, and changes nothing', async (locale) => {
    const before = await core.call('settings.get', {});
    await expect(core.call('settings.update', { ...before, locale })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: expect.arrayContaining([expect.objectContaining({ path: 'locale' })]) },
    });
    expect(await core.call('settings.get', {})).toEqual(before);
  });
});
