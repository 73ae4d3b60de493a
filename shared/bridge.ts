/**
 * The shape of `window.stockfeed`, the object the preload script exposes inside Electron. Each
 * method is one contract operation over its own IPC channel; it resolves with a result object
 * instead of rejecting, because an Error thrown in the main process reaches the renderer with only
 * its message (its code and details would be lost on the way).
 */
import type { Input, Output } from './contract';
import type { ErrorBody } from './errors';
import type { OperationName } from './operation-names';
import type { Change } from './schemas/changes';

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** The desktop shell's own calls, beside the contract's operations. */
export type ShellBridge = {
  /** Receives committed changes as they happen; returns the function that stops them. */
  onChanges(callback: (changes: Change[]) => void): () => void;
  /** Receives the screen the app menu asks for (a path such as `/import`). */
  onNavigate(callback: (path: string) => void): () => void;
  /** Opens the publish folder from the settings in the file manager; answers with its path. */
  openPublishFolder(): Promise<IpcResult<{ path: string }>>;
};

export type StockfeedBridge = { [K in OperationName]: (input: Input<K>) => Promise<IpcResult<Output<K>>> } & ShellBridge;

/** The names of the shell's calls on the bridge (the preload exposes exactly these besides the operations). */
export const SHELL_BRIDGE_NAMES = ['onChanges', 'onNavigate', 'openPublishFolder'] as const satisfies ReadonlyArray<keyof ShellBridge>;

/** The global name the preload exposes the bridge under (`window.stockfeed`). */
export const BRIDGE_GLOBAL = 'stockfeed';
