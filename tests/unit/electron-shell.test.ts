/**
 * The desktop shell's pure parts under plain Node: the remembered window position (clamped to the
 * screens connected now), the app menu, and which changes become a desktop notification.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Change } from '../../shared/schemas/changes';
import { HELP_URL, MENU_ROUTES, menuTemplate, type MenuOptions } from '../../electron/main/menu';
import { stockAlertFor } from '../../electron/main/stock-alerts';
import { externalUrl } from '../../electron/main/url-policy';
import { clampToDisplays, DEFAULT_SIZE, MIN_SIZE, readWindowState, WINDOW_STATE_FILE, writeWindowState } from '../../electron/main/window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 870 };
const rightMonitor = { x: 1440, y: -200, width: 2560, height: 1400 };

describe('window state', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-window-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips through the data folder', () => {
    const dir = tmp();
    writeWindowState(dir, { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
    expect(readWindowState(dir)).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
    expect(fs.readdirSync(dir)).toEqual([WINDOW_STATE_FILE]);
  });

  it('falls back to the default for a missing, corrupt or odd file', () => {
    const dir = tmp();
    expect(readWindowState(dir)).toEqual({ bounds: null, maximized: false });
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{not json');
    expect(readWindowState(dir)).toEqual({ bounds: null, maximized: false });
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), JSON.stringify({ bounds: { x: 'a', y: 0, width: 1, height: 1 }, maximized: 'yes' }));
    expect(readWindowState(dir)).toEqual({ bounds: null, maximized: false });
  });

  it('opens at the default size, centred, the first time', () => {
    expect(clampToDisplays(null, [laptop])).toEqual(DEFAULT_SIZE);
  });

  it('keeps a window that is on a connected screen where it was', () => {
    expect(clampToDisplays({ x: 100, y: 50, width: 1200, height: 800 }, [laptop])).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
    expect(clampToDisplays({ x: 1600, y: 0, width: 1800, height: 1000 }, [laptop, rightMonitor])).toEqual({ x: 1600, y: 0, width: 1800, height: 1000 });
  });

  it('centres a window whose screen was unplugged, at a size that fits the screens left', () => {
    expect(clampToDisplays({ x: 1600, y: 0, width: 1800, height: 1000 }, [laptop])).toEqual({ width: 1440, height: 870 });
  });

  it('pulls a window hanging off the edge back in and shrinks one larger than its screen', () => {
    expect(clampToDisplays({ x: 1000, y: 600, width: 1200, height: 800 }, [laptop])).toEqual({ x: 240, y: 70, width: 1200, height: 800 });
    expect(clampToDisplays({ x: 0, y: 0, width: 4000, height: 3000 }, [laptop])).toEqual({ x: 0, y: 0, width: 1440, height: 870 });
  });

  it('never goes below the minimum size', () => {
    expect(clampToDisplays({ x: 0, y: 0, width: 200, height: 100 }, [laptop])).toMatchObject(MIN_SIZE);
  });

  it('treats a title bar above every screen as lost', () => {
    expect(clampToDisplays({ x: 100, y: -500, width: 1000, height: 700 }, [laptop])).toEqual({ width: 1000, height: 700 });
  });
});

function items(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const menu = template.find((m) => m.label === label || m.role === label);
  return (menu?.submenu ?? []) as MenuItemConstructorOptions[];
}

describe('app menu', () => {
  const options = (overrides: Partial<MenuOptions> = {}): MenuOptions => ({
    appName: 'Stockfeed',
    isMac: false,
    isDev: false,
    show: vi.fn(),
    openHelp: vi.fn(),
    openLogsFolder: vi.fn(),
    copyDiagnosticReport: vi.fn(),
    ...overrides,
  });

  it('has File (import, export, quit), Edit, View and Help', () => {
    const template = menuTemplate(options());
    expect(template.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&View', 'help']);
    const file = items(template, '&File');
    expect(file.map((i) => i.label ?? i.role)).toEqual(
      expect.arrayContaining(['Import products from CSV…', 'Export products and stock…', 'Quit']),
    );
    expect(items(template, '&Edit').map((i) => i.role)).toEqual(expect.arrayContaining(['copy', 'paste', 'undo']));
  });

  it('offers reload and developer tools only in development', () => {
    const roles = (isDev: boolean) => items(menuTemplate(options({ isDev })), '&View').map((i) => i.role);
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('asks the page only for the fixed screens', () => {
    const show = vi.fn();
    const template = menuTemplate(options({ show }));
    for (const item of items(template, '&File')) (item.click as (() => void) | undefined)?.();
    const asked = show.mock.calls.map((c) => c[0] as string);
    expect(asked.length).toBeGreaterThan(0);
    for (const route of asked) expect(MENU_ROUTES).toContain(route);
  });

  it('opens help through the http(s)-checked helper with a web link', () => {
    const openHelp = vi.fn();
    const help = items(menuTemplate(options({ openHelp })), 'help');
    (help[0]?.click as () => void)();
    expect(openHelp).toHaveBeenCalledOnce();
    expect(externalUrl(HELP_URL)).toBe(HELP_URL);
  });

  it('offers Open logs folder and Copy diagnostic report under Help', () => {
    const openLogsFolder = vi.fn();
    const copyDiagnosticReport = vi.fn();
    const help = items(menuTemplate(options({ openLogsFolder, copyDiagnosticReport })), 'help');
    const byLabel = (label: string) => help.find((i) => i.label === label)?.click as (() => void) | undefined;
    byLabel('Open logs folder')?.();
    byLabel('Copy diagnostic report')?.();
    expect(openLogsFolder).toHaveBeenCalledOnce();
    expect(copyDiagnosticReport).toHaveBeenCalledOnce();
  });

  it('follows the platform on macOS: an app menu with Settings and Quit, none under File', () => {
    const template = menuTemplate(options({ isMac: true }));
    expect(template[0]?.label).toBe('Stockfeed');
    expect(items(template, 'Stockfeed').map((i) => i.role)).toContain('quit');
    expect(items(template, '&File').map((i) => i.role)).not.toContain('quit');
  });
});

describe('desktop notification when a product runs out', () => {
  let seq = 0;
  const availability = (sku: string, from: string, to: string, title?: string): Change => ({
    seq: ++seq,
    type: 'availability.changed',
    sku,
    productId: null,
    payload: { from, to, ...(title ? { title } : {}) },
    actor: null,
    createdAt: '2026-11-26T12:00:00.000Z',
  });

  it('names the one product that went out of stock', () => {
    expect(stockAlertFor([availability('MUG-1', 'in_stock', 'out_of_stock', 'Blue mug')])).toEqual({
      title: 'Out of stock',
      body: 'Blue mug (MUG-1) is now out of stock online.',
    });
  });

  it('says nothing for other moves or other change types', () => {
    expect(stockAlertFor([availability('MUG-1', 'out_of_stock', 'in_stock')])).toBeNull();
    expect(stockAlertFor([availability('MUG-1', 'in_stock', 'backorder')])).toBeNull();
    expect(stockAlertFor([{ ...availability('MUG-1', 'in_stock', 'out_of_stock'), type: 'stock.changed' }])).toBeNull();
    expect(stockAlertFor([])).toBeNull();
  });

  it('names the product by its title when one is known', () => {
    const titles = new Map([['MUG-1', 'Blue enamel mug']]);
    expect(stockAlertFor([availability('MUG-1', 'in_stock', 'out_of_stock')], titles)?.body).toBe('Blue enamel mug (MUG-1) is now out of stock online.');
  });

  it('sums up many at once in one notification', () => {
    const alert = stockAlertFor(['A', 'B', 'C', 'D', 'E'].map((sku) => availability(sku, 'in_stock', 'out_of_stock')));
    expect(alert).toEqual({ title: '5 products out of stock', body: 'A, B, C and 2 more are now out of stock online.' });
  });
});
