/**
 * Who made each change (issue 20), on SQLite and PostgreSQL: every movement, product change and
 * settings change records its actor (a person, the API token, a sales channel, the system), in the
 * movement row and in the change log; with group commit, each operation of a shared transaction
 * keeps its own; what nobody asked for (reservation expiry, what the bus's listeners do) is the
 * system's. Over HTTP, the actor comes from the authenticated request.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentActor, withActor, type Actor } from '../../electron/core/actor';
import { createApiServer } from '../../electron/server/http/server';
import { contract } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { silentLogger } from '../../electron/core/logger';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';
import { fixture, shopifyRequest } from '../fixtures/channels/channel-requests';

const ANNA: Actor = { kind: 'user', id: '01900000-0000-7000-8000-00000000a11a', name: 'anna' };
const TOKEN_ACTOR: Actor = { kind: 'token', name: 'API token' };
const TOKEN = 'actors-token-0123456789abcdef';
const SECRET = 'shpss_0123456789abcdef0123456789abcdef';
const APP_HEADER = { 'x-stockfeed-request': '1' };

describe.each(engines())('actors on %s', (engine) => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startCore(engine, { passwordHash: { logN: 10, r: 8, p: 1 } });
  });
  afterAll(async () => core?.cleanup());

  const changesSince = async (since: number) => (await core.call('changes.list', { since, limit: 1000 })).changes;
  const head = async () => (await core.call('changes.latest', {})).seq;

  it('records the actor of a movement in its row and in its change-log entry', async () => {
    await withActor(ANNA, () => core.call('products.create', productInput('ACT-1')));
    const since = await head();
    const result = await withActor(ANNA, () => core.call('stock.receive', { sku: 'ACT-1', quantity: 5 }));
    expect(result.movements.map((m) => m.actor)).toEqual([ANNA]);
    const [movement] = (await core.call('movements.list', { sku: 'ACT-1' })).movements;
    expect(movement?.actor).toEqual(ANNA);
    expect(await core.db('movements').where({ id: movement?.id }).first('actor_kind', 'actor_id', 'actor_name')).toEqual({
      actor_kind: 'user',
      actor_id: ANNA.id,
      actor_name: 'anna',
    });
    const changes = await changesSince(since);
    expect(changes.map((c) => [c.type, c.actor])).toEqual([
      ['stock.changed', ANNA],
      // The product crossed from out of stock to in stock with Anna's receipt.
      ['availability.changed', ANNA],
    ]);
  });

  it('keeps each operation’s own actor when several share one group commit', async () => {
    await core.call('products.create', productInput('ACT-2'));
    const actors: Actor[] = [ANNA, TOKEN_ACTOR, { kind: 'channel', id: 'shopify', name: 'Shopify' }, { kind: 'user', id: 'desktop', name: 'desktop' }];
    // Submitted in the same tick: the write queue puts them in one transaction.
    const results = await Promise.all(actors.map((actor) => withActor(actor, () => core.call('stock.receive', { sku: 'ACT-2', quantity: 1 }))));
    expect(new Set(results.map((r) => r.seq)).size).toBe(4);
    expect(results.map((r) => r.movements[0]?.actor)).toEqual(actors);
    const changes = (await core.call('changes.list', { since: 0, sku: 'ACT-2', type: 'stock.changed', limit: 100 })).changes;
    expect(changes.map((c) => c.actor)).toEqual(actors);
  });

  it('records who created and changed a product, and who changed the settings', async () => {
    const since = await head();
    await withActor(ANNA, () => core.call('products.create', productInput('ACT-3')));
    await withActor(TOKEN_ACTOR, () => core.call('products.update', { idOrSku: 'ACT-3', title: 'Renamed by a script' }));
    const settings = await core.call('settings.get', {});
    await withActor(ANNA, () => core.call('settings.update', { ...settings, shopName: 'Anna’s shop' }));
    const changes = await changesSince(since);
    expect(changes.map((c) => [c.type, c.actor])).toEqual([
      ['product.created', ANNA],
      ['product.updated', TOKEN_ACTOR],
      ['settings.updated', ANNA],
    ]);
  });

  it('records the actor of a reorder point reached and of a purchase order received (issue 20 beside purchasing)', async () => {
    await core.call('products.create', productInput('ACT-9'));
    await core.call('stock.receive', { sku: 'ACT-9', quantity: 4 });
    await core.call('products.reorder.set', { idOrSku: 'ACT-9', location: 'main', reorderPoint: 2, reorderQuantity: 10 });
    const since = await head();
    await withActor(ANNA, () => core.call('stock.sell', { sku: 'ACT-9', quantity: 2 }));
    const reached = (await changesSince(since)).filter((c) => c.type === 'reorder.needed');
    expect(reached.map((c) => [c.sku, c.actor])).toEqual([['ACT-9', ANNA]]);

    const supplier = await core.call('suppliers.create', { name: 'Actor supplies', currency: 'EUR', leadTimeDays: 3 });
    const po = await withActor(ANNA, () => core.call('purchaseOrders.create', { supplierId: supplier.id, lines: [{ sku: 'ACT-9', quantity: 10, unitCost: '3.00' }] }));
    await withActor(ANNA, () => core.call('purchaseOrders.order', { id: po.id }));
    const line = po.lines[0]!;
    await withActor(TOKEN_ACTOR, () => core.call('purchaseOrders.receive', { id: po.id, lines: [{ lineId: line.id, quantity: 10 }] }));
    const [receipt] = (await core.call('movements.list', { sku: 'ACT-9' })).movements;
    expect([receipt?.kind, receipt?.actor]).toEqual(['receive', TOKEN_ACTOR]);
  });

  it('records the system for work nobody asked for, and does not pass a caller on to what the change sets off', async () => {
    await core.call('products.create', productInput('ACT-4'));
    await core.call('stock.receive', { sku: 'ACT-4', quantity: 3 });
    const reservation = await withActor(ANNA, () =>
      core.call('reservations.create', { sku: 'ACT-4', quantity: 1, reference: 'ORDER-1', expiresAt: new Date(Date.now() + 1000).toISOString() }),
    );
    const seen: Actor[] = [];
    const stop = core.bus.subscribe(() => seen.push(currentActor()));
    const since = await head();
    expect(await core.stock.expireReservations(new Date(Date.now() + 60_000))).toBe(1);
    stop();
    const [expired] = await changesSince(since);
    expect(expired?.payload).toMatchObject({ cause: 'expire', reservation: { id: reservation.id } });
    expect(expired?.actor).toEqual({ kind: 'system' });
    // Anna's own write: its listeners run outside her call.
    const stopAgain = core.bus.subscribe(() => seen.push(currentActor()));
    await withActor(ANNA, () => core.call('stock.receive', { sku: 'ACT-4', quantity: 1 }));
    stopAgain();
    expect(seen).toEqual([{ kind: 'system' }, { kind: 'system' }]);
  });

  it('records the actor a stock write is given, with no withActor scope around it', async () => {
    await core.call('products.create', productInput('ACT-GIVEN'));
    // As the HTTP routes and the desktop's IPC call it: the actor passed, no scope opened (actor.ts).
    const result = await core.handlers['stock.receive'](parseInput(contract['stock.receive'].input, { sku: 'ACT-GIVEN', quantity: 2 }), ANNA);
    expect(result.movements.map((m) => m.actor)).toEqual([ANNA]);
    const changes = (await core.call('changes.list', { since: 0, sku: 'ACT-GIVEN', type: 'stock.changed', limit: 10 })).changes;
    expect(changes.map((c) => c.actor)).toEqual([ANNA]);
    // A handler that takes no actor itself opens the scope for the actor it is given.
    const product = await core.handlers['products.update'](parseInput(contract['products.update'].input, { idOrSku: 'ACT-GIVEN', title: 'Renamed' }), ANNA);
    expect(product.sku).toBe('ACT-GIVEN');
    const updated = (await core.call('changes.list', { since: 0, sku: 'ACT-GIVEN', type: 'product.updated', limit: 10 })).changes;
    expect(updated.map((c) => c.actor)).toEqual([ANNA]);
  });

  describe('over HTTP', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
    });
    afterAll(async () => app?.close());

    it('records the person signed in, the API token, and the sales channel', async () => {
      const staff = await core.users.create({ username: 'sam', role: 'staff', password: 'sam-password' });
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json', ...APP_HEADER }, payload: { username: 'sam', password: 'sam-password' } });
      const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
      const headers = { 'content-type': 'application/json' };
      const bySam = await app.inject({ method: 'POST', url: '/api/v1/products', headers: { ...headers, cookie, ...APP_HEADER }, payload: productInput('MUG-BLUE') });
      expect(bySam.statusCode, bySam.body).toBe(201);
      const received = await app.inject({ method: 'POST', url: '/api/v1/stock/receive', headers: { ...headers, cookie, ...APP_HEADER }, payload: { sku: 'MUG-BLUE', quantity: 10 } });
      expect(received.json().movements[0].actor).toEqual({ kind: 'user', id: staff.id, name: 'sam' });
      const scripted = await app.inject({ method: 'POST', url: '/api/v1/stock/adjust', headers: { ...headers, authorization: `Bearer ${TOKEN}` }, payload: { sku: 'MUG-BLUE', quantity: -1, reason: 'damaged' } });
      expect(scripted.json().movements[0].actor).toEqual(TOKEN_ACTOR);

      await core.call('products.create', productInput('TEAPOT-BLACK'));
      await core.call('products.create', productInput('STRAINER'));
      await core.call('stock.receive', { sku: 'TEAPOT-BLACK', quantity: 10 });
      await core.call('stock.receive', { sku: 'STRAINER', quantity: 10 });
      const settings = await core.call('settings.get', {});
      await core.call('settings.update', { ...settings, channels: { ...settings.channels, shopify: { secret: SECRET } } });
      const since = await head();
      const order = await app.inject(shopifyRequest('orders/create', fixture('shopify-order'), SECRET));
      expect(order.json().outcome, order.body).toBe('reserved');
      const reserved = (await changesSince(since)).filter((c) => c.type === 'stock.changed');
      expect(reserved.length).toBeGreaterThan(0);
      for (const change of reserved) expect(change.actor).toEqual({ kind: 'channel', id: 'shopify', name: 'Shopify' });
    });

    it('hands a stock write its actor rather than opening a withActor scope for it', async () => {
      // The scope's async hooks cost every later promise and socket of the server (actor.ts).
      const handlers = core.handlers;
      const receive = handlers['stock.receive'];
      const seen: Array<{ given: Actor | undefined; scope: Actor }> = [];
      handlers['stock.receive'] = (input, actor) => {
        seen.push({ given: actor, scope: currentActor() });
        return receive(input, actor);
      };
      // The routes take the handlers when they are registered: a server of its own, made after the swap.
      const own = await createApiServer({ core, token: TOKEN, version: 'test', logger: silentLogger, rateLimit: false });
      try {
        const scripted = await own.inject({ method: 'POST', url: '/api/v1/stock/receive', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, payload: { sku: 'MUG-BLUE', quantity: 1 } });
        expect(scripted.statusCode, scripted.body).toBe(200);
        expect(scripted.json().movements[0].actor).toEqual(TOKEN_ACTOR);
      } finally {
        handlers['stock.receive'] = receive;
        await own.close();
      }
      expect(seen).toEqual([{ given: TOKEN_ACTOR, scope: { kind: 'system' } }]);
    });
  });
});
