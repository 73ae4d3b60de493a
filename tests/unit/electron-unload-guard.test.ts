/**
 * Closing the desktop window (or quitting) with unsaved edits asks Leave or Stay. Electron shows no
 * dialog for a page's `beforeunload` by itself; the main process answers `will-prevent-unload`.
 */
import { EventEmitter } from 'node:events';
import type { MessageBoxSyncOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { guardUnload, LEAVE_CHOICE, UNSAVED_CHANGES_DIALOG } from '../../electron/main/unload-guard';
import { createMainWindow } from '../../electron/main/window';

// The window factory under plain Node: a BrowserWindow whose webContents is an event emitter.
const electron = vi.hoisted(() => ({ windows: [] as unknown[], answer: 1, asked: [] as unknown[] }));
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class FakeWindow extends Emitter {
    webContents = Object.assign(new Emitter(), { setWindowOpenHandler: () => undefined });
    constructor() {
      super();
      electron.windows.push(this);
    }
    loadFile = () => Promise.resolve();
    loadURL = () => Promise.resolve();
  }
  return {
    BrowserWindow: FakeWindow,
    dialog: {
      showMessageBoxSync: (window: unknown, options: unknown) => {
        electron.asked.push({ window, options });
        return electron.answer;
      },
    },
    shell: { openExternal: () => Promise.resolve() },
  };
});

/** A webContents' stand-in: the page cancelled its unload, and Electron asks the main process. */
function pageWithUnsavedChanges(answer: number) {
  const contents = new EventEmitter();
  const ask = vi.fn((_options: MessageBoxSyncOptions) => answer);
  guardUnload(contents, ask);
  const event = { preventDefault: vi.fn() };
  contents.emit('will-prevent-unload', event);
  return { ask, event };
}

describe('closing with unsaved changes', () => {
  it('asks with a native Leave / Stay dialog whose safe choice is Stay', () => {
    const { ask } = pageWithUnsavedChanges(1);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith(UNSAVED_CHANGES_DIALOG);
    const { buttons = [], defaultId, cancelId } = UNSAVED_CHANGES_DIALOG;
    expect(buttons[LEAVE_CHOICE]).toBe('Leave');
    expect(buttons[defaultId ?? -1]).toBe('Stay');
    // Esc or closing the dialog is Stay too.
    expect(buttons[cancelId ?? -1]).toBe('Stay');
    expect(UNSAVED_CHANGES_DIALOG.message).toMatch(/without saving/);
  });

  it('lets the page go on Leave (preventDefault overrides its beforeunload)', () => {
    const { event } = pageWithUnsavedChanges(LEAVE_CHOICE);
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
  });

  it('keeps the page, and so cancels the close or the quit, on Stay', () => {
    const { event } = pageWithUnsavedChanges(1);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });

  it('is what the main window does, asking over that window', () => {
    const window = createMainWindow({ kind: 'file', file: '/app/out/renderer/index.html', url: 'file:///app/out/renderer/index.html' }, '/app/preload.cjs', {
      width: 1200,
      height: 800,
    });
    expect(electron.windows).toEqual([window]);
    const contents = (window as unknown as { webContents: EventEmitter }).webContents;
    const stay = { preventDefault: vi.fn() };
    contents.emit('will-prevent-unload', stay);
    expect(electron.asked).toEqual([{ window, options: UNSAVED_CHANGES_DIALOG }]);
    expect(stay.preventDefault).not.toHaveBeenCalled();
    electron.answer = LEAVE_CHOICE;
    const leave = { preventDefault: vi.fn() };
    contents.emit('will-prevent-unload', leave);
    expect(leave.preventDefault).toHaveBeenCalledTimes(1);
  });
});
