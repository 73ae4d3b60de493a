/**
 * Closing the window or quitting with unsaved edits asks first. The page says it has unsaved
 * changes the web's way (a `beforeunload` handler that cancels); a browser then asks "Leave
 * site?", but Electron shows nothing by itself and only emits `will-prevent-unload` on the
 * webContents, so without this the window would simply refuse to close. Calling preventDefault on
 * that event lets the page go anyway; leaving it alone keeps the page (and cancels the quit).
 */
import type { MessageBoxSyncOptions } from 'electron';

export const LEAVE_CHOICE = 0;

export const UNSAVED_CHANGES_DIALOG: MessageBoxSyncOptions = {
  type: 'question',
  buttons: ['Leave', 'Stay'],
  defaultId: 1,
  cancelId: 1,
  noLink: true,
  title: 'Unsaved changes',
  message: 'Leave without saving?',
  detail: 'Your changes on this page have not been saved. If you leave now, they are lost.',
};

/** What the guard needs of a webContents: only the one event. */
export type UnloadEvents = {
  on(event: 'will-prevent-unload', listener: (event: { preventDefault(): void }) => void): unknown;
};

/**
 * Asks with `ask` (the main process passes dialog.showMessageBoxSync for the window) whenever the
 * page holds on to unsaved changes, and lets it go only when the answer is Leave.
 */
export function guardUnload(contents: UnloadEvents, ask: (options: MessageBoxSyncOptions) => number): void {
  contents.on('will-prevent-unload', (event) => {
    if (ask(UNSAVED_CHANGES_DIALOG) === LEAVE_CHOICE) event.preventDefault();
  });
}
