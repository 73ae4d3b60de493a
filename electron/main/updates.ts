/**
 * electron-updater adapted to the update controller (update-controller.ts holds the flow and is
 * tested without Electron). Only the packaged app has a release feed to compare against.
 */
import { app } from 'electron';
import type { Logger } from '../core/logger';
import type { UpdateState } from '../../shared/schemas/updates';
import { releaseNotesText, UpdateController, type UpdateChannel, type UpdateProvider } from './update-controller';

/** electron-updater's autoUpdater, driven step by step: check, then download, then install when the owner says so. */
async function electronUpdateProvider(log: Logger): Promise<UpdateProvider> {
  // electron-updater is CommonJS and defines autoUpdater as a getter, which ESM named imports
  // cannot see; loading it lazily also keeps it out of development runs.
  const { default: updater } = await import('electron-updater');
  const { autoUpdater } = updater;
  autoUpdater.autoDownload = false;
  // "Later" on the banner: the downloaded update installs when the owner next quits.
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.logger = { info: (m: unknown) => log.info(String(m)), warn: (m: unknown) => log.warn(String(m)), error: (m: unknown) => log.error(String(m)), debug: () => undefined };
  return {
    async check(channel: UpdateChannel) {
      autoUpdater.channel = channel === 'beta' ? 'beta' : 'latest';
      autoUpdater.allowPrerelease = channel === 'beta';
      // Setting a channel allows downgrades; a stable user must never be moved back.
      autoUpdater.allowDowngrade = false;
      const result = await autoUpdater.checkForUpdates();
      if (!result?.isUpdateAvailable) return null;
      return { version: result.updateInfo.version, releaseNotes: releaseNotesText(result.updateInfo.releaseNotes) };
    },
    async download() {
      await autoUpdater.downloadUpdate();
    },
    install() {
      autoUpdater.quitAndInstall();
    },
  };
}

export type UpdateHost = {
  log: Logger;
  settings: () => { channel: UpdateChannel; automaticChecks: boolean };
  busy: () => boolean;
  publish: (state: UpdateState) => void;
};

/** Starts the update flow in the packaged app; null in development (no release feed to compare with). */
export async function startUpdates(host: UpdateHost): Promise<UpdateController | null> {
  if (!app.isPackaged) return null;
  try {
    const controller = new UpdateController({ ...host, provider: await electronUpdateProvider(host.log) });
    controller.start();
    return controller;
  } catch (error) {
    host.log.warn(`updates are off: ${(error as Error).message}`);
    return null;
  }
}
