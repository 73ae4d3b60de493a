/**
 * The IPC edge of the desktop shell, without Electron: `electron` is replaced by a recorder of
 * ipcMain.handle / contextBridge calls, and the handlers run against a real core on SQLite.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../shared/contract';
import { BRIDGE_GLOBAL, SHELL_BRIDGE_NAMES } from '../../shared/bridge';
import { ipcChannel, OPERATION_NAMES, SHELL_CHANNELS } from '../../shared/operation-names';
import type { Change } from '../../shared/schemas/changes';
import { ChangeBus } from '../../electron/core/changes/change-log';
import { dispatchOperation, INTERNAL_ERROR } from '../../electron/main/ipc-dispatch';
import { resolveAppPage } from '../../electron/main/url-policy';
import type { Logger } from '../../electron/core/logger';
import { productInput, startCore, type TestCore } from '../helpers/core';

type InvokeHandler = (event: { senderFrame: { url: string; parent: unknown } | null }, input: unknown) => unknown;

const electron = vi.hoisted(() => ({
  handlers: new Map<string, InvokeHandler>(),
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<{ channel: string; input: unknown }>,
  listeners: new Map<string, Set<(event: unknown, payload: unknown) => void>>(),
}));

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: InvokeHandler) => {
      if (electron.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      electron.handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => electron.handlers.delete(channel),
  },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, input: unknown) => {
      electron.invoked.push({ channel, input });
      return { ok: true, value: channel };
    },
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      const set = electron.listeners.get(channel) ?? new Set();
      set.add(listener);
      electron.listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      electron.listeners.get(channel)?.delete(listener);
    },
  },
}));

function recordingLogger(): Logger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return { errors, warnings, info() {}, warn: (m) => warnings.push(m), error: (m) => errors.push(m) };
}

const rendererDir = path.join('/opt/stockfeed', 'out', 'renderer');
const page = resolveAppPage({ rendererDir, isPackaged: true });
const appFrame = { url: `${pathToFileURL(path.join(rendererDir, 'index.html')).href}#/products`, parent: null };

let core: TestCore;

beforeAll(async () => {
  core = await startCore('sqlite');
});

afterAll(async () => {
  await core?.cleanup();
});

describe('dispatchOperation', () => {
  it('parses the input and answers with the handler value as plain JSON', async () => {
    const log = recordingLogger();
    const result = await dispatchOperation(core.handlers, 'products.create', productInput('IPC-1', { price: '12.50' }), log);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ sku: 'IPC-1', price: '12.50' });
    expect(JSON.parse(JSON.stringify(result.value))).toEqual(result.value);
  });

  it('turns bad input into validation_failed naming the field, and changes nothing', async () => {
    const log = recordingLogger();
    const result = await dispatchOperation(core.handlers, 'products.create', { sku: 'IPC-2', title: 'No price', price: 'twelve' }, log);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation_failed');
    expect(result.error.details).toMatchObject({ issues: [expect.objectContaining({ path: 'price' })] });
    const lookup = await dispatchOperation(core.handlers, 'products.get', { idOrSku: 'IPC-2' }, log);
    expect(lookup).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(log.errors).toEqual([]);
  });

  it('passes expected failures through with their code', async () => {
    const result = await dispatchOperation(core.handlers, 'stock.get', { sku: 'NO-SUCH-SKU' }, recordingLogger());
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('hides an unexpected error behind a generic internal error and logs it', async () => {
    const log = recordingLogger();
    const broken = {
      ...core.handlers,
      'settings.get': async () => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed at /home/ann/stock.db');
      },
    } as Handlers;
    const result = await dispatchOperation(broken, 'settings.get', {}, log);
    expect(result).toEqual({ ok: false, error: INTERNAL_ERROR });
    expect(JSON.stringify(result)).not.toContain('SQLITE');
    expect(log.errors.join('\n')).toContain('SQLITE_CORRUPT');
  });
});

describe('registerIpc', () => {
  let unregister: () => void;

  beforeAll(async () => {
    const { registerIpc } = await import('../../electron/main/ipc');
    unregister = registerIpc(core.handlers, page, recordingLogger());
  });

  it('registers exactly one channel per contract operation', () => {
    expect([...electron.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map(ipcChannel).sort());
  });

  it('answers calls from the app page', async () => {
    const handler = electron.handlers.get(ipcChannel('settings.get'));
    const result = await handler?.({ senderFrame: appFrame }, {});
    expect(result).toMatchObject({ ok: true, value: expect.objectContaining({ currency: expect.any(String) }) });
  });

  it('exploit: a page the window was navigated to cannot call the core', async () => {
    const handler = electron.handlers.get(ipcChannel('products.create'));
    const result = await handler?.({ senderFrame: { url: 'https://attacker.example/', parent: null } }, productInput('EVIL-1'));
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const lookup = await dispatchOperation(core.handlers, 'products.get', { idOrSku: 'EVIL-1' }, recordingLogger());
    expect(lookup).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('exploit: an iframe inside the app page cannot call the core', async () => {
    const handler = electron.handlers.get(ipcChannel('settings.get'));
    const result = await handler?.({ senderFrame: { url: appFrame.url, parent: appFrame } }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('rejects a call whose frame is already gone', async () => {
    const handler = electron.handlers.get(ipcChannel('settings.get'));
    expect(await handler?.({ senderFrame: null }, {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('removes every handler again', () => {
    unregister();
    expect(electron.handlers.size).toBe(0);
  });
});

describe('preload bridge', () => {
  it(`exposes window.${BRIDGE_GLOBAL} with one function per operation, the shell's fixed calls and nothing else`, async () => {
    await import('../../electron/preload/index');
    const bridge = electron.exposed.get(BRIDGE_GLOBAL) as Record<string, (input: unknown) => Promise<unknown>>;
    expect([...electron.exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    expect(Object.keys(bridge).sort()).toEqual([...OPERATION_NAMES, ...SHELL_BRIDGE_NAMES].sort());
    expect(bridge).not.toHaveProperty('on');
    expect(bridge).not.toHaveProperty('send');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(bridge).not.toHaveProperty('invoke');
  });

  it("sends each call on its own operation's channel only", async () => {
    const bridge = electron.exposed.get(BRIDGE_GLOBAL) as Record<string, (input: unknown) => Promise<unknown>>;
    electron.invoked.length = 0;
    for (const name of OPERATION_NAMES) await bridge[name]?.({ probe: name });
    expect(electron.invoked).toEqual(OPERATION_NAMES.map((name) => ({ channel: ipcChannel(name), input: { probe: name } })));
  });
});

describe('preload shell calls', () => {
  type ShellBridge = {
    onChanges(callback: unknown): () => void;
    onNavigate(callback: unknown): () => void;
    openPublishFolder(): Promise<unknown>;
  };
  const bridge = () => electron.exposed.get(BRIDGE_GLOBAL) as unknown as ShellBridge;

  it('onChanges listens on the one changes channel, hands over only the payload, and unsubscribes', () => {
    const received: unknown[] = [];
    const stop = bridge().onChanges((payload: unknown) => received.push(payload));
    const listeners = [...(electron.listeners.get(SHELL_CHANNELS.changes) ?? [])];
    expect(listeners).toHaveLength(1);
    const fakeEvent = { sender: { secret: 'ipcRenderer' } };
    listeners[0]?.(fakeEvent, [{ seq: 1 }]);
    expect(received).toEqual([[{ seq: 1 }]]);
    stop();
    expect(electron.listeners.get(SHELL_CHANNELS.changes)?.size).toBe(0);
  });

  it('onNavigate listens on the navigate channel only', () => {
    const stop = bridge().onNavigate(() => undefined);
    expect(electron.listeners.get(SHELL_CHANNELS.navigate)?.size).toBe(1);
    expect(electron.listeners.get(SHELL_CHANNELS.changes)?.size ?? 0).toBe(0);
    stop();
  });

  it('refuses a callback that is not a function', () => {
    expect(() => bridge().onChanges('alert(1)')).toThrow(TypeError);
  });

  it('openPublishFolder invokes its fixed channel with no argument the page could choose', async () => {
    electron.invoked.length = 0;
    await bridge().openPublishFolder();
    expect(electron.invoked).toEqual([{ channel: SHELL_CHANNELS.openPublishFolder, input: undefined }]);
  });
});

describe('shell IPC in main', () => {
  const change = (seq: number): Change => ({ seq, type: 'stock.changed', sku: 'A', productId: null, payload: {}, createdAt: '2026-11-26T00:00:00.000Z' });

  it('pushes committed changes to the page on the changes channel, in chunks, and stops', async () => {
    const { pushChanges, PUSH_CHUNK } = await import('../../electron/main/ipc');
    const bus = new ChangeBus();
    const sent: Array<{ channel: string; payload: unknown }> = [];
    const contents = { send: (channel: string, payload: unknown) => sent.push({ channel, payload }), isDestroyed: () => false };
    const stop = pushChanges(bus, () => contents);
    bus.emit([change(1), change(2)]);
    expect(sent).toEqual([{ channel: SHELL_CHANNELS.changes, payload: [change(1), change(2)] }]);
    sent.length = 0;
    bus.emit(Array.from({ length: PUSH_CHUNK + 1 }, (_, i) => change(10 + i)));
    expect(sent.map((m) => (m.payload as Change[]).length)).toEqual([PUSH_CHUNK, 1]);
    stop();
    sent.length = 0;
    bus.emit([change(5000)]);
    expect(sent).toEqual([]);
  });

  it('drops a push when there is no page (the page catches up from the log itself)', async () => {
    const { pushChanges } = await import('../../electron/main/ipc');
    const bus = new ChangeBus();
    pushChanges(bus, () => null);
    const destroyed = { send: () => { throw new Error('sent to a destroyed page'); }, isDestroyed: () => true };
    pushChanges(bus, () => destroyed);
    expect(() => bus.emit([change(1)])).not.toThrow();
  });

  it('opens the configured publish folder (created first), never one from the page', async () => {
    const { registerShellIpc } = await import('../../electron/main/ipc');
    const folder = path.join(core.dataDir, 'publish-here');
    const opened: string[] = [];
    const remove = registerShellIpc({
      page,
      log: recordingLogger(),
      publishFolder: () => folder,
      openPath: async (dir) => {
        opened.push(dir);
        return '';
      },
    });
    const handler = electron.handlers.get(SHELL_CHANNELS.openPublishFolder);
    const result = await handler?.({ senderFrame: appFrame }, '/etc');
    expect(result).toEqual({ ok: true, value: { path: folder } });
    expect(opened).toEqual([folder]);
    const fs = await import('node:fs');
    expect(fs.existsSync(folder)).toBe(true);

    const refused = await handler?.({ senderFrame: { url: 'https://attacker.example/', parent: null } }, undefined);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(opened).toHaveLength(1);
    remove();
    expect(electron.handlers.has(SHELL_CHANNELS.openPublishFolder)).toBe(false);
  });

  it("says why when the file manager cannot open the folder", async () => {
    const { openPublishFolder } = await import('../../electron/main/ipc');
    const result = await openPublishFolder({ publishFolder: () => core.dataDir, openPath: async () => 'No application is registered', log: recordingLogger() });
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('No application is registered') } });
  });
});
