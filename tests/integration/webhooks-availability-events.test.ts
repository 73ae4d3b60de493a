import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/schemas/changes';
import { engines, productInput, startCore, type TestCore } from '../helpers/core';

describe.each(engines())('availability.changed (%s)', (engine) => {
  let core: TestCore | undefined;

  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
  });

  const crossingsAfter = async (since: number) =>
    (await core!.call('changes.list', { since, limit: 1000, type: 'availability.changed' })).changes.map((c) => ({
      from: c.payload.from,
      to: c.payload.to,
      onlineAvailable: c.payload.onlineAvailable,
      buffer: c.payload.buffer,
    }));

  const head = async () => (await core!.call('changes.list', { since: 0, limit: 1000 })).next;

  it('is appended exactly when a stock operation moves the verdict across the buffer', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('AV-1', { bufferStock: 2 }));
    const start = await head();

    await core.call('stock.receive', { sku: 'AV-1', quantity: 2 }); // 2 ≤ buffer: still out of stock
    await core.call('stock.receive', { sku: 'AV-1', quantity: 3 }); // 5: in stock
    await core.call('stock.receive', { sku: 'AV-1', quantity: 1 }); // 6: no crossing
    const held = await core.call('reservations.create', { sku: 'AV-1', quantity: 3, reference: 'ORDER-1' }); // 3: no crossing
    const second = await core.call('reservations.create', { sku: 'AV-1', quantity: 1, reference: 'ORDER-2' }); // 2: out of stock
    await core.call('reservations.release', { id: second.id }); // 3: in stock
    await core.call('reservations.fulfil', { id: held.id }); // on hand 3, committed 0: still 3, no crossing
    await core.call('stock.adjust', { sku: 'AV-1', quantity: -3, reason: 'damaged' }); // 0: out of stock

    expect(await crossingsAfter(start)).toEqual([
      { from: 'out_of_stock', to: 'in_stock', onlineAvailable: 5, buffer: 2 },
      { from: 'in_stock', to: 'out_of_stock', onlineAvailable: 2, buffer: 2 },
      { from: 'out_of_stock', to: 'in_stock', onlineAvailable: 3, buffer: 2 },
      { from: 'in_stock', to: 'out_of_stock', onlineAvailable: 0, buffer: 2 },
    ]);
  });

  it('reports each crossing inside one group-committed batch, in order, right after its stock entry', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('AV-2', { bufferStock: 1 }));
    await core.call('products.create', productInput('AV-3'));
    const start = await head();
    const statements: string[] = [];
    const onQuery = (q: { sql: string }) => statements.push(q.sql);
    core.db.on('query', onQuery);
    // Submitted in the same tick: they share one transaction.
    const results = await Promise.all([
      core.call('stock.receive', { sku: 'AV-2', quantity: 3 }), // 3 > 1: in stock
      core.call('stock.receive', { sku: 'AV-3', quantity: 1 }), // 1 > 0: in stock
      core.call('reservations.create', { sku: 'AV-2', quantity: 2, reference: 'R-1' }), // 1: out of stock
      core.call('stock.receive', { sku: 'AV-2', quantity: 5 }), // 6: in stock
    ]);
    core.db.off('query', onQuery);
    // One append for the batch: on SQLite it goes in the stock writes' call (no statement of its
    // own; that call is announced only when it carries the COMMIT too, write-queue.ts CommitWith).
    const appends = statements.filter((s) => /insert into [`"]?changes[`"]? /i.test(s));
    if (engine === 'sqlite') expect(appends.every((s) => /INSERT INTO movements /.test(s))).toBe(true);
    else expect(appends).toHaveLength(1);

    const log = (await core.call('changes.list', { since: start, limit: 100 })).changes;
    const seqOf = (c: Change) => c.seq;
    expect(log.map((c) => [c.type, c.sku, c.payload.to ?? null])).toEqual([
      ['stock.changed', 'AV-2', null],
      ['availability.changed', 'AV-2', 'in_stock'],
      ['stock.changed', 'AV-3', null],
      ['availability.changed', 'AV-3', 'in_stock'],
      ['stock.changed', 'AV-2', null],
      ['availability.changed', 'AV-2', 'out_of_stock'],
      ['stock.changed', 'AV-2', null],
      ['availability.changed', 'AV-2', 'in_stock'],
    ]);
    // Each operation's answer carries its own stock entry's sequence number.
    expect(results.map((r) => r.seq)).toEqual(log.filter((c) => c.type === 'stock.changed').map(seqOf));
    expect(new Set(log.map((c) => c.createdAt)).size).toBe(1);
  });

  it('follows product edits that change the verdict, and ignores ones that do not', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('AV-4', { bufferStock: 0 }));
    await core.call('stock.receive', { sku: 'AV-4', quantity: 3 });
    const start = await head();

    await core.call('products.update', { idOrSku: 'AV-4', title: 'Renamed' }); // no crossing
    await core.call('products.update', { idOrSku: 'AV-4', bufferStock: 3 }); // 3 ≤ 3: out of stock
    await core.call('products.update', { idOrSku: 'AV-4', allowBackorder: true }); // backorder
    await core.call('products.update', { idOrSku: 'AV-4', bufferStock: 1 }); // in stock
    await core.call('products.update', { idOrSku: 'AV-4', status: 'archived' }); // discontinued
    await core.call('products.update', { idOrSku: 'AV-4', status: 'archived' }); // unchanged: nothing

    expect(await crossingsAfter(start)).toEqual([
      { from: 'in_stock', to: 'out_of_stock', onlineAvailable: 3, buffer: 3 },
      { from: 'out_of_stock', to: 'backorder', onlineAvailable: 3, buffer: 3 },
      { from: 'backorder', to: 'in_stock', onlineAvailable: 3, buffer: 1 },
      { from: 'in_stock', to: 'discontinued', onlineAvailable: 3, buffer: 1 },
    ]);
    const last = (await core.call('changes.list', { since: start, limit: 100 })).changes.slice(-2);
    expect(last.map((c) => c.type)).toEqual(['product.updated', 'availability.changed']);
    expect(last[1]?.payload).toMatchObject({ sku: 'AV-4' });
  });

  it('follows bulk edits of the buffer and archiving', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('products.create', productInput('AV-6'));
    await core.call('products.create', productInput('AV-7'));
    await core.call('stock.receive', { sku: 'AV-6', quantity: 2 });
    await core.call('stock.receive', { sku: 'AV-7', quantity: 5 });
    const start = await head();
    await core.call('products.bulk', { skus: ['AV-6', 'AV-7'], action: 'buffer', bufferStock: 3 }); // AV-6: 2 ≤ 3
    await core.call('products.bulk', { skus: ['AV-7'], action: 'archive' });
    const log = (await core.call('changes.list', { since: start, limit: 100, type: 'availability.changed' })).changes;
    expect(log.map((c) => [c.sku, c.payload.from, c.payload.to])).toEqual([
      ['AV-6', 'in_stock', 'out_of_stock'],
      ['AV-7', 'in_stock', 'discontinued'],
    ]);
  });

  it('counts only locations that sell online, and a refused operation reports nothing', async () => {
    core = await startCore(engine, { webhooks: { worker: false } });
    await core.call('locations.create', { code: 'backroom', name: 'Back room', sellsOnline: false });
    await core.call('products.create', productInput('AV-5'));
    const start = await head();
    await core.call('stock.receive', { sku: 'AV-5', quantity: 10, location: 'backroom' }); // not online: no crossing
    await expect(core.call('reservations.create', { sku: 'AV-5', quantity: 1, reference: 'R', location: 'main' })).rejects.toMatchObject({
      code: 'insufficient_stock',
    });
    await core.call('stock.transfer', { sku: 'AV-5', location: 'backroom', toLocation: 'main', quantity: 2 }); // in stock online
    expect(await crossingsAfter(start)).toEqual([{ from: 'out_of_stock', to: 'in_stock', onlineAvailable: 2, buffer: 0 }]);
  });
});

