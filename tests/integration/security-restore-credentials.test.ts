/**
 * Security regression: restoring a backup brought back credentials that had been withdrawn since
 * it was taken. The sessions and storefront tokens were restored with the shop's data, so a
 * browser session that had signed out (or been ended for a new password) and a storefront token
 * the owner had revoked worked again, while those made since stopped working; and so were the
 * accounts, so an employee removed since (or an old, leaked password) could sign in again.
 * Accounts, sign-ins and tokens are not the shop's data: a restore now keeps them as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withActor } from '../../electron/core/actor';
import { productInput, startCore, tempDir, type TestCore } from '../helpers/core';

// Low scrypt cost: the tests sign in a dozen times.
const FAST_HASH = { logN: 10, r: 8, p: 1 };

describe('security: a restore keeps today’s accounts, sessions and storefront tokens', () => {
  let core: TestCore | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
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

  it('does not bring back a removed account or an old password, keeps accounts made since, and movements still name their actor', async () => {
    core = await startCore('sqlite', { webhooks: { worker: false }, passwordHash: FAST_HASH });
    const ada = await core.users.create({ username: 'ada', role: 'owner', password: 'ada-old-password' });
    const bob = await core.users.create({ username: 'bob', role: 'staff', password: 'bob-password' });
    await core.users.create({ username: 'cy', role: 'staff', password: 'cy-password' });
    await core.call('products.create', productInput('RESTORE-ACT'));
    await withActor({ kind: 'user', id: bob.id, name: 'bob' }, () => core!.call('stock.receive', { sku: 'RESTORE-ACT', quantity: 3 }));
    const backup = await core.call('backups.create', {});

    // After the backup: bob leaves, ada's password leaked and is changed, cy becomes a viewer, dee joins.
    await core.users.remove(bob.id);
    await core.users.update({ id: ada.id, password: 'ada-new-password' });
    const cy = (await core.users.byUsername('cy'))!;
    await core.users.update({ id: cy.id, role: 'viewer' });
    await core.users.create({ username: 'dee', role: 'staff', password: 'dee-password' });
    const deeSession = await core.sessions.create('password', '', (await core.users.authenticate('dee', 'dee-password'))!);

    await core.call('backups.restore', { id: backup.id });

    expect(await core.users.authenticate('bob', 'bob-password')).toBeNull();
    expect(await core.users.authenticate('ada', 'ada-old-password')).toBeNull();
    expect(await core.users.authenticate('ada', 'ada-new-password')).toMatchObject({ id: ada.id, role: 'owner' });
    expect(await core.users.authenticate('dee', 'dee-password')).toMatchObject({ username: 'dee' });
    expect((await core.users.list()).map((u) => [u.username, u.role])).toEqual([
      ['ada', 'owner'],
      ['cy', 'viewer'],
      ['dee', 'staff'],
    ]);
    // dee's session belongs to an account the backup never had: it still finds its person.
    expect((await core.sessions.find(deeSession.id, ''))?.session.user).toMatchObject({ username: 'dee', role: 'staff' });
    // The restored ledger names bob (an id and a name as text, no foreign key), though his account is gone.
    const { movements } = await core.call('movements.list', { sku: 'RESTORE-ACT' });
    expect(movements.map((m) => m.actor)).toEqual([{ kind: 'user', id: bob.id, name: 'bob' }]);
  });

  it('keeps a database with no accounts without any: the backup’s accounts are not brought back', async () => {
    core = await startCore('sqlite', { webhooks: { worker: false }, passwordHash: FAST_HASH });
    const eve = await core.users.create({ username: 'eve', role: 'staff', password: 'eve-password' });
    const backup = await core.call('backups.create', {});
    await core.users.remove(eve.id);

    await core.call('backups.restore', { id: backup.id });

    expect(await core.users.count()).toBe(0);
    expect(await core.users.authenticate('eve', 'eve-password')).toBeNull();
  });

  it('keeps today’s accounts when the backup is from a schema without accounts (migrated on restore)', async () => {
    const old = await startCore('sqlite', { webhooks: { worker: false } });
    dirs.push(old.dataDir);
    await old.call('products.create', productInput('OLD-ACC'));
    // An older Stockfeed's database: no users table, the accounts migration and those after it pending.
    await old.db.schema.dropTable('users');
    await old.db('knex_migrations').where('name', '>=', '20261204220000_users').delete();
    await old.close();
    const copy = path.join(tempDir('stockfeed-old-'), 'old.sqlite');
    dirs.push(path.dirname(copy));
    fs.copyFileSync(path.join(old.dataDir, 'stockfeed.sqlite'), copy);

    core = await startCore('sqlite', { webhooks: { worker: false }, passwordHash: FAST_HASH });
    await core.users.create({ username: 'fay', role: 'owner', password: 'fay-password' });
    await core.backups!.restoreFile(copy);

    expect((await core.call('products.get', { idOrSku: 'OLD-ACC' })).sku).toBe('OLD-ACC');
    expect(await core.users.authenticate('fay', 'fay-password')).toMatchObject({ username: 'fay', role: 'owner' });
  });

  it('has today’s accounts, sessions and tokens in the file it swaps in, so a stop right after the swap brings back none of the backup’s', async () => {
    let crash = false;
    core = await startCore('sqlite', {
      webhooks: { worker: false },
      passwordHash: FAST_HASH,
      backups: {
        checkEveryMs: 0,
        afterSwap: () => {
          if (crash) throw new Error('stopped between the swap and the change-log entry');
        },
      },
    });
    const gus = await core.users.create({ username: 'gus', role: 'staff', password: 'gus-password' });
    const session = await core.sessions.create('password', '', (await core.users.authenticate('gus', 'gus-password'))!);
    const shop = await core.call('storefrontTokens.create', { name: 'old storefront' });
    const backup = await core.call('backups.create', {});
    await core.users.remove(gus.id);
    await core.call('storefrontTokens.delete', { id: shop.id });

    crash = true;
    await expect(core.call('backups.restore', { id: backup.id })).rejects.toThrow(/stopped between the swap/);

    expect(await core.users.authenticate('gus', 'gus-password')).toBeNull();
    expect(await core.sessions.find(session.id, '')).toBeNull();
    expect((await core.call('storefrontTokens.list', {})).tokens).toEqual([]);
    // The backup's data did come in (the swap happened): only who may sign in is today's.
    expect(await core.db('changes').where({ type: 'backup.restored' }).count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});
