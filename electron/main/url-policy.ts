/**
 * Which URLs the app treats as its own page and which it may hand to the system browser. Pure
 * (plain Node) so the rules are unit-tested without Electron.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the renderer is loaded from: the built file, or electron-vite's dev server. */
export type AppPage =
  | { kind: 'file'; file: string; url: string }
  | { kind: 'dev-server'; url: string; origin: string };

/**
 * The dev server URL (ELECTRON_RENDERER_URL) is honoured only in an unpackaged app: a packaged
 * app must never trust an environment variable to tell it which origin gets the IPC bridge.
 */
export function resolveAppPage(options: { rendererDir: string; devServerUrl?: string | undefined; isPackaged: boolean }): AppPage {
  if (options.devServerUrl && !options.isPackaged) {
    const url = new URL(options.devServerUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`ELECTRON_RENDERER_URL must be an http(s) URL (got "${options.devServerUrl}")`);
    }
    return { kind: 'dev-server', url: url.href, origin: url.origin };
  }
  const file = path.join(options.rendererDir, 'index.html');
  return { kind: 'file', file, url: pathToFileURL(file).href };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for the app's own page (any in-page route after `#` or `?`), false for anything else. */
export function isAppPageUrl(page: AppPage, url: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (page.kind === 'dev-server') return parsed.origin === page.origin;
  if (parsed.protocol !== 'file:') return false;
  parsed.hash = '';
  parsed.search = '';
  return parsed.href === page.url;
}

/** The parts of Electron's WebFrameMain the sender check reads. */
export type SenderFrame = { url: string; parent: unknown };

/**
 * An IPC call is trusted only from the top frame of the app's own page: not from a frame that is
 * gone (null), not from an embedded frame, not from a page the window was somehow navigated to.
 */
export function isTrustedSender(page: AppPage, frame: SenderFrame | null | undefined): boolean {
  return frame != null && frame.parent === null && isAppPageUrl(page, frame.url);
}

/**
 * The URL to open in the system browser, or null when it must not be opened. Only web links:
 * `file:`, `javascript:`, `smb:` or a custom protocol handed to the OS could run a program.
 * The normalised href is returned so what is opened is exactly what was checked.
 */
export function externalUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const parsed = parse(url.trim());
  if (!parsed) return null;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.hostname === '') return null;
  return parsed.href;
}
