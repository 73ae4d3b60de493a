/**
 * Security regression: the API token file. Rotation replaces it durably (fsync before rename, then
 * the folder), and a missing or damaged file is reported with the file and the fix, never silently
 * replaced by a new token. The CLI's `token --new` is the way back; the headless server prints the
 * message and exits non-zero.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { TokenFileError } from '../../electron/core/auth/token';
import { startCore, tempDir, type TestCore } from '../helpers/core';

const ROOT = path.resolve('.');

/**
 * Runs the headless server in a process group of its own; if it is still running after `ms` (it
 * started instead of refusing), the whole group is stopped, so no server is left behind.
 */
function runServer(args: string[], env: NodeJS.ProcessEnv, ms: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/server/main.ts', ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), ms);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the API token file', () => {
  const envBefore = process.env.STOCKFEED_API_TOKEN;
  const opened: TestCore[] = [];
  const dirs: string[] = [];
  const dataDir = () => {
    const d = tempDir('stockfeed-token-');
    dirs.push(d);
    return d;
  };
  const open = async (dir: string) => {
    const core = await startCore('sqlite', { dataDir: dir });
    opened.push(core);
    return core;
  };
  /** A data folder whose server has issued its token, then stopped. */
  const usedFolder = async () => {
    const dir = dataDir();
    const core = await startCore('sqlite', { dataDir: dir });
    const token = core.tokens.current();
    await core.close();
    return { dir, token, file: path.join(dir, 'api-token') };
  };
  delete process.env.STOCKFEED_API_TOKEN;
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.STOCKFEED_API_TOKEN;
  });
  afterAll(async () => {
    for (const core of opened) await core.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    if (envBefore !== undefined) process.env.STOCKFEED_API_TOKEN = envBefore;
  });

  it('rotation writes a temporary file, fsyncs it, renames it over the token, then fsyncs the folder', async () => {
    const core = await open(dataDir());
    core.tokens.current();
    const calls: string[] = [];
    const fds = new Map<number, string>();
    const openSync = fs.openSync;
    vi.spyOn(fs, 'openSync').mockImplementation((file, flags, mode) => {
      const fd = openSync(file, flags, mode);
      fds.set(fd, String(file));
      return fd;
    });
    const fsyncSync = fs.fsyncSync;
    vi.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
      calls.push(`fsync ${path.basename(fds.get(fd) ?? '?')}`);
      fsyncSync(fd);
    });
    const renameSync = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      calls.push(`rename ${path.basename(String(from)).replace(/-\d+-[0-9a-f]+$/, '')} ${path.basename(String(to))}`);
      renameSync(from, to);
    });
    const { token } = core.tokens.rotate();
    vi.restoreAllMocks();
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatch(/^fsync \.api-token\.tmp-\d+-[0-9a-f]{8}$/);
    expect(calls.slice(1)).toEqual(['rename .api-token.tmp api-token', `fsync ${path.basename(core.dataDir)}`]);
    expect(fs.readFileSync(path.join(core.dataDir, 'api-token'), 'utf8')).toBe(`${token}\n`);
    expect(fs.readdirSync(core.dataDir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['cut short', 'Zx9'],
    ['whitespace only', '   \n'],
    ['garbage', 'this is not a token at all\n'],
  ])('refuses a %s token file with the file and the fix, and leaves it as it is', async (_what, content) => {
    const { dir, file } = await usedFolder();
    fs.writeFileSync(file, content);
    const core = await open(dir);
    let error: unknown;
    try {
      core.tokens.current();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('does not hold a valid token');
    expect((error as Error).message).toContain('npm run cli -- token --new');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });

  it('refuses a missing token file in a data folder that had one, and does not make a new one', async () => {
    const { dir, file } = await usedFolder();
    fs.rmSync(file);
    const core = await open(dir);
    expect(() => core.tokens.current()).toThrow(TokenFileError);
    expect(() => core.tokens.current()).toThrow(/is missing, though this data folder had one/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('issues a token for a data folder that never had one, also one an earlier version or the desktop app used without a server', async () => {
    const dir = dataDir();
    const first = await startCore('sqlite', { dataDir: dir });
    await first.call('settings.update', { ...(await first.call('settings.get', {})), shopName: 'Desktop only' });
    await first.close();
    const core = await open(dir);
    const token = core.tokens.current();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(dir, 'api-token'), 'utf8').trim()).toBe(token);
  });

  it('notices a lost token file of an install whose token an earlier version wrote (no record yet)', async () => {
    const dir = dataDir();
    const first = await startCore('sqlite', { dataDir: dir });
    await first.close();
    // Written the way earlier versions did, without recording it in the database.
    fs.writeFileSync(path.join(dir, 'api-token'), 'old-version-token-0123456789abcdef\n', { mode: 0o600 });
    const second = await startCore('sqlite', { dataDir: dir });
    expect(second.tokens.current()).toBe('old-version-token-0123456789abcdef');
    await second.close();
    fs.rmSync(path.join(dir, 'api-token'));
    const third = await open(dir);
    expect(() => third.tokens.current()).toThrow(/is missing/);
  });

  it('keeps STOCKFEED_API_TOKEN first: a damaged file does not matter then', async () => {
    const { dir, file } = await usedFolder();
    fs.writeFileSync(file, '');
    process.env.STOCKFEED_API_TOKEN = 'env-token-0123456789abcdef';
    const core = await open(dir);
    expect(core.tokens.current()).toBe('env-token-0123456789abcdef');
  });

  it('`npm run cli -- token` prints the token; `token --new` is the way back after the file was lost', async () => {
    const { dir, token, file } = await usedFolder();
    const shown = await cli('token', '--data', dir);
    expect(shown).toMatchObject({ code: 0, out: token });

    fs.rmSync(file);
    const refused = await cli('token', '--data', dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`The API token file ${file} is missing`);

    const fresh = await cli('token', '--new', '--data', dir);
    expect(fresh.code).toBe(0);
    expect(fresh.out).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh.err).toContain(`A new API token is in ${file}`);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(fresh.out);
    const core = await open(dir);
    expect(core.tokens.current()).toBe(fresh.out);

    expect((await cli('check', '--new', '--data', dir)).code).toBe(2);
    expect((await cli('token', 'extra', '--data', dir)).code).toBe(2);
  });

  it('the headless server prints the message and exits 1 (no stack trace) when the token file is damaged', async () => {
    const { dir, file } = await usedFolder();
    fs.writeFileSync(file, 'short\n');
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.STOCKFEED_API_TOKEN;
    const result = await runServer(['--data', dir, '--port', '0'], env, 30_000);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`The API token file ${file} does not hold a valid token`);
    expect(result.stderr).toContain('npm run cli -- token --new');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(file, 'utf8')).toBe('short\n');
  });
});
