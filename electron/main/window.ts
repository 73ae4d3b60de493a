/**
 * The one window factory. Every window gets the enforced web preferences, starts hidden until its
 * first paint is ready, may not navigate away from the app's page, and may not open new windows
 * (links meant for a new window go to the system browser through openExternal instead).
 */
import { BrowserWindow, dialog, type BrowserWindowConstructorOptions, type WebContents } from 'electron';
import { consoleLogger } from '../core/logger';
import { openExternal } from './external-links';
import { guardUnload } from './unload-guard';
import { isAppPageUrl, type AppPage } from './url-policy';
import { secureWebPreferences } from './web-preferences';
import { MIN_SIZE, type Rect } from './window-state';

function denyNavigation(contents: WebContents, page: AppPage): void {
  const guard = (event: { url: string; preventDefault(): void }) => {
    if (isAppPageUrl(page, event.url)) return;
    event.preventDefault();
    consoleLogger.warn(`blocked navigation to ${event.url}`);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternal(url);
    return { action: 'deny' };
  });
}

export function createSecureWindow(page: AppPage, options: BrowserWindowConstructorOptions = {}): BrowserWindow {
  const window = new BrowserWindow({
    ...options,
    show: false,
    webPreferences: secureWebPreferences(options.webPreferences),
  });
  denyNavigation(window.webContents, page);
  window.once('ready-to-show', () => window.show());
  return window;
}

/** The main window, showing the app's page with the preload bridge, where it was last time. */
export function createMainWindow(page: AppPage, preload: string, bounds: Partial<Rect> & { width: number; height: number }): BrowserWindow {
  const window = createSecureWindow(page, {
    title: 'Stockfeed',
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    autoHideMenuBar: true,
    webPreferences: { preload },
  });
  // Closing the window or quitting with an unsaved form asks, as a browser would.
  guardUnload(window.webContents, (options) => dialog.showMessageBoxSync(window, options));
  const loaded = page.kind === 'dev-server' ? window.loadURL(page.url) : window.loadFile(page.file);
  loaded.catch((error: Error) => consoleLogger.error(`could not load the app's page: ${error.message}`));
  return window;
}
