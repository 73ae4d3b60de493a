/**
 * The preload script: exposes `window.stockfeed` with exactly one function per contract operation,
 * each bound to that operation's own IPC channel, plus the shell's fixed calls (changes pushed by
 * main, screens asked for by the menu, opening the publish folder, the update banner's state and
 * the owner's answer to it). There is no generic
 * `invoke(channel, ...)` or `on(channel, ...)`, so the page can reach nothing but these. It runs
 * sandboxed, so it imports only `electron` and the list of operation names (lint-enforced); the
 * build bundles it into one CommonJS file.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcChannel, OPERATION_NAMES, SHELL_CHANNELS } from '../../shared/operation-names';

/** Subscribes to one fixed channel; the page's callback never sees the IPC event (or its sender). */
function listen(channel: string, callback: unknown): () => void {
  if (typeof callback !== 'function') throw new TypeError('a callback function is required');
  const listener = (_event: IpcRendererEvent, payload: unknown) => (callback as (payload: unknown) => void)(payload);
  ipcRenderer.on(channel, listener);
  return () => {
    ipcRenderer.removeListener(channel, listener);
  };
}

const operations = Object.fromEntries(
  OPERATION_NAMES.map((name) => {
    const channel = ipcChannel(name);
    return [name, (input: unknown): Promise<unknown> => ipcRenderer.invoke(channel, input)];
  }),
);

const bridge = Object.freeze({
  ...operations,
  onChanges: (callback: unknown) => listen(SHELL_CHANNELS.changes, callback),
  onNavigate: (callback: unknown) => listen(SHELL_CHANNELS.navigate, callback),
  openPublishFolder: (): Promise<unknown> => ipcRenderer.invoke(SHELL_CHANNELS.openPublishFolder),
  onUpdate: (callback: unknown) => listen(SHELL_CHANNELS.update, callback),
  // Main accepts only 'status', 'restart' and 'later', and checks again.
  updateAction: (action: unknown): Promise<unknown> => ipcRenderer.invoke(SHELL_CHANNELS.updateAction, action),
});

contextBridge.exposeInMainWorld('stockfeed', bridge);
