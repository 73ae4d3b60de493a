/** Update checks for the packaged app; a failure is logged and never stops the app. */
import { app } from 'electron';
import type { Logger } from '../core/logger';

export async function checkForUpdates(log: Logger): Promise<void> {
  // An unpackaged app has no release feed to compare against (electron-updater would throw).
  if (!app.isPackaged) return;
  try {
    // electron-updater is CommonJS and defines autoUpdater as a getter, which ESM named imports
    // cannot see; loading it lazily also keeps it out of development runs.
    const { default: updater } = await import('electron-updater');
    const { autoUpdater } = updater;
    autoUpdater.on('error', (error: Error) => log.warn(`update check failed: ${error.message}`));
    await autoUpdater.checkForUpdatesAndNotify();
  } catch (error) {
    log.warn(`update check failed: ${(error as Error).message}`);
  }
}
