/**
 * The web permissions the app's page gets: almost none. Chromium first *checks* a permission (for
 * the clipboard, notifications, media and more it grants on the check alone) and asks the
 * request handler only when the check says no, so both handlers apply the same rule: a permission
 * the app uses, asked by the top frame of the app's own page; everything else is refused. Pure
 * (no runtime `electron` import) so a unit test can drive it with a stand-in session.
 */
import type { Session } from 'electron';
import type { Logger } from '../core/logger';
import { isAppPageUrl, type AppPage } from './url-policy';

/**
 * What the page uses: writing to the clipboard (Settings → API token → Copy). Desktop
 * notifications come from the main process, which needs no web permission.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** The two Session methods the handlers are installed with. */
export type PermissionSession = Pick<Session, 'setPermissionCheckHandler' | 'setPermissionRequestHandler'>;

export function isPermissionAllowed(page: AppPage, permission: string, requestingUrl: string | undefined, isMainFrame: boolean): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isMainFrame && requestingUrl !== undefined && isAppPageUrl(page, requestingUrl);
}

export function installPermissionHandlers(session: PermissionSession, page: AppPage, log: Logger): void {
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionAllowed(page, permission, details.requestingUrl, details.isMainFrame),
  );
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(page, permission, details.requestingUrl, details.isMainFrame);
    if (!allowed) log.warn(`denied the request of ${details.requestingUrl || 'a page'} for permission "${permission}"`);
    callback(allowed);
  });
}
