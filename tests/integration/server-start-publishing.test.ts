/**
 * The headless server at start: the UI's first requests and the API answer at once while the
 * publisher's start-up pass (a full read of the catalogue, seconds at 100,000 products) is still
 * running; publishing never holds them. The pass is held open by a slow stand-in
 * (fixtures/publish/hold-publisher.ts) until the test lets it go.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { tempDir } from '../helpers/core';
import { bulkInsertProducts } from '../fixtures/publish/helpers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = path.join(ROOT, 'electron/server/main.ts');
const HOLD = path.join(ROOT, 'tests/fixtures/publish/hold-publisher.ts');
const TOKEN = 'sf_test_start_0123456789abcdefghijklmnopqrstuvwxyz';
const PRODUCTS = 2_000;

describe('headless server: answers while the publisher builds its cache', () => {
  let dataDir: string;
  let child: ChildProcess | null = null;
  beforeAll(async () => {
    dataDir = tempDir('stockfeed-start-');
    const core = await openCore({ dataDir, expirySweepMs: 0 });
    try {
      await bulkInsertProducts(core, PRODUCTS);
    } finally {
      await core.close();
    }
  }, 120_000);
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists products and reports the publish status within 2 s of listening, the pass still running; publishes once it is let go', async () => {
    const gate = path.join(dataDir, 'let-publishing-go');
    const env: NodeJS.ProcessEnv = { ...process.env, STOCKFEED_API_TOKEN: TOKEN, STOCKFEED_TEST_PUBLISH_GATE: gate };
    delete env.DATABASE_URL;
    const server = spawn(process.execPath, ['--import', 'tsx', '--import', HOLD, SERVER, '--data', dataDir, '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      server.stdout?.on('data', onData);
      server.stderr?.on('data', onData);
      server.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
    });
    const listening = performance.now();
    const get = async (p: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const list = await get('/products?limit=5');
    expect(list.status).toBe(200);
    expect((list.body.products as unknown[]).length).toBe(5);
    const held = await get('/publish/status');
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ running: true, seq: null });
    expect((held.body.products as { total: number }).total).toBe(0);
    expect(performance.now() - listening).toBeLessThan(2_000);

    // Let the pass go: it publishes the catalogue, and the status says so.
    fs.writeFileSync(gate, '');
    const deadline = Date.now() + 60_000;
    let status = held.body;
    while (Date.now() < deadline && (status.running || status.seq === null)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await get('/publish/status')).body;
    }
    expect(status.running).toBe(false);
    expect(status.seq).not.toBeNull();
    expect((status.products as { total: number }).total).toBe(PRODUCTS);
    expect(fs.existsSync(path.join(dataDir, 'publish', 'google-merchant.xml'))).toBe(true);
  }, 120_000);
});
