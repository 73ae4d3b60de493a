/**
 * IPC for the contract: one `ipcMain.handle` per operation, on that operation's own channel.
 * Channels that are not in the contract have no handler, so the renderer's call to them fails.
 */
import { ipcMain } from 'electron';
import type { IpcResult } from '../../shared/bridge';
import type { Handlers } from '../../shared/contract';
import { ipcChannel, OPERATION_NAMES } from '../../shared/operation-names';
import type { Logger } from '../core/db/migrate';
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
