#!/usr/bin/env node
/**
 * `npm run setup`: installs the dependencies, then tries to fetch Electron's binary.
 *
 * Plain Node with no dependencies: it runs before node_modules exists. The install itself always
 * skips Electron's download (ELECTRON_SKIP_BINARY_DOWNLOAD=1), because on a machine that cannot
 * reach Electron's download host that download fails the whole `npm ci`. The download is then
 * tried on its own: when it fails, Stockfeed still works, served to the browser by `npm start`.
 * Exits non-zero only when the npm install failed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const DEFAULT_DOWNLOAD_TIMEOUT_S = 600;

/** npm itself: the one running this script under `npm run`, else the `npm` on PATH. */
function npmCommand(args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.(c|m)?js$/.test(npmCli)) return { command: process.execPath, args: [npmCli, ...args], shell: false };
  // npm is a .cmd file on Windows, which only a shell can start.
  return { command: 'npm', args, shell: process.platform === 'win32' };
}

/** The Electron binary named by node_modules/electron/path.txt, when it is really there. */
function electronBinary() {
  try {
    const relative = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    const base = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
    const binary = path.join(base, relative);
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function downloadTimeoutSeconds() {
  const raw = process.env.STOCKFEED_ELECTRON_DOWNLOAD_TIMEOUT;
  if (raw === undefined || raw === '') return DEFAULT_DOWNLOAD_TIMEOUT_S;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    console.warn(`STOCKFEED_ELECTRON_DOWNLOAD_TIMEOUT must be a number of seconds (got "${raw}"); using ${DEFAULT_DOWNLOAD_TIMEOUT_S}.`);
    return DEFAULT_DOWNLOAD_TIMEOUT_S;
  }
  return seconds;
}

function install() {
  const hasLock = fs.existsSync(path.join(root, 'package-lock.json'));
  const npmArgs = hasLock ? ['ci'] : ['install'];
  console.log(`Stockfeed setup: npm ${npmArgs.join(' ')} (Electron's download comes afterwards, on its own)`);
  const npm = npmCommand(npmArgs);
  const result = spawnSync(npm.command, npm.args, {
    cwd: root,
    stdio: 'inherit',
    shell: npm.shell,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (result.error) {
    console.error(`\nStockfeed setup: could not run npm: ${result.error.message}`);
    return 1;
  }
  if (result.status !== 0) {
    console.error(`\nStockfeed setup: npm ${npmArgs[0]} failed (exit ${result.status ?? result.signal}). Fix the error above and run it again.`);
    return result.status || 1;
  }
  return 0;
}

/** Returns why the desktop app is unavailable, or null when Electron's binary is installed. */
function downloadElectron() {
  if (electronBinary()) return null;
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set in your environment, so the download was not tried.';
  }
  const installer = path.join(electronDir, 'install.js');
  if (!fs.existsSync(installer)) return `${path.relative(root, installer)} is missing; the electron package did not install.`;

  const seconds = downloadTimeoutSeconds();
  console.log(`\nStockfeed setup: downloading Electron's binary (giving up after ${seconds} s)...`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, [installer], {
    cwd: electronDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: seconds * 1000,
    killSignal: 'SIGKILL',
  });
  if (result.error?.code === 'ETIMEDOUT') return `the download did not finish within ${seconds} s (set STOCKFEED_ELECTRON_DOWNLOAD_TIMEOUT to wait longer).`;
  if (result.error) return `the download could not start: ${result.error.message}`;
  if (result.status !== 0) {
    // install.js prints a whole stack; its first line says what went wrong.
    const firstLine = `${result.stderr}`.split('\n').find((line) => line.trim() !== '') ?? `exit ${result.status}`;
    return `the download failed: ${firstLine.trim()}`;
  }
  return electronBinary() ? null : 'the download finished but the Electron binary is not where path.txt says.';
}

const installStatus = install();
if (installStatus !== 0) process.exit(installStatus);

const unavailable = downloadElectron();
if (unavailable === null) {
  console.log('\nStockfeed setup: done. `npm start` opens the desktop app; `npm test` runs the tests.');
} else {
  console.log(
    [
      '',
      "Note: Electron's binary is not installed, so the desktop window is unavailable on this machine.",
      `  Why: ${unavailable}`,
      '  Nothing else is affected: `npm start` will serve Stockfeed in your browser instead',
      '  (the same app, on http://127.0.0.1), and `npm test` runs the tests.',
      '  To get the desktop app later, run `npm run setup` again where Electron can be downloaded.',
      '',
      'Stockfeed setup: done.',
    ].join('\n'),
  );
}