describe.each(engines())('availability.changed from the shop-wide buffer on %s', (engine) => {
  it('reports products crossing a changed shop buffer, and only those using it', async () => {
    const core = await startCore(engine);
    try {
      await core.call('products.create', productInput('SHOPBUF-1'));
      await core.call('products.create', productInput('SHOPBUF-2'));
      await core.call('products.create', productInput('OWNBUF-1', { bufferStock: 0 }));
      for (const sku of ['SHOPBUF-1', 'SHOPBUF-2', 'OWNBUF-1']) await core.call('stock.receive', { sku, quantity: 3 });
      await core.call('stock.receive', { sku: 'SHOPBUF-2', quantity: 10 });
      const since = (await core.call('changes.list', { since: 0, limit: 1000 })).next;
      const settings = await core.call('settings.get', {});
      await core.call('settings.update', { ...settings, bufferStock: 5 });
      const { changes } = await core.call('changes.list', { since, limit: 1000 });
      expect(changes.map((c) => c.type)).toEqual(['settings.updated', 'availability.changed']);
      expect(changes[1]?.payload).toMatchObject({ sku: 'SHOPBUF-1', from: 'in_stock', to: 'out_of_stock', buffer: 5, onlineAvailable: 3 });
      expect((await core.call('stock.get', { sku: 'SHOPBUF-1' })).availability).toBe('out_of_stock');
      await core.call('settings.update', { ...settings, shopName: 'Renamed' });
      const later = (await core.call('changes.list', { since: changes[1]!.seq, limit: 1000 })).changes;
      expect(later.map((c) => [c.type, c.payload.sku ?? null])).toEqual([
        ['settings.updated', null],
        ['availability.changed', 'SHOPBUF-1'],
      ]);
    } finally {
      await core.cleanup();
    }
  });
});
