/**
 * Playwright fixtures for the end-to-end tests: `server` is the real headless server (the same
 * core, REST API and built UI a user runs with `npm run serve`), started on a fresh data folder and
 * a free port for each test, and stopped after it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';
import { skipWithout } from '../helpers/system-services';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const START_TIMEOUT_MS = 45_000;

export type StockfeedServer = {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /**
   * The link the server prints, which signs the browser in (`…/#signin=<one-time code>`). It works
   * once; opening it again in the same browser finds the session already there.
   */
  signedInUrl: string;
  /** The API token, from the data folder's `api-token` file (the server no longer prints it). */
  token: string;
  dataDir: string;
};

/** Resolves with the first `…/#signin=…` URL the server prints, or rejects with its output. */
function waitForLink(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(`the server printed no #signin= link within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      reject(new Error(`Stockfeed server did not start: ${why}\n--- server output ---\n${output}`));
    }
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /http:\/\/\S+#signin=\S+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? `status ${code}`})`));
  });
}

/** Stops the server and everything it started (they share its process group). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 5_000))]);
  if (timedOut) {
    signalGroup('SIGKILL');
    await exited;
  }
}

/**
 * Marks the shop as set up (as the first-run screen does), so a test starts on the screen it opens
 * rather than on first run; the first-run tests set `shopSetUp: false`.
 */
async function completeSetup(origin: string, token: string): Promise<void> {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const current = (await (await fetch(`${origin}/api/v1/settings`, { headers })).json()) as Record<string, unknown>;
  const saved = await fetch(`${origin}/api/v1/settings`, { method: 'PUT', headers, body: JSON.stringify({ ...current, setupDone: true }) });
  if (!saved.ok) throw new Error(`could not complete the shop's setup: ${saved.status} ${await saved.text()}`);
}

/**
 * Fills the fresh data folder before the server starts (the 100,000-product benchmark imports a
 * CSV). An object, because Playwright would take a bare function in `test.use` for a fixture.
 */
export type SeedDataDir = { run(dataDir: string): Promise<void> } | null;

export const test = base.extend<{ server: StockfeedServer; shopSetUp: boolean; seedDataDir: SeedDataDir; needsChromium: void }>({
  // Every test here runs in Chromium: without it each one is skipped outside CI (and fails with
  // CI=true). Automatic fixtures are set up before the ones a test asks for, so no browser is
  // launched first.
  needsChromium: [
    async ({}, use, testInfo) => {
      const reason = skipWithout('chromium', 'end-to-end in Chromium (tests/e2e)');
      testInfo.skip(reason !== null, reason ?? '');
      await use();
    },
    { auto: true },
  ],
  shopSetUp: [true, { option: true }],
  seedDataDir: [null, { option: true }],
  // Playwright reads which fixtures a fixture needs from this pattern.
  server: async ({ shopSetUp, seedDataDir }, use) => {
    if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) {
      throw new Error('out/renderer is not built: run `npx electron-vite build` (npm test builds it first)');
    }
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-e2e-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    // A fresh SQLite file in the temp folder, and the token the server generates there.
    delete env.DATABASE_URL;
    delete env.STOCKFEED_API_TOKEN;
    if (seedDataDir) await seedDataDir.run(dataDir);
    // The server as `npm run serve` runs it: built (out/main/server.js, made by the build step
    // before these tests), under plain node.
    const serverJs = path.join(root, 'out', 'main', 'server.js');
    if (!fs.existsSync(serverJs)) throw new Error(`${serverJs} is missing: run \`npm run build\` first (\`npm test\` builds before these tests)`);
    const child = spawn(process.execPath, [serverJs, '--data', dataDir, '--port', '0', '--host', '127.0.0.1'], {
      cwd: root,
      env,
      // Its own process group, so stopping it stops anything it started too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const signedInUrl = await waitForLink(child);
      const url = new URL(signedInUrl);
      const token = fs.readFileSync(path.join(dataDir, 'api-token'), 'utf8').trim();
      if (shopSetUp) await completeSetup(url.origin, token);
      await use({ origin: url.origin, signedInUrl, token, dataDir });
    } finally {
      await stop(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';
