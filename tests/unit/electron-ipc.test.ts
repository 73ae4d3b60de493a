/**
 * The IPC edge of the desktop shell, without Electron: `electron` is replaced by a recorder of
 * ipcMain.handle / contextBridge calls, and the handlers run against a real core on SQLite.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../shared/contract';
import { BRIDGE_GLOBAL } from '../../shared/bridge';
import { ipcChannel, OPERATION_NAMES } from '../../shared/operation-names';
import { dispatchOperation, INTERNAL_ERROR } from '../../electron/main/ipc-dispatch';
import { resolveAppPage } from '../../electron/main/url-policy';
import type { Logger } from '../../electron/core/db/migrate';
import { productInput, startCore, type TestCore } from '../helpers/core';

type InvokeHandler = (event: { senderFrame: { url: string; parent: unknown } | null }, input: unknown) => unknown;

const electron = vi.hoisted(() => ({
  handlers: new Map<string, InvokeHandler>(),
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<{ channel: string; input: unknown }>,
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
  it(`exposes window.${BRIDGE_GLOBAL} with one function per operation and nothing else`, async () => {
    await import('../../electron/preload/index');
    const bridge = electron.exposed.get(BRIDGE_GLOBAL) as Record<string, (input: unknown) => Promise<unknown>>;
    expect([...electron.exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    expect(Object.keys(bridge).sort()).toEqual([...OPERATION_NAMES].sort());
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
