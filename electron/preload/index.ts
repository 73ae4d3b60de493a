/**
 * The preload script: exposes `window.stockfeed` with exactly one function per contract operation,
 * each bound to that operation's own IPC channel. There is no generic `invoke(channel, ...)`, so
 * the page can reach nothing but the contract. It runs sandboxed, so it imports only `electron`
 * and the list of operation names (lint-enforced); the build bundles it into one CommonJS file.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, OPERATION_NAMES } from '../../shared/operation-names';

const bridge = Object.freeze(
  Object.fromEntries(
    OPERATION_NAMES.map((name) => {
      const channel = ipcChannel(name);
      return [name, (input: unknown): Promise<unknown> => ipcRenderer.invoke(channel, input)];
    }),
  ),
);

contextBridge.exposeInMainWorld('stockfeed', bridge);
