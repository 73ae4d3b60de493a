import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { OperationName } from '../../shared/contract';
import type { Movement, StockResult } from '../../shared/schemas/stock';
import { APP_API } from '../../renderer/src/api/app-api';
import { ClientError, createClient } from '../../renderer/src/api/client';
import { useStockActionsStore } from '../../renderer/src/stores/stock-actions';

type Sent = { name: OperationName; input: Record<string, unknown> };

function movement(quantity: number, extra: Partial<Movement> = {}): Movement {
  return {
    id: `01900000-0000-7000-8000-${String(Math.abs(quantity)).padStart(12, '0')}`,
    seq: 7,
    sku: 'MUG-1',
    location: 'main',
    quantity,
    kind: 'receive',
    reason: null,
    reference: null,
    reservationId: null,
    transferId: null,
    createdAt: '2026-11-26T10:00:00.000Z',
    ...extra,
  };
}

function result(movements: Movement[], onHand: number): StockResult {
  const figures = { onHand, committed: 0, incoming: 0, available: onHand };
  return {
    seq: 7,
    movements,
    stock: { sku: 'MUG-1', ...figures, availability: 'in_stock', availabilityDate: null, byLocation: [{ location: 'main', ...figures }] },
  };
}

let sent: Sent[];
/** The core's answers, in order; an Error is thrown instead of answered. */
let answers: Array<StockResult | Error>;

beforeEach(() => {
  sent = [];
  answers = [];
  const client = createClient(async (name, input) => {
    sent.push({ name, input: input as Record<string, unknown> });
    const answer = answers.shift();
    if (!answer) throw new Error(`no answer left for ${name}`);
    if (answer instanceof Error) throw answer;
    return answer;
  });
  // The stores inject the client, as in the app.
  const app = createApp({});
  app.provide(APP_API, { client, mode: 'ipc', auth: null });
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
});

describe('the stock actions store', () => {
  it('sends each action to its operation with one key per intended write, reused only for a retry', async () => {
    const store = useStockActionsStore();
    const request = { action: 'receive' as const, sku: 'MUG-1', quantity: 5, location: 'main', reference: ' PO-1 ' };
    answers.push(new ClientError('network', 'Stockfeed could not reach its server.', undefined, 0), result([movement(5)], 5), result([movement(5)], 10));

    const failed = await store.submit(request);
    expect(failed).toEqual({ ok: false, failure: { message: 'Stockfeed could not reach its server.', fields: {} } });
    expect((await store.submit(request)).ok).toBe(true);
    expect((await store.submit(request)).ok).toBe(true);

    expect(sent.map((s) => s.name)).toEqual(['stock.receive', 'stock.receive', 'stock.receive']);
    expect(sent[0]?.input).toMatchObject({ sku: 'MUG-1', quantity: 5, location: 'main', reference: 'PO-1' });
    const [first, retry, next] = sent.map((s) => s.input.idempotencyKey);
    expect(retry).toBe(first);
    expect(next).not.toBe(first);
  });

  it('reports a refusal as a sentence and the fields it names', async () => {
    const store = useStockActionsStore();
    const issues = [{ path: 'reason', message: 'an adjustment needs a reason (damaged, lost, found, …)' }];
    answers.push(new ClientError('validation_failed', 'reason: an adjustment needs a reason', { issues }, 422));
    const outcome = await store.submit({ action: 'adjust', sku: 'MUG-1', quantity: -2, reason: '' });
    expect(sent[0]).toMatchObject({ name: 'stock.adjust', input: { reason: '' } });
    expect(outcome).toEqual({
      ok: false,
      failure: { message: 'Reason: an adjustment needs a reason.', fields: { reason: 'An adjustment needs a reason (damaged, lost, found, …)' } },
    });
    expect(store.entries).toEqual([]);
  });

  it('sends a double submit (Enter pressed twice) with one key and lists it once', async () => {
    const store = useStockActionsStore();
    const request = { action: 'count' as const, sku: 'MUG-1', quantity: 4, location: 'main' };
    answers.push(result([movement(-1, { kind: 'count' })], 4), result([movement(-1, { kind: 'count' })], 4));
    await Promise.all([store.submit(request, { record: { title: 'Mug' } }), store.submit(request, { record: { title: 'Mug' } })]);
    expect(sent[1]?.input.idempotencyKey).toBe(sent[0]?.input.idempotencyKey);
    expect(store.entries).toHaveLength(1);
  });

  it('lists an action for undo only when asked, and undoes it with the compensating movement', async () => {
    const store = useStockActionsStore();
    answers.push(result([movement(2)], 2));
    await store.submit({ action: 'receive', sku: 'MUG-1', quantity: 2, location: 'main' });
    expect(store.entries).toEqual([]);

    const transfer = [
      movement(-3, { kind: 'transfer', transferId: 't-1', id: '01900000-0000-7000-8000-0000000000a1' }),
      movement(3, { kind: 'transfer', transferId: 't-1', location: 'shop', id: '01900000-0000-7000-8000-0000000000a2' }),
    ];
    answers.push(result(transfer, 2));
    const outcome = await store.submit(
      { action: 'transfer', sku: 'MUG-1', quantity: 3, location: 'main', toLocation: 'shop', reason: ' restock ' },
      { record: { title: 'Mug' } },
    );
    expect(sent[1]).toMatchObject({ name: 'stock.transfer', input: { location: 'main', toLocation: 'shop', reason: 'restock' } });
    expect(outcome.ok && outcome.entry).toMatchObject({ action: 'transfer', sku: 'MUG-1', title: 'Mug', toLocation: 'shop', reason: 'restock', undone: null });
    expect(store.entries).toHaveLength(1);

    answers.push(result(transfer.map((m) => ({ ...m, quantity: -m.quantity })), 2));
    const key = store.entries[0]?.key as string;
    const undone = await store.undo(key);
    expect(sent[2]).toMatchObject({
      name: 'stock.transfer',
      input: { location: 'shop', toLocation: 'main', quantity: 3, reason: 'undo of transfer t-1', idempotencyKey: 'undo-t-1' },
    });
    expect(undone.ok && undone.entry.undone).toBeTruthy();
    // Undone once: a second click sends nothing.
    expect((await store.undo(key)).ok).toBe(true);
    expect(sent).toHaveLength(3);
  });
});
