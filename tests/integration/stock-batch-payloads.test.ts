/**
 * What one group-commit batch of the stock engine writes and answers, down to the change log's
 * stored payload text (its keys in order): answers, stock snapshots, availability crossings and
 * reorder entries are made once per operation from one verdict on the product's rows (issue 17:
 * the verdict was decided twice, once for the answer and once for the crossings), and must come
 * out as before. Ids and times are replaced by placeholders; everything else is compared as text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, DEFAULT_BACKORDER_LEAD_DAYS, utcToday } from '../../shared/domain/availability';
import type { AppError } from '../../shared/errors';
import { productInput, startCore, type TestCore } from '../helpers/core';

/** Ids, timestamps and the backorder date (today's) out of a JSON text, so it compares across runs. */
function stable(text: string): string {
  return text
    .replaceAll(addDays(utcToday(), DEFAULT_BACKORDER_LEAD_DAYS), '<today + lead days>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>');
}

describe('a stock batch’s entries and answers', () => {
  let core: TestCore;
  beforeEach(async () => {
    core = await startCore('sqlite', { webhooks: { worker: false } });
  });
  afterEach(async () => {
    await core.cleanup();
  });

  it('stores the same payload text and answers the same', async () => {
    await core.call('products.create', productInput('PB-IN', { bufferStock: 2 }));
    await core.call('products.create', productInput('PB-OUT'));
    await core.call('products.create', productInput('PB-BACK', { allowBackorder: true }));
    await core.call('products.create', productInput('PB-PRE', { preorderDate: '2099-01-01' }));
    await core.call('locations.create', { code: 'back', name: 'Back room' });
    await core.call('stock.count', { sku: 'PB-IN', quantity: 2 });
    await core.call('stock.count', { sku: 'PB-OUT', quantity: 3 });
    await core.call('stock.count', { sku: 'PB-OUT', location: 'back', quantity: 1 });
    await core.call('stock.count', { sku: 'PB-BACK', quantity: 1 });
    await core.call('products.reorder.set', { idOrSku: 'PB-OUT', location: 'main', reorderPoint: 1, reorderQuantity: 5 });
    // Storefront answers in the read cache, so the batch hands it its own.
    for (const sku of ['PB-IN', 'PB-OUT', 'PB-BACK', 'PB-PRE']) await core.call('availability.get', { sku });
    // A location another process added: not in this one's directory until a write names it.
    await core.db('locations').insert({ id: '0190aaaa-0000-7000-8000-000000000001', code: 'shed', name: 'New shed', sells_online: 0, created_at: new Date().toISOString() });
    const since = (await core.call('changes.list', { since: 0, limit: 1000 })).next;

    const answers = await Promise.all([
      core.call('stock.receive', { sku: 'PB-IN', quantity: 1, reference: 'R-1' }),
      core.call('stock.adjust', { sku: 'PB-OUT', quantity: -3, reason: 'damaged' }),
      core.call('stock.sell', { sku: 'PB-BACK', quantity: 1 }),
      core.call('reservations.create', { sku: 'PB-IN', quantity: 1, reference: 'ORDER-1' }),
      core.call('stock.count', { sku: 'PB-PRE', quantity: 4 }),
      core.call('stock.transfer', { sku: 'PB-OUT', toLocation: 'main', location: 'back', quantity: 1 }),
      core.call('stock.adjust', { sku: 'PB-IN', quantity: -99, reason: 'lost' }).catch((error: AppError) => ({ code: error.code, message: error.message, details: error.details })),
      core.call('stock.count', { sku: 'PB-OUT', location: 'shed', quantity: 2 }),
      core.call('stock.receive', { sku: 'PB-BACK', location: 'nowhere', quantity: 1 }).catch((error: AppError) => ({ code: error.code, message: error.message, details: error.details })),
    ]);
    const rows = (await core.db('changes').where('seq', '>=', since).orderBy('seq').select('type', 'sku', 'payload', 'actor_kind')) as Array<{ type: string; sku: string; payload: string; actor_kind: string }>;
    // One batch: one time for every entry of it.
    expect(new Set((await core.db('movements').where('created_at', '>', '0').orderBy('seq', 'desc').limit(5).select('created_at')).map((r: { created_at: string }) => r.created_at)).size).toBe(1);
    expect(rows.map((r) => `${r.type} ${r.sku} ${r.actor_kind} ${stable(r.payload)}`).join('\n')).toMatchInlineSnapshot(`
      "replenishment.changed PB-OUT system {"sku":"PB-OUT","reorder":{"location":"main","reorderPoint":1,"reorderQuantity":5,"maxLevel":null}}
      stock.changed PB-IN system {"cause":"receive","movementIds":["<id>"],"stock":{"sku":"PB-IN","onHand":3,"committed":0,"incoming":0,"available":3,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"main","onHand":3,"committed":0,"incoming":0,"available":3}]}}
      availability.changed PB-IN system {"sku":"PB-IN","from":"out_of_stock","to":"in_stock","onlineAvailable":3,"buffer":2}
      stock.changed PB-OUT system {"cause":"adjust","movementIds":["<id>"],"stock":{"sku":"PB-OUT","onHand":1,"committed":0,"incoming":0,"available":1,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"back","onHand":1,"committed":0,"incoming":0,"available":1},{"location":"main","onHand":0,"committed":0,"incoming":0,"available":0}]}}
      reorder.needed PB-OUT system {"sku":"PB-OUT","location":"main","reorderPoint":1,"available":0,"incoming":0,"position":0}
      stock.changed PB-BACK system {"cause":"sale","movementIds":["<id>"],"stock":{"sku":"PB-BACK","onHand":0,"committed":0,"incoming":0,"available":0,"availability":"backorder","availabilityDate":"<today + lead days>","byLocation":[{"location":"main","onHand":0,"committed":0,"incoming":0,"available":0}]}}
      availability.changed PB-BACK system {"sku":"PB-BACK","from":"in_stock","to":"backorder","onlineAvailable":0,"buffer":0}
      stock.changed PB-IN system {"cause":"reserve","reservation":{"id":"<id>","sku":"PB-IN","title":"Product PB-IN","location":"main","locationName":"Main warehouse","quantity":1,"reference":"ORDER-1","status":"held","channel":null,"settledBy":null,"expiresAt":null,"createdAt":"<time>","updatedAt":"<time>"},"movementIds":[],"stock":{"sku":"PB-IN","onHand":3,"committed":1,"incoming":0,"available":2,"availability":"out_of_stock","availabilityDate":null,"byLocation":[{"location":"main","onHand":3,"committed":1,"incoming":0,"available":2}]}}
      availability.changed PB-IN system {"sku":"PB-IN","from":"in_stock","to":"out_of_stock","onlineAvailable":2,"buffer":2}
      stock.changed PB-PRE system {"cause":"count","counted":4,"movementIds":["<id>"],"stock":{"sku":"PB-PRE","onHand":4,"committed":0,"incoming":0,"available":4,"availability":"preorder","availabilityDate":"2099-01-01","byLocation":[{"location":"main","onHand":4,"committed":0,"incoming":0,"available":4}]}}
      stock.changed PB-OUT system {"cause":"transfer","from":"back","to":"main","movementIds":["<id>","<id>"],"stock":{"sku":"PB-OUT","onHand":1,"committed":0,"incoming":0,"available":1,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"back","onHand":0,"committed":0,"incoming":0,"available":0},{"location":"main","onHand":1,"committed":0,"incoming":0,"available":1}]}}
      stock.changed PB-OUT system {"cause":"count","counted":2,"movementIds":["<id>"],"stock":{"sku":"PB-OUT","onHand":3,"committed":0,"incoming":0,"available":3,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"back","onHand":0,"committed":0,"incoming":0,"available":0},{"location":"main","onHand":1,"committed":0,"incoming":0,"available":1},{"location":"shed","onHand":2,"committed":0,"incoming":0,"available":2}]}}"
    `);
    expect(stable(JSON.stringify(answers))).toMatchInlineSnapshot(`"[{"seq":13,"movements":[{"id":"<id>","seq":13,"sku":"PB-IN","location":"main","quantity":1,"kind":"receive","reason":null,"reference":"R-1","reservationId":null,"transferId":null,"actor":{"kind":"system"},"createdAt":"<time>"}],"stock":{"sku":"PB-IN","onHand":3,"committed":0,"incoming":0,"available":3,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"main","onHand":3,"committed":0,"incoming":0,"available":3}]}},{"seq":15,"movements":[{"id":"<id>","seq":15,"sku":"PB-OUT","location":"main","quantity":-3,"kind":"adjust","reason":"damaged","reference":null,"reservationId":null,"transferId":null,"actor":{"kind":"system"},"createdAt":"<time>"}],"stock":{"sku":"PB-OUT","onHand":1,"committed":0,"incoming":0,"available":1,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"back","onHand":1,"committed":0,"incoming":0,"available":1},{"location":"main","onHand":0,"committed":0,"incoming":0,"available":0}]}},{"seq":17,"movements":[{"id":"<id>","seq":17,"sku":"PB-BACK","location":"main","quantity":-1,"kind":"sale","reason":null,"reference":null,"reservationId":null,"transferId":null,"actor":{"kind":"system"},"createdAt":"<time>"}],"stock":{"sku":"PB-BACK","onHand":0,"committed":0,"incoming":0,"available":0,"availability":"backorder","availabilityDate":"<today + lead days>","byLocation":[{"location":"main","onHand":0,"committed":0,"incoming":0,"available":0}]}},{"id":"<id>","sku":"PB-IN","title":"Product PB-IN","location":"main","locationName":"Main warehouse","quantity":1,"reference":"ORDER-1","status":"held","channel":null,"settledBy":null,"expiresAt":null,"createdAt":"<time>","updatedAt":"<time>","seq":19,"stock":{"sku":"PB-IN","onHand":3,"committed":1,"incoming":0,"available":2,"availability":"out_of_stock","availabilityDate":null,"byLocation":[{"location":"main","onHand":3,"committed":1,"incoming":0,"available":2}]}},{"seq":21,"movements":[{"id":"<id>","seq":21,"sku":"PB-PRE","location":"main","quantity":4,"kind":"count","reason":null,"reference":null,"reservationId":null,"transferId":null,"actor":{"kind":"system"},"createdAt":"<time>"}],"stock":{"sku":"PB-PRE","onHand":4,"committed":0,"incoming":0,"available":4,"availability":"preorder","availabilityDate":"2099-01-01","byLocation":[{"location":"main","onHand":4,"committed":0,"incoming":0,"available":4}]}},{"seq":22,"movements":[{"id":"<id>","seq":22,"sku":"PB-OUT","location":"back","quantity":-1,"kind":"transfer","reason":null,"reference":null,"reservationId":null,"transferId":"<id>","actor":{"kind":"system"},"createdAt":"<time>"},{"id":"<id>","seq":22,"sku":"PB-OUT","location":"main","quantity":1,"kind":"transfer","reason":null,"reference":null,"reservationId":null,"transferId":"<id>","actor":{"kind":"system"},"createdAt":"<time>"}],"stock":{"sku":"PB-OUT","onHand":1,"committed":0,"incoming":0,"available":1,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"back","onHand":0,"committed":0,"incoming":0,"available":0},{"location":"main","onHand":1,"committed":0,"incoming":0,"available":1}]}},{"code":"insufficient_stock","message":"Cannot adjust -99: only 3 of \\"Product PB-IN\\" (PB-IN) on hand at Main warehouse","details":{"sku":"PB-IN","location":"main","onHand":3,"committed":1,"available":2}},{"seq":23,"movements":[{"id":"<id>","seq":23,"sku":"PB-OUT","location":"shed","quantity":2,"kind":"count","reason":null,"reference":null,"reservationId":null,"transferId":null,"actor":{"kind":"system"},"createdAt":"<time>"}],"stock":{"sku":"PB-OUT","onHand":3,"committed":0,"incoming":0,"available":3,"availability":"in_stock","availabilityDate":null,"byLocation":[{"location":"back","onHand":0,"committed":0,"incoming":0,"available":0},{"location":"main","onHand":1,"committed":0,"incoming":0,"available":1},{"location":"shed","onHand":2,"committed":0,"incoming":0,"available":2}]}},{"code":"not_found","message":"There is no location \\"nowhere\\"; the locations are Back room (back), Main warehouse (main), New shed (shed)","details":{"field":"location","location":"nowhere"}}]"`);
    const storefront = await Promise.all(['PB-IN', 'PB-OUT', 'PB-BACK', 'PB-PRE'].map((sku) => core.call('availability.get', { sku })));
    expect(stable(JSON.stringify(storefront))).toMatchInlineSnapshot(`"[{"sku":"PB-IN","available":0,"availability":"out_of_stock","availabilityDate":null},{"sku":"PB-OUT","available":1,"availability":"in_stock","availabilityDate":null},{"sku":"PB-BACK","available":0,"availability":"backorder","availabilityDate":"<today + lead days>"},{"sku":"PB-PRE","available":4,"availability":"preorder","availabilityDate":"2099-01-01"}]"`);
  });
});
