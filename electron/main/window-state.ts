/**
 * The main window's size, position and maximised state, kept in the data folder between runs.
 * Pure Node (no Electron import) so the clamping to the screens is unit-tested without a display.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Rect = { x: number; y: number; width: number; height: number };
export type WindowState = { bounds: Rect | null; maximized: boolean };

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** At least this much of the title bar must be on a screen, so the window can be grabbed. */
const GRAB_MARGIN = 64;

function isRect(value: unknown): value is Rect {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]));
}

/** The saved state, or the default when the file is missing or unreadable (never an error). */
export function readWindowState(dataDir: string): WindowState {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dataDir, WINDOW_STATE_FILE), 'utf8')) as Record<string, unknown>;
    return { bounds: isRect(raw.bounds) ? raw.bounds : null, maximized: raw.maximized === true };
  } catch {
    return { bounds: null, maximized: false };
  }
}

/** Written beside and renamed into place, so a crash mid-write leaves the old file. */
export function writeWindowState(dataDir: string, state: WindowState): void {
  const file = path.join(dataDir, WINDOW_STATE_FILE);
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, `${JSON.stringify(state)}\n`);
  fs.renameSync(partial, file);
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * The bounds to open with on the screens connected now. A window whose title bar would be off
 * every screen (a monitor was unplugged) opens centred instead (no x/y); a window larger than
 * its screen shrinks to fit it. `workAreas[0]` is the primary screen.
 */
export function clampToDisplays(bounds: Rect | null, workAreas: readonly Rect[]): Partial<Rect> & { width: number; height: number } {
  const primary = workAreas[0];
  if (!bounds || !primary) return { ...DEFAULT_SIZE };
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: 32 };
  const home = workAreas.find((area) => {
    const o = overlap(titleBar, area);
    return o.width >= Math.min(GRAB_MARGIN, bounds.width) && o.height > 0;
  });
  const area = home ?? primary;
  const width = Math.max(MIN_SIZE.width, Math.min(Math.round(bounds.width), area.width));
  const height = Math.max(MIN_SIZE.height, Math.min(Math.round(bounds.height), area.height));
  if (!home) return { width, height };
  const x = Math.min(Math.max(Math.round(bounds.x), area.x), area.x + area.width - width);
  const y = Math.min(Math.max(Math.round(bounds.y), area.y), area.y + area.height - height);
  return { x, y, width, height };
}
