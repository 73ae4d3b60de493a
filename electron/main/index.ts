/**
 * The desktop host: Electron's main process. It only wires parts together: the core does the
 * work, window.ts owns the window's security settings, ipc.ts owns the bridge to the page.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, session } from 'electron';
import { openCore, type Core } from '../core/core';
import { consoleLogger } from '../core/logger';
import { dataDirFromArgv } from './app-args';
import { withCsp } from './csp';
import { registerIpc } from './ipc';
import { checkForUpdates } from './updates';
import { isAppPageUrl, resolveAppPage } from './url-policy';
import { createMainWindow } from './window';

const log = consoleLogger;
const here = import.meta.dirname;
let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

/**
 * The data folder is `--data DIR` when given, else `<appData>/Stockfeed`, set explicitly: Electron
 * would otherwise name it after package.json's `name` in development but after electron-builder's
 * productName when packaged, and the same person would find two different databases.
 */
function chooseDataDir(): boolean {
  try {
    app.setPath('userData', dataDirFromArgv(process.argv) ?? path.join(app.getPath('appData'), 'Stockfeed'));
    return true;
  } catch (error) {
    process.stderr.write(`Stockfeed: ${(error as Error).message}\n`);
    return false;
  }
}

async function start(): Promise<void> {
  const page = resolveAppPage({
    rendererDir: path.join(here, '../renderer'),
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`denied the page's request for permission "${permission}"`);
    callback(false);
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: isAppPageUrl(page, details.url) ? withCsp(details.responseHeaders) : details.responseHeaders });
  });

  const dataDir = app.getPath('userData');
  try {
    core = await openCore({ dataDir, databaseUrl: process.env.DATABASE_URL, logger: log });
  } catch (error) {
    dialog.showErrorBox('Stockfeed could not open its data', `${(error as Error).message}\n\nData folder: ${dataDir}`);
    app.exit(1);
    return;
  }
  log.info(`data folder: ${dataDir}`);
  registerIpc(core.handlers, page, log);

  const preload = path.join(here, '../preload/index.cjs');
  const openWindow = () => {
    mainWindow = createMainWindow(page, preload);
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  };
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  void checkForUpdates(log);
}

if (!chooseDataDir()) {
  app.exit(2);
} else if (!app.requestSingleInstanceLock()) {
  // Two processes writing one database would fight over it; the first instance gets focus instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (!core) return;
    // Let queued stock writes commit and the database close cleanly before the process ends.
    event.preventDefault();
    const closing = core;
    core = null;
    closing
      .close()
      .catch((error: Error) => log.error(`closing the core failed: ${error.message}`))
      .finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: Error) => {
      log.error(`Stockfeed could not start: ${error.stack ?? error.message}`);
      app.exit(1);
    });
}
