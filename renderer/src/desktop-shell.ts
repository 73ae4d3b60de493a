/**
 * The desktop shell's calls on the preload bridge, when the page runs inside Electron: the app
 * menu asking for a screen, and opening the publish folder. In a browser they are absent.
 */
import { onBeforeUnmount } from 'vue';
import type { Router } from 'vue-router';
import { BRIDGE_GLOBAL, type ShellBridge } from '../../shared/bridge';

/** Screens the menu may ask for; anything else it sends is ignored. */
const MENU_SCREENS = new Set(['/import', '/settings', '/publishing', '/products']);

export function shellBridge(): Partial<ShellBridge> | null {
  const bridge = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL];
  return typeof bridge === 'object' && bridge !== null ? (bridge as Partial<ShellBridge>) : null;
}

/** Follows the app menu's "Import…", "Settings" and the like; call from a component's setup. */
export function useMenuNavigation(router: Router): void {
  const onNavigate = shellBridge()?.onNavigate;
  if (typeof onNavigate !== 'function') return;
  const stop = onNavigate((path) => {
    if (typeof path === 'string' && MENU_SCREENS.has(path)) void router.push(path);
  });
  onBeforeUnmount(stop);
}

/** Whether this page can open the publish folder (only inside the desktop app). */
export function canOpenPublishFolder(): boolean {
  return typeof shellBridge()?.openPublishFolder === 'function';
}
