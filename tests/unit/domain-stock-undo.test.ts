import { describe, expect, it } from 'vitest';
import { compensationFor } from '../../shared/domain/stock-undo';
import type { Movement } from '../../shared/schemas/stock';

function movement(quantity: number, extra: Partial<Movement> = {}): Movement {
  return {
    id: '01900000-0000-7000-8000-000000000001',
    seq: 5,
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

describe('undo of a stock entry', () => {
  it('cancels a receipt, an adjustment or a count with the opposite adjustment', () => {
    expect(compensationFor('receive', { movements: [movement(5)] })).toEqual({
      action: 'adjust',
      input: {
        sku: 'MUG-1',
        location: 'main',
        quantity: -5,
        reason: 'undo of receipt 01900000-0000-7000-8000-000000000001',
        idempotencyKey: 'undo-01900000-0000-7000-8000-000000000001',
      },
    });
    expect(compensationFor('adjust', { movements: [movement(-2, { kind: 'adjust' })] })?.input.quantity).toBe(2);
    // A count from 10 to 7 recorded −3: the undo adds 3, whatever else moved since.
    const count = compensationFor('count', { movements: [movement(-3, { kind: 'count', location: 'shop' })] });
    expect(count).toMatchObject({ action: 'adjust', input: { quantity: 3, location: 'shop', reason: expect.stringMatching(/^undo of count /) } });
    // A return, like a receipt, is taken back out.
    expect(compensationFor('return', { movements: [movement(1, { kind: 'return' })] })?.input).toMatchObject({ quantity: -1, reason: expect.stringMatching(/^undo of return /) });
  });

  it('takes a sale back as a return of the units sold, at the same location, keyed by the sale', () => {
    expect(compensationFor('sell', { movements: [movement(-2, { kind: 'sale', location: 'shop' })] })).toEqual({
      action: 'return',
      input: {
        sku: 'MUG-1',
        location: 'shop',
        quantity: 2,
        reason: 'undo of sale 01900000-0000-7000-8000-000000000001',
        idempotencyKey: 'undo-01900000-0000-7000-8000-000000000001',
      },
    });
  });

  it('has nothing to undo for a count that matched the shelf', () => {
    expect(compensationFor('count', { movements: [movement(0, { kind: 'count' })] })).toBeNull();
    expect(compensationFor('receive', { movements: [] })).toBeNull();
  });

  it('moves a transfer back, keyed by the transfer', () => {
    const transferId = '01900000-0000-7000-8000-0000000000aa';
    const result = {
      movements: [
        movement(-4, { kind: 'transfer', location: 'main', transferId, id: '01900000-0000-7000-8000-000000000002' }),
        movement(4, { kind: 'transfer', location: 'shop', transferId, id: '01900000-0000-7000-8000-000000000003' }),
      ],
    };
    expect(compensationFor('transfer', result)).toEqual({
      action: 'transfer',
      input: { sku: 'MUG-1', location: 'shop', toLocation: 'main', quantity: 4, reason: `undo of transfer ${transferId}`, idempotencyKey: `undo-${transferId}` },
    });
  });
});
