/**
 * The shape of `window.stockfeed`, the object the preload script exposes inside Electron. Each
 * method is one contract operation over its own IPC channel; it resolves with a result object
 * instead of rejecting, because an Error thrown in the main process reaches the renderer with only
 * its message (its code and details would be lost on the way).
 */
import type { Input, Output } from './contract';
import type { ErrorBody } from './errors';
import type { OperationName } from './operation-names';

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export type StockfeedBridge = { [K in OperationName]: (input: Input<K>) => Promise<IpcResult<Output<K>>> };

/** The global name the preload exposes the bridge under (`window.stockfeed`). */
export const BRIDGE_GLOBAL = 'stockfeed';
