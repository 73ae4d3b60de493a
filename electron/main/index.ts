/**
 * The desktop host: Electron's main process. It only wires parts together: the core does the
 * work, window.ts owns the window's security settings, ipc.ts owns the bridge to the page.
 */
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, Menu, screen, session, shell } from 'electron';
import { SHELL_CHANNELS } from '../../shared/operation-names';
import { openCore, type Core } from '../core/core';
import { consoleLogger, type Logger } from '../core/logger';
import { openHostLogger } from '../core/logging/file-logger';
import { resolvePublishDir } from '../core/publish/publisher';
import { dataDirFromArgv } from './app-args';
import { notifyStockOuts } from './desktop-notifications';
import { withCsp } from './csp';
import { openExternal } from './external-links';
import { pushChanges, registerIpc, registerShellIpc, registerUpdateIpc } from './ipc';
import { installPermissionHandlers } from './permissions';
import { HELP_URL, menuTemplate, type MenuRoute } from './menu';
import { startUpdates } from './updates';
import type { UpdateController } from './update-controller';
import { isAppPageUrl, resolveAppPage } from './url-policy';
import { createMainWindow } from './window';
import { clampToDisplays, readWindowState, writeWindowState } from './window-state';

/** stderr until start() opens the log file in the data folder. */
let log: Logger & { close?(): Promise<void>; problem?: string | null } = consoleLogger;
const here = import.meta.dirname;
let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
let updates: UpdateController | null = null;

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
  log = await openHostLogger(app.getPath('userData'), consoleLogger, app.getVersion());
  const page = resolveAppPage({
    rendererDir: path.join(here, '../renderer'),
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
  });
  installPermissionHandlers(session.defaultSession, page, log);
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
  if (log.problem) log.warn(log.problem);
  const opened = core;
  registerIpc(opened.handlers, page, log);
  registerShellIpc({
    page,
    log,
    publishFolder: () => resolvePublishDir(dataDir, opened.settings.current().publishDir),
    openPath: (folder) => shell.openPath(folder),
  });
  pushChanges(opened.bus, () => mainWindow?.webContents ?? null);
  // Merchant feed, sitemap and JSON-LD: catches up with the database, then follows every change.
  opened.publisher.start().catch((error: Error) => log.error(`publishing failed: ${error.message}`));
  notifyStockOuts(opened, () => showScreen('/products'));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        appName: app.name,
        isMac: process.platform === 'darwin',
        isDev: !app.isPackaged,
        show: (route) => showScreen(route),
        openHelp: () => void openExternal(HELP_URL),
        openLogsFolder: () => void shell.openPath(opened.logDir),
        copyDiagnosticReport: () =>
          void opened
            .diagnosticReport({ electronVersion: process.versions.electron })
            .then((report) => clipboard.writeText(report))
            .catch((error: Error) => log.error(`could not build the diagnostic report: ${error.message}`)),
      }),
    ),
  );

  const preload = path.join(here, '../preload/index.cjs');
  const openWindow = () => {
    const saved = readWindowState(dataDir);
    const bounds = clampToDisplays(saved.bounds, [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea));
    const window = createMainWindow(page, preload, bounds);
    if (saved.maximized) window.maximize();
    // Saved on close only: the normal bounds (not the maximised ones) are what to restore to.
    window.on('close', () => {
      try {
        writeWindowState(dataDir, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
      } catch (error) {
        log.warn(`could not save the window's position: ${(error as Error).message}`);
      }
    });
    window.on('closed', () => {
      mainWindow = null;
    });
    mainWindow = window;
  };
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  updates = await startUpdates({
    log,
    settings: () => opened.settings.current().updates,
    busy: () => opened.busy(),
    publish: (state) => mainWindow?.webContents.send(SHELL_CHANNELS.update, state),
  });
  const controls = updates;
  registerUpdateIpc({
    page,
    log,
    updates: controls ?? { current: () => ({ kind: 'idle' }), restartToUpdate: () => ({ kind: 'idle' }), decline: () => ({ kind: 'idle' }) },
  });
}

/** Brings the window forward on one of the menu's fixed screens. */
function showScreen(route: MenuRoute | '/products'): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
  mainWindow.webContents.send(SHELL_CHANNELS.navigate, route);
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
    updates?.stop();
    if (!core) return;
    // Let queued stock writes commit and the database close cleanly before the process ends.
    event.preventDefault();
    const closing = core;
    core = null;
    closing
      .close()
      .catch((error: Error) => log.error(`closing the core failed: ${error.message}`))
      .then(() => log.close?.())
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
