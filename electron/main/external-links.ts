/**
 * The only place the app hands a URL to the operating system. A lint rule bans
 * `shell.openExternal` everywhere else, so every link the app opens passes this check.
 */
import { shell } from 'electron';
import { consoleLogger } from '../core/logger';
import { externalUrl } from './url-policy';

/** Opens an http(s) link in the system browser; anything else is refused and logged. */
export async function openExternal(url: string): Promise<boolean> {
  const safe = externalUrl(url);
  if (safe === null) {
    consoleLogger.warn(`refused to open ${JSON.stringify(url.slice(0, 200))} outside the app: only http and https links are allowed`);
    return false;
  }
  try {
    await shell.openExternal(safe);
    return true;
  } catch (error) {
    consoleLogger.warn(`could not open ${safe}: ${(error as Error).message}`);
    return false;
  }
}
