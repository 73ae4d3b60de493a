/**
 * The web preferences every Stockfeed window runs with. Pure (no runtime `electron` import) so a
 * unit test can prove the security settings win over anything a caller passes.
 */
import type { WebPreferences } from 'electron';

/**
 * Applied after the caller's overrides, so no window can opt out by accident or by a later edit:
 * the renderer gets no Node, runs in Chromium's sandbox, and its page and the preload live in
 * separate JavaScript worlds.
 */
export const ENFORCED_WEB_PREFERENCES = {
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  sandbox: true,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
} as const satisfies WebPreferences;

export function secureWebPreferences(overrides: WebPreferences = {}): WebPreferences {
  // Blink features switched on by name could re-open what the settings above close.
  const { enableBlinkFeatures: _ignored, ...rest } = overrides;
  return { ...rest, ...ENFORCED_WEB_PREFERENCES };
}
