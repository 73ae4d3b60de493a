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
import type { UpdateState } from './schemas/updates';

/** Asking for the update state, or the owner's answer to the update banner. */
export const UPDATE_ACTIONS = ['status', 'restart', 'later'] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** The desktop shell's own calls, beside the contract's operations. */
export type ShellBridge = {
  /** Receives committed changes as they happen; returns the function that stops them. */
  onChanges(callback: (changes: Change[]) => void): () => void;
  /** Receives the screen the app menu asks for (a path such as `/import`). */
  onNavigate(callback: (path: string) => void): () => void;
  /** Opens the publish folder from the settings in the file manager; answers with its path. */
  openPublishFolder(): Promise<IpcResult<{ path: string }>>;
  /** Receives the update flow's state (the current one at once, then every change). */
  onUpdate(callback: (state: UpdateState) => void): () => void;
  /** The current state ('status'); restart to install the downloaded update (after any running write or import); or later. */
  updateAction(action: UpdateAction): Promise<IpcResult<UpdateState>>;
};

export type StockfeedBridge = { [K in OperationName]: (input: Input<K>) => Promise<IpcResult<Output<K>>> } & ShellBridge;

/** The names of the shell's calls on the bridge (the preload exposes exactly these besides the operations). */
export const SHELL_BRIDGE_NAMES = ['onChanges', 'onNavigate', 'openPublishFolder', 'onUpdate', 'updateAction'] as const satisfies ReadonlyArray<keyof ShellBridge>;

/** The global name the preload exposes the bridge under (`window.stockfeed`). */
export const BRIDGE_GLOBAL = 'stockfeed';
