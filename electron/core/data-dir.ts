import os from 'node:os';
import path from 'node:path';

/**
 * Where Stockfeed keeps its data when no `--data DIR` is given: `$XDG_DATA_HOME/stockfeed`, or
 * `~/.local/share/stockfeed`. The desktop app, the headless server and the CLI share it, so a CLI
 * import lands in the database the app shows. A relative XDG_DATA_HOME is ignored, as the XDG
 * spec asks.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const xdg = env.XDG_DATA_HOME?.trim();
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(base, 'stockfeed');
}
