/**
 * IPC for the contract: one `ipcMain.handle` per operation, on that operation's own channel.
 * Channels that are not in the contract have no handler, so the renderer's call to them fails.
 * Besides, the shell's fixed channels: committed changes pushed to the page, and opening the
 * publish folder.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ipcMain } from 'electron';
import type { IpcResult } from '../../shared/bridge';
import type { Handlers } from '../../shared/contract';
import { ipcChannel, OPERATION_NAMES, SHELL_CHANNELS } from '../../shared/operation-names';
import type { ChangeBus } from '../core/changes/change-log';
import type { Logger } from '../core/logger';
import { dispatchOperation } from './ipc-dispatch';
import { isTrustedSender, type AppPage } from './url-policy';

const UNTRUSTED: IpcResult<never> = {
  ok: false,
  error: { code: 'unauthorized', message: 'Only the Stockfeed window may call Stockfeed.' },
};

/** Registers the handlers; the returned function removes them again. */
export function registerIpc(handlers: Handlers, page: AppPage, log: Logger): () => void {
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, input: unknown) => {
      if (!isTrustedSender(page, event.senderFrame)) {
        log.warn(`rejected ${name} from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
        return UNTRUSTED;
      }
      return dispatchOperation(handlers, name, input, log);
    });
  }
  return () => {
    for (const name of OPERATION_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}

/** The part of a window's webContents that changes are pushed through. */
export type PushTarget = { send(channel: string, payload: unknown): void; isDestroyed(): boolean };

/** At most this many changes per message: a big import must not become one giant IPC message. */
export const PUSH_CHUNK = 1000;

/**
 * Forwards every committed change to the page on the one changes channel. The page's change
 * stream catches up from the log on its own after a reload, so a push that finds no page is
 * simply dropped.
 */
export function pushChanges(bus: Pick<ChangeBus, 'subscribe'>, target: () => PushTarget | null): () => void {
  return bus.subscribe((changes) => {
    const contents = target();
    if (!contents || contents.isDestroyed()) return;
    for (let i = 0; i < changes.length; i += PUSH_CHUNK) {
      contents.send(SHELL_CHANNELS.changes, changes.slice(i, i + PUSH_CHUNK));
    }
  });
}

export type ShellIpcOptions = {
  page: AppPage;
  log: Logger;
  /** The publish folder from the settings now (never a path from the page). */
  publishFolder(): string;
  /** Electron's shell.openPath: '' on success, else the reason. */
  openPath(folder: string): Promise<string>;
};

/** The shell's invoke channel: open the publish folder. Returns the function that removes it. */
export function registerShellIpc(options: ShellIpcOptions): () => void {
  const { page, log } = options;
  ipcMain.handle(SHELL_CHANNELS.openPublishFolder, async (event): Promise<IpcResult<{ path: string }>> => {
    if (!isTrustedSender(page, event.senderFrame)) {
      log.warn(`rejected open-publish-folder from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
      return UNTRUSTED;
    }
    return openPublishFolder(options);
  });
  return () => ipcMain.removeHandler(SHELL_CHANNELS.openPublishFolder);
}

/**
 * Names the OS opens as a program rather than showing as a folder: macOS bundles (`Foo.app`, which
 * is a folder), Windows programs and shortcuts, Linux desktop entries. shell.openPath *runs* such a
 * path, so the publish folder setting must never lead to one.
 */
const LAUNCHABLE = /\.(app|bundle|framework|plugin|prefpane|kext|xpc|workflow|action|pkg|mpkg|exe|com|bat|cmd|scr|pif|msi|lnk|url|desktop|appimage)$/i;

/** Why `real` (a resolved path) must not be opened, or null for a plain folder. */
export function openFolderProblem(real: string, stat: Pick<Stats, 'isDirectory'>): string | null {
  if (!stat.isDirectory()) return 'it is not a folder';
  if (LAUNCHABLE.test(path.basename(real))) return 'its name makes the system open it as an app or a program';
  return null;
}

/**
 * Opens the publish folder in the file manager: its real path (links followed), only when it is a
 * plain folder, never a file, a program or an app bundle. Creates it first when no publish has run
 * yet, so the file manager opens on something.
 */
export async function openPublishFolder(options: Pick<ShellIpcOptions, 'publishFolder' | 'openPath' | 'log'>): Promise<IpcResult<{ path: string }>> {
  const folder = options.publishFolder();
  let real: string;
  try {
    if (!(await fs.lstat(folder).catch(() => null))) await fs.mkdir(folder, { recursive: true });
    real = await fs.realpath(folder);
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: `The publish folder ${folder} could not be created: ${(error as Error).message}` } };
  }
  const problem = openFolderProblem(real, await fs.stat(real));
  if (problem) {
    options.log.warn(`refused to open ${real}: ${problem}`);
    return { ok: false, error: { code: 'conflict', message: `Stockfeed did not open ${real}: ${problem}. Choose a plain folder as the publish folder in Settings.` } };
  }
  const failure = await options.openPath(real);
  if (failure) {
    options.log.warn(`could not open ${real}: ${failure}`);
    return { ok: false, error: { code: 'internal', message: `The publish folder ${real} could not be opened: ${failure}` } };
  }
  return { ok: true, value: { path: real } };
}
