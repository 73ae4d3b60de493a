/**
 * Security regression: restoring a backup brought back credentials that had been withdrawn since
 * it was taken. The sessions and storefront tokens were restored with the shop's data, so a
 * browser session that had signed out (or been ended for a new password) and a storefront token
 * the owner had revoked worked again, while those made since stopped working. Sign-ins and tokens
 * are not the shop's data: a restore now keeps them as they are.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, type TestCore } from '../helpers/core';

describe('security: a restore keeps today’s sessions and storefront tokens', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  it('does not bring back a session that ended or a storefront token that was revoked, and keeps those made since', async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
    const token = core.tokens.current();
    const old = await core.sessions.create('api-token', token);
    const oldShop = await core.call('storefrontTokens.create', { name: 'old storefront' });
    const backup = await core.call('backups.create', {});

    // After the backup: the old session signs out, the old storefront token is revoked, new ones are made.
    await core.sessions.end(old.id);
    await core.call('storefrontTokens.delete', { id: oldShop.id });
    const fresh = await core.sessions.create('api-token', token);
    const freshShop = await core.call('storefrontTokens.create', { name: 'new storefront' });

    await core.call('backups.restore', { id: backup.id });

    const check = async () => {
      expect(await core!.sessions.find(old.id, token)).toBeNull();
      expect((await core!.sessions.find(fresh.id, token))?.session.idHash).toBe(fresh.session.idHash);
      expect(core!.storefrontTokens.check(oldShop.token)).toBeNull();
      expect(core!.storefrontTokens.check(freshShop.token)).toBe(freshShop.id);
      expect((await core!.call('storefrontTokens.list', {})).tokens.map((t) => t.name)).toEqual(['new storefront']);
    };
    await check();
    // As the next start would read them.
    await core.storefrontTokens.load();
    await check();
  });
});
