/**
 * The fixed list of operations the UI may call. The preload script exposes exactly these (and
 * imports nothing else, so it stays tiny); `contract.ts` checks that it matches the contract.
 */
export const OPERATION_NAMES = [
  'products.list',
  'products.get',
  'products.create',
  'products.update',
  'stock.get',
  'stock.receive',
  'stock.adjust',
  'stock.count',
  'stock.transfer',
  'stock.return',
  'movements.list',
  'reservations.list',
  'reservations.create',
  'reservations.fulfil',
  'reservations.release',
  'locations.list',
  'locations.create',
  'changes.list',
  'settings.get',
  'settings.update',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

/** The IPC channel of an operation; one channel per operation, never a generic one. */
export function ipcChannel(name: OperationName): string {
  return `stockfeed:${name}`;
}
