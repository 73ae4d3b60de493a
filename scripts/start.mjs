#!/usr/bin/env node
/**
 * `npm start`: the desktop app when it can run here, otherwise the same app served to the browser.
 *
 * Electron runs when its binary is installed and there is a display; then the app is built and
 * launched (data in Electron's userData folder unless `--data DIR`). Otherwise this says why and
 * runs the headless server (`npm run serve -- --data DIR`), whose output has the link to open.
 * Other arguments pass through to whichever host starts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

const HELP = `Usage: npm start [-- [--data DIR] [--browser] [--dry-run] [options for the app or server]]

Starts Stockfeed: the desktop app when Electron's binary is installed and a display is available,
otherwise the headless server (npm run serve), which prints a link to open Stockfeed in a browser.

  --data DIR   data folder. Desktop default: Electron's userData folder (…/Stockfeed).
               Server default: ${defaultDataDir()}
  --browser    serve Stockfeed to the browser even when the desktop app could start
  --dry-run    say what would start, and with which command, without starting it
  --help       this text

Anything else (for example --port 8080 for the server) is passed on.`;

/** The server's data folder when none is given, by each platform's convention for user data. */
function defaultDataDir() {
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Stockfeed');
  if (process.platform === 'win32') return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Stockfeed');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = process.env.XDG_DATA_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share'), 'stockfeed');
}

function parseArgs(argv) {
  const options = { help: false, dryRun: false, browser: false, data: undefined, rest: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--browser') options.browser = true;
    else if (arg === '--data' || arg.startsWith('--data=')) {
      const value = arg === '--data' ? argv[(i += 1)] : arg.slice('--data='.length);
      if (!value || value.startsWith('--')) throw new Error('--data needs a folder: --data DIR');
      options.data = path.resolve(value);
    } else options.rest.push(arg);
  }
  return options;
}

/** Why Electron cannot run here, or null when it can. */
function electronUnavailable() {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return "Electron's binary is not installed (its download was skipped or blocked; `npm run setup` tries it again).";
  }
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
  const binary = path.join(base, fs.readFileSync(pathFile, 'utf8').trim());
  if (!fs.existsSync(binary)) return `Electron's binary is missing: ${binary} does not exist (\`npm run setup\` fetches it again).`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set).';
  }
  return null;
}

/** npm itself: the one running this script under `npm start`, else the `npm` on PATH. */
function npm(args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.(c|m)?js$/.test(npmCli)) return { command: process.execPath, args: [npmCli, ...args], shell: false };
  return { command: 'npm', args, shell: process.platform === 'win32' };
}

function plan(options) {
  const unavailable = options.browser ? 'you asked for the browser (--browser).' : electronUnavailable();
  if (unavailable === null) {
    const appArgs = options.data ? ['--data', options.data, ...options.rest] : options.rest;
    return {
      host: 'desktop',
      why: 'Electron is installed and a display is available.',
      steps: [
        { command: process.execPath, args: [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], shell: false },
        { command: process.execPath, args: [path.join(electronDir, 'cli.js'), '.', ...appArgs], shell: false },
      ],
    };
  }
  return {
    host: 'browser',
    why: unavailable,
    steps: [npm(['run', 'serve', '--', '--data', options.data ?? defaultDataDir(), ...options.rest])],
  };
}

function show(step) {
  return [step.command, ...step.args].map((part) => (/[\s"'$`\\]/.test(part) ? JSON.stringify(part) : part)).join(' ');
}

function describe(p) {
  return p.host === 'desktop'
    ? `Stockfeed: starting the desktop app (${p.why})`
    : `Stockfeed: the desktop window is not available, because ${p.why}\nStockfeed: serving it to your browser instead; open the link printed below.`;
}

let child = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // On a terminal the child gets the signal too; under a supervisor it may not, so pass it on.
    if (child && child.exitCode === null) child.kill(signal);
  });
}

function run(step) {
  return new Promise((resolve) => {
    child = spawn(step.command, step.args, { cwd: root, stdio: 'inherit', shell: step.shell });
    child.on('error', (error) => {
      console.error(`Stockfeed: could not run ${step.command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      child = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n\n${HELP}`);
    return 2;
  }
  const p = plan(options);
  if (options.help || options.dryRun) {
    if (options.help) console.log(`${HELP}\n`);
    console.log(`On this machine now: ${p.host === 'desktop' ? 'the desktop app' : 'the headless server'} would start, because ${p.why}`);
    for (const step of p.steps) console.log(`  ${show(step)}`);
    return 0;
  }
  console.log(describe(p));
  for (const step of p.steps) {
    const status = await run(step);
    if (status !== 0) {
      if (p.host === 'desktop' && step === p.steps[p.steps.length - 1]) {
        console.error('Stockfeed: the desktop app stopped with an error. `npm start -- --browser` serves Stockfeed to your browser instead.');
      }
      return status;
    }
  }
  return 0;
}

process.exitCode = await main();
