import { describe, expect, it } from 'vitest';
import { contract } from '../../shared/contract';
import { STOCK_ACTION_SPECS, STOCK_ACTIONS, stockActionCall } from '../../shared/domain/stock-actions';
import { MOVEMENT_KINDS } from '../../shared/schemas/stock';

describe('the stock actions', () => {
  it('each name a contract operation and the kind of movement it records', () => {
    for (const action of STOCK_ACTIONS) {
      const spec = STOCK_ACTION_SPECS[action];
      expect(spec.operation).toBe(`stock.${action}`);
      expect(contract[spec.operation].method).toBe('POST');
      expect(MOVEMENT_KINDS).toContain(spec.movementKind);
    }
  });

  it('include selling in the shop, recorded as a sale', () => {
    expect(STOCK_ACTIONS).toContain('sell');
    expect(STOCK_ACTION_SPECS.sell).toMatchObject({ operation: 'stock.sell', movementKind: 'sale', label: 'Sell', quantity: 'amount', reasonRequired: false });
    expect(stockActionCall({ action: 'sell', sku: 'MUG-1', quantity: 2, location: 'shop', reference: ' TILL-1 ' }, 'k-2')).toEqual({
      operation: 'stock.sell',
      input: { sku: 'MUG-1', quantity: 2, location: 'shop', reference: 'TILL-1', idempotencyKey: 'k-2' },
    });
  });

  it('give every call an input its operation accepts', () => {
    for (const action of STOCK_ACTIONS) {
      const call = stockActionCall({ action, sku: 'MUG-1', quantity: 2, location: 'main', toLocation: 'shop', reason: 'found' }, 'k-1');
      expect(call.operation).toBe(STOCK_ACTION_SPECS[action].operation);
      expect(contract[call.operation].input.safeParse(call.input).success).toBe(true);
    }
  });
});

describe('stockActionCall', () => {
  it('trims the texts and leaves blank ones out', () => {
    expect(stockActionCall({ action: 'receive', sku: 'MUG-1', quantity: 5, location: 'main', reason: '  ', reference: ' PO-1 ' }, 'k-1')).toEqual({
      operation: 'stock.receive',
      input: { sku: 'MUG-1', quantity: 5, location: 'main', reference: 'PO-1', idempotencyKey: 'k-1' },
    });
  });

  it('leaves the location to the core when none is named, and sends no key when none is given', () => {
    expect(stockActionCall({ action: 'count', sku: 'MUG-1', quantity: 0 })).toEqual({ operation: 'stock.count', input: { sku: 'MUG-1', quantity: 0 } });
  });

  it('always sends an adjustment its reason and a transfer its destination, so the core explains a missing one', () => {
    expect(stockActionCall({ action: 'adjust', sku: 'MUG-1', quantity: -2, reason: ' ' }).input).toEqual({ sku: 'MUG-1', quantity: -2, reason: '' });
    expect(stockActionCall({ action: 'transfer', sku: 'MUG-1', quantity: 3, location: 'main' }).input).toEqual({
      sku: 'MUG-1',
      quantity: 3,
      location: 'main',
      toLocation: '',
    });
    expect(stockActionCall({ action: 'receive', sku: 'MUG-1', quantity: 3, toLocation: 'shop' }).input).not.toHaveProperty('toLocation');
  });
});
