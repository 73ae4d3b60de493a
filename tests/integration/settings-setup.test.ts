/** The first-run flag: false for a new shop, set once by the first-run screen, kept by later saves. */
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
