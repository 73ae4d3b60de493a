/**
 * The desktop shell's calls on the preload bridge, when the page runs inside Electron: the app
 * menu asking for a screen, opening the publish folder, the update banner. In a browser they are
 * absent.
 */
import { onBeforeUnmount, onScopeDispose, ref, type Ref } from 'vue';
import type { Router } from 'vue-router';
import { BRIDGE_GLOBAL, type ShellBridge, type UpdateAction } from '../../shared/bridge';
import type { UpdateState } from '../../shared/schemas/updates';

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

/** Whether the page runs inside the desktop app (where the update settings apply). */
export function isDesktopApp(): boolean {
  return shellBridge() !== null;
}

/** Whether this page can open the publish folder (only inside the desktop app). */
export function canOpenPublishFolder(): boolean {
  return typeof shellBridge()?.openPublishFolder === 'function';
}

/**
 * The update flow's state, pushed by the desktop app's main process (always idle in a browser),
 * and the owner's two answers to "Restart to update": restart (after any running write or
 * import), or later (the update then installs at the next quit).
 */
export function useUpdateBanner(): { state: Ref<UpdateState>; restart(): Promise<void>; later(): Promise<void> } {
  const state = ref<UpdateState>({ kind: 'idle' });
  const bridge = shellBridge();
  const act = async (action: UpdateAction) => {
    const result = await bridge?.updateAction?.(action);
    if (result?.ok) state.value = result.value;
  };
  if (typeof bridge?.onUpdate === 'function' && typeof bridge.updateAction === 'function') {
    const stop = bridge.onUpdate((next) => {
      state.value = next;
    });
    onScopeDispose(stop);
    void act('status');
  }
  return { state, restart: () => act('restart'), later: () => act('later') };
}
