/**
 * Security regressions of the desktop shell, under plain Node: Electron's fuses in the packaging
 * configuration, the session's permission handlers (checks as well as requests), and opening the
 * publish folder, which must only ever open a folder, never a program or an app bundle.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../electron/core/logger';
import { ALLOWED_PERMISSIONS, installPermissionHandlers, type PermissionSession } from '../../electron/main/permissions';
import { resolveAppPage } from '../../electron/main/url-policy';

vi.mock('electron', () => ({ ipcMain: { handle() {}, removeHandler() {} } }));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe("Electron's fuses (electron-builder.yml)", () => {
  type Config = Record<string, unknown> & { electronFuses?: Record<string, unknown> | null };
  /** electron-builder's own loader and schema check, as `npm run package` runs them. */
  const builder = require('app-builder-lib/out/util/config/config') as {
    getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>;
    validateConfiguration(config: Config, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown };
  const loaded = builder.getConfig(root, null, null);

  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableCookieEncryption', true],
    ['onlyLoadAppFromAsar', true],
    ['enableEmbeddedAsarIntegrityValidation', true],
  ])('sets %s to %s', async (fuse, value) => {
    expect((await loaded).electronFuses?.[fuse]).toBe(value);
  });

  it("passes electron-builder's schema (which refuses a misspelt fuse) and keeps the app in an asar archive", async () => {
    const config = await loaded;
    await expect(builder.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsNodeJs: false } };
    await expect(builder.validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/does not match the API schema/);
    // onlyLoadAppFromAsar needs the app packed into app.asar (electron-builder's default).
    expect(config.asar).not.toBe(false);
  });
});

describe('permission handlers', () => {
  const rendererDir = path.join('/opt/stockfeed', 'out', 'renderer');
  const page = resolveAppPage({ rendererDir, isPackaged: true });
  const pageUrl = `${pathToFileURL(path.join(rendererDir, 'index.html')).href}#/settings`;

  function install() {
    type Check = Parameters<PermissionSession['setPermissionCheckHandler']>[0];
    type Request = Parameters<PermissionSession['setPermissionRequestHandler']>[0];
    const handlers: { check?: Check; request?: Request } = {};
    const session: PermissionSession = {
      setPermissionCheckHandler: (h) => void (handlers.check = h),
      setPermissionRequestHandler: (h) => void (handlers.request = h),
    };
    const log = recordingLogger();
    installPermissionHandlers(session, page, log);
    const check = (permission: string, url = pageUrl, isMainFrame = true) =>
      handlers.check?.(null, permission as never, new URL(url).origin, { requestingUrl: url, isMainFrame });
    const request = (permission: string, url = pageUrl, isMainFrame = true) =>
      new Promise<boolean>((resolve) => handlers.request?.({} as never, permission as never, resolve, { requestingUrl: url, isMainFrame }));
    return { handlers, check, request, log };
  }

  it('installs a check handler beside the request handler', () => {
    const { handlers } = install();
    expect(typeof handlers.check).toBe('function');
    expect(typeof handlers.request).toBe('function');
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'midiSysex', 'fileSystem', 'storage-access', 'unknown'])(
    'denies %s, checked or requested, even to the app page',
    async (permission) => {
      const { check, request } = install();
      expect(check(permission)).toBe(false);
      expect(await request(permission)).toBe(false);
    },
  );

  it("allows only what the app uses (copying a new API token) and only to the app's own top frame", async () => {
    expect([...ALLOWED_PERMISSIONS]).toEqual(['clipboard-sanitized-write']);
    const { check, request, log } = install();
    expect(check('clipboard-sanitized-write')).toBe(true);
    expect(await request('clipboard-sanitized-write')).toBe(true);
    expect(check('clipboard-sanitized-write', 'https://attacker.example/')).toBe(false);
    expect(await request('clipboard-sanitized-write', 'https://attacker.example/')).toBe(false);
    expect(check('clipboard-sanitized-write', pageUrl, false)).toBe(false);
    expect(await request('clipboard-sanitized-write', pathToFileURL('/tmp/other.html').href)).toBe(false);
    expect(log.warnings.some((w) => w.includes('clipboard-sanitized-write'))).toBe(true);
  });
});

describe('openPublishFolder', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-open-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function open(folder: string) {
    const { openPublishFolder } = await import('../../electron/main/ipc');
    const opened: string[] = [];
    const result = await openPublishFolder({
      publishFolder: () => folder,
      openPath: async (p) => {
        opened.push(p);
        return '';
      },
      log: recordingLogger(),
    });
    return { result, opened };
  }

  it('opens a plain folder (by its real path), creating it when no publish has run yet', async () => {
    const base = tmp();
    const folder = path.join(base, 'feeds');
    const { result, opened } = await open(folder);
    expect(result).toEqual({ ok: true, value: { path: fs.realpathSync(folder) } });
    expect(opened).toEqual([fs.realpathSync(folder)]);
  });

  it('refuses a file, an executable and an app bundle, and opens nothing', async () => {
    const base = tmp();
    const file = path.join(base, 'google-merchant.xml');
    fs.writeFileSync(file, '<rss/>');
    const program = path.join(base, 'run-me');
    fs.writeFileSync(program, '#!/bin/sh\necho owned\n', { mode: 0o755 });
    const bundle = path.join(base, 'Foo.app');
    fs.mkdirSync(path.join(bundle, 'Contents', 'MacOS'), { recursive: true });
    const exeFolder = path.join(base, 'setup.exe');
    fs.mkdirSync(exeFolder);
    const link = path.join(base, 'publish-link');
    fs.symlinkSync(bundle, link);
    for (const [target, why] of [
      [file, 'not a folder'],
      [program, 'not a folder'],
      [bundle, 'an app or a program'],
      [exeFolder, 'an app or a program'],
      [link, 'an app or a program'],
    ] as const) {
      const { result, opened } = await open(target);
      expect(result, target).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(why) } });
      expect(opened, target).toEqual([]);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('<rss/>');
  });
});
