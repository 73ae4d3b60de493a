/**
 * The application menu as a template. Pure (only Electron's types) so its contents are
 * unit-tested; index.ts builds the real menu from it.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** Screens the menu can show; main sends only these to the page (never a path from elsewhere). */
export const MENU_ROUTES = ['/import', '/settings', '/publishing'] as const;
export type MenuRoute = (typeof MENU_ROUTES)[number];

export const HELP_URL = 'https://github.com/stockfeed/stockfeed#readme';

export type MenuOptions = {
  appName: string;
  isMac: boolean;
  /** Reload and developer tools only in development. */
  isDev: boolean;
  show(route: MenuRoute): void;
  openHelp(): void;
  /** Opens DATA/logs in the file manager. */
  openLogsFolder(): void;
  /** Puts the core's diagnostic report (no secrets) on the clipboard. */
  copyDiagnosticReport(): void;
};

export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac, isDev } = options;
  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: options.appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => options.show('/settings') },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Import products from CSV…', accelerator: 'CmdOrCtrl+I', click: () => options.show('/import') },
      { label: 'Export products and stock…', accelerator: 'CmdOrCtrl+E', click: () => options.show('/import') },
      { type: 'separator' },
      { label: 'Publishing', click: () => options.show('/publishing') },
      ...(isMac
        ? []
        : ([
            { label: 'Settings', accelerator: 'CmdOrCtrl+,', click: () => options.show('/settings') },
            { type: 'separator' },
            { role: 'quit', label: 'Quit' },
          ] satisfies MenuItemConstructorOptions[])),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(isDev ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] satisfies MenuItemConstructorOptions[]) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Stockfeed help', click: () => options.openHelp() },
      { type: 'separator' },
      { label: 'Open logs folder', click: () => options.openLogsFolder() },
      { label: 'Copy diagnostic report', click: () => options.copyDiagnosticReport() },
    ],
  };
  return [...appMenu, file, edit, view, help];
}
