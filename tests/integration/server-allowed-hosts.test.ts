/**
 * The headless server's --allowed-hosts flag and STOCKFEED_ALLOWED_HOSTS, end to end: the server
 * started from source answers to the listed names and to addresses, and 421 to any other Host.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/core';
import { rawRequest } from '../helpers/raw-http';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = path.join(ROOT, 'electron/server/main.ts');

function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  delete env.STOCKFEED_API_TOKEN;
  return env;
}

/** Starts the server on a free port and resolves with that port once it prints its address. */
function start(args: string[], env: NodeJS.ProcessEnv, children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
}

const health = (port: number, host: string) => rawRequest(port, { method: 'GET', path: '/api/v1/health', headers: { host } });

describe('headless server: --allowed-hosts', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = tempDir('stockfeed-hosts-');
    dirs.push(dir);
    return dir;
  };

  it('answers the names given by the flag (which wins over the environment) and 421 to others', async () => {
    const port = await start(['--data', dataDir(), '--allowed-hosts', 'stock.example.com,shop.example.com'], serverEnv({ STOCKFEED_ALLOWED_HOSTS: 'env.example.com' }), children);
    expect((await health(port, `stock.example.com:${port}`)).status).toBe(200);
    expect((await health(port, 'shop.example.com')).status).toBe(200);
    expect((await health(port, `127.0.0.1:${port}`)).status).toBe(200);
    expect((await health(port, `localhost:${port}`)).status).toBe(200);
    expect((await health(port, 'env.example.com')).status).toBe(421);
    const rebound = await health(port, `evil.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body).error.code).toBe('misdirected_request');
  });

  it('reads STOCKFEED_ALLOWED_HOSTS without the flag', async () => {
    const port = await start(['--data', dataDir()], serverEnv({ STOCKFEED_ALLOWED_HOSTS: 'env.example.com' }), children);
    expect((await health(port, 'env.example.com')).status).toBe(200);
    expect((await health(port, 'stock.example.com')).status).toBe(421);
  });

  it('refuses a value that is not a host name, and documents the flag in --help', () => {
    const bad = spawnSync(process.execPath, ['--import', 'tsx', SERVER, '--data', dataDir(), '--allowed-hosts', 'https://stock.example.com'], { cwd: ROOT, env: serverEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--allowed-hosts: "https://stock.example.com" is not a host name');
    const help = spawnSync(process.execPath, ['--import', 'tsx', SERVER, '--help'], { cwd: ROOT, env: serverEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--allowed-hosts NAMES');
    expect(help.stdout).toContain('STOCKFEED_ALLOWED_HOSTS');
  });
});
