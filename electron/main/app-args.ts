/** Command-line options of the desktop app. Pure, so they are unit-tested without Electron. */
import path from 'node:path';

/**
 * `--data DIR` (or `--data=DIR`) puts the app's data in DIR instead of Electron's userData
 * folder, as the headless server and the CLI accept it; tests use it to start on an empty folder.
 */
export function dataDirFromArgv(argv: readonly string[], cwd = process.cwd()): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    let value: string | undefined;
    if (arg === '--data') {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error('--data needs a folder: --data DIR');
    } else if (arg.startsWith('--data=')) {
      value = arg.slice('--data='.length);
      if (value === '') throw new Error('--data needs a folder: --data=DIR');
    } else {
      continue;
    }
    return path.resolve(cwd, value);
  }
  return undefined;
}
