/**
 * Proves the folder boundaries in eslint.config.js bite: each snippet is linted as if it lived in
 * the named folder, through ESLint's own Node API and the repository's real config.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The messages of one rule for `code` placed at `file` (a repository path; it need not exist). */
async function problems(file: string, code: string, ruleId = 'stockfeed/import-boundaries'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`could not parse the snippet for ${file}: ${fatal[0]?.message}`);
  return result.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

describe('shared/ imports only zod and shared/', () => {
  it.each([
    ["import fs from 'node:fs';", 'node:fs'],
    ["import path from 'path';", 'path'],
    ["import { app } from 'electron';", 'electron'],
    ["import { ref } from 'vue';", 'vue'],
    ["import { openCore } from '../../electron/core/core';", '../../electron/core/core'],
    ["export { createClient } from '../../renderer/src/api/client';", '../../renderer/src/api/client'],
  ])('reports %s', async (code, specifier) => {
    const found = await problems('shared/schemas/example.ts', code);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`'${specifier}' may not be imported in shared/`);
  });

  it('accepts zod and other shared files', async () => {
    expect(await problems('shared/schemas/example.ts', "import { z } from 'zod';\nimport { AppError } from '../errors';\nimport { sku } from '../domain/sku';\n")).toEqual([]);
  });
});

describe('renderer/ never imports electron/, Electron or Node built-ins', () => {
  it.each([
    "import { ipcRenderer } from 'electron';",
    "import fs from 'fs';",
    "import { readFile } from 'node:fs/promises';",
    "import { openCore } from '../../../electron/core/core';",
    "import { registerIpc } from '../../../electron/main/ipc';",
    "const core = await import('../../../electron/core/core');",
  ])('reports %s', async (code) => {
    expect(await problems('renderer/src/stores/example.ts', code)).toHaveLength(1);
  });

  it('checks the script block of single-file components too', async () => {
    const sfc = `<script setup lang="ts">\nimport fs from 'node:fs';\nconst size = fs.statSync('x').size;\n</script>\n<template><p>{{ size }}</p></template>\n`;
    expect(await problems('renderer/src/components/ExampleWidget.vue', sfc)).toHaveLength(1);
  });

  it('accepts shared/, its own files and web packages', async () => {
    const code = "import { contract } from '../../shared/contract';\nimport { createClient } from './api/client';\nimport { defineStore } from 'pinia';\n";
    expect(await problems('renderer/src/example.ts', code)).toEqual([]);
  });
});

describe('renderer screens and components reach the client only through a store', () => {
  it.each([
    ['renderer/src/components/ExampleWidget.vue', `<script setup lang="ts">\nimport { useClient } from '../api/app-api';\nconst client = useClient();\n</script>\n<template><p>{{ client }}</p></template>\n`],
    ['renderer/src/views/ExampleView.vue', `<script setup lang="ts">\nimport { useAppApi } from '../api/app-api';\nconst api = useAppApi();\n</script>\n<template><p>{{ api.mode }}</p></template>\n`],
    ['renderer/src/example-flow.ts', "import { useAppApi } from './api/app-api';"],
  ])('reports the client in %s', async (file, code) => {
    const found = await problems(file, code, 'stockfeed/layer-boundaries');
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('only stores hold the client');
  });

  it('accepts the client in stores, and error helpers and stores anywhere', async () => {
    expect(await problems('renderer/src/stores/example.ts', "import { useClient } from '../api/app-api';", 'stockfeed/layer-boundaries')).toEqual([]);
    const code = "import { describeError } from '../api/errors';\nimport { ClientError } from '../api/client';\nimport { useStockStore } from '../stores/stock';\n";
    expect(await problems('renderer/src/components/example.ts', code, 'stockfeed/layer-boundaries')).toEqual([]);
  });
});

describe('the core, the server and the CLI never import Electron or its hosts', () => {
  it.each([
    ['electron/core/example.ts', "import { app } from 'electron';"],
    ['electron/core/example.ts', "import type { WebPreferences } from 'electron';"],
    ['electron/core/example.ts', "const { app } = require('electron');"],
    ['electron/core/stock/example.ts', "import { registerIpc } from '../../main/ipc';"],
    ['electron/core/db/example.ts', "import { createMainWindow } from '../../../electron/main/window';"],
    ['electron/core/example.ts', "export * from '../preload/index';"],
    ['electron/core/example.ts', "import { createClient } from '../../renderer/src/api/client';"],
    ['electron/server/example.ts', "import { app } from 'electron';"],
    ['electron/server/example.ts', "import { autoUpdater } from 'electron-updater';"],
    ['electron/cli/example.ts', "const { dialog } = await import('electron');"],
    ['electron/cli/example.ts', "import { openExternal } from '../main/external-links';"],
  ])('%s: reports %s', async (file, code) => {
    expect(await problems(file, code)).toHaveLength(1);
  });

  it('accepts Node built-ins, packages, shared/ and the core', async () => {
    const code = "import fs from 'node:fs';\nimport knex from 'knex';\nimport { contract } from '../../shared/contract';\nimport { openCore } from '../core/core';\n";
    expect(await problems('electron/server/example.ts', code)).toEqual([]);
  });
});

describe('the core imports downward only, and never its composition root', () => {
  it.each([
    ['electron/core/stock/example.ts', "import { ProductService } from '../products/product-service';"],
    ['electron/core/locations/example.ts', "import type { StockService } from '../stock/stock-service';"],
    ['electron/core/util/example.ts', "import type { StockOp } from '../stock/stock-ops';"],
    ['electron/core/example.ts', "import { createStockEngine } from './stock/stock-engine';"],
    ['electron/core/products/example.ts', "import { importCatalogCsv } from '../catalog/csv-import';"],
    ['electron/core/publish/example.ts', "import type { SettingsService } from '../settings/settings-service';"],
    ['electron/core/stock/example.ts', "import type { Core } from '../core';"],
    ['electron/core/catalog/example.ts', "import { openCore } from '../core';"],
    ['electron/core/example.ts', "export type { Core } from './core';"],
  ])('%s: reports %s (upward)', async (file, code) => {
    const found = await problems(file, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('the core imports downward only');
  });

  it.each([
    ['electron/core/catalog/example.ts', "import { Publisher } from '../publish/publisher';"],
    ['electron/core/webhooks/example.ts', "import { OrderService } from '../channels/order-service';"],
    ['electron/core/auth/example.ts', "import type { SettingsService } from '../settings/settings-service';"],
  ])('%s: reports %s (a feature of the same layer)', async (file, code) => {
    expect(await problems(file, code)).toHaveLength(1);
  });

  it('accepts the layers below, its own folder, the base and shared/', async () => {
    const code = [
      "import { ProductService } from '../products/product-service';",
      "import type { StockWriteQueue } from '../stock/stock-ops';",
      "import { LocationDirectory } from '../locations/locations';",
      "import type { ExclusiveWriter } from '../write-queue';",
      "import { num } from '../util/db-helpers';",
      "import { appendChanges } from '../changes/change-log';",
      "import { CSV_COLUMNS } from './csv-columns';",
      "import { contract } from '../../../shared/contract';",
    ].join('\n');
    expect(await problems('electron/core/catalog/example.ts', code)).toEqual([]);
    expect(await problems('electron/core/settings/example.ts', "import { assertEngineAllowed } from '../publish/delivery/indexnow-config';")).toEqual([]);
  });

  it('lets core.ts, the composition root, import every feature', async () => {
    const code = "import { createCatalogHandlers } from './catalog/catalog-handlers';\nimport { SettingsService } from './settings/settings-service';\nimport { createAuthHandlers } from './auth/auth-handlers';\n";
    expect(await problems('electron/core/core.ts', code)).toEqual([]);
  });

  it('places a new folder in the base until it is given a layer', async () => {
    expect(await problems('electron/core/newthing/example.ts', "import { StockService } from '../stock/stock-service';")).toHaveLength(1);
    expect(await problems('electron/core/newthing/example.ts', "import { num } from '../util/db-helpers';")).toEqual([]);
  });
});

describe('the core knows nothing of its hosts or of HTTP servers', () => {
  it.each([
    ['electron/core/stock/example.ts', "import { createApiServer } from '../../server/http/server';"],
    ['electron/core/example.ts', "import { runCli } from '../cli/run';"],
    ['electron/core/catalog/example.ts', "import type { FastifyInstance } from 'fastify';"],
    ['electron/core/publish/example.ts', "import fastifyStatic from '@fastify/static';"],
    ['electron/core/changes/example.ts', "import type { ServerResponse } from 'node:http';"],
    ['electron/core/example.ts', "import { createServer } from 'https';"],
    ['electron/core/core.ts', "import { createApiServer } from '../server/http/server';"],
  ])('%s: reports %s', async (file, code) => {
    expect(await problems(file, code)).toHaveLength(1);
  });

  it('lets core/net, the one way out, use node:http and node:https as a client', async () => {
    expect(await problems('electron/core/net/outbound.ts', "import http from 'node:http';\nimport https from 'node:https';\n")).toEqual([]);
  });
});

describe('electron/preload/ imports only electron and shared/operation-names', () => {
  it.each([
    "import { contract } from '../../shared/contract';",
    "import type { StockfeedBridge } from '../../shared/bridge';",
    "import { z } from 'zod';",
    "import fs from 'node:fs';",
    "import { openCore } from '../core/core';",
  ])('reports %s', async (code) => {
    expect(await problems('electron/preload/index.ts', code)).toHaveLength(1);
  });

  it('accepts electron and the operation names', async () => {
    const code = "import { contextBridge, ipcRenderer } from 'electron';\nimport { ipcChannel, OPERATION_NAMES } from '../../shared/operation-names';\n";
    expect(await problems('electron/preload/index.ts', code)).toEqual([]);
  });
});

describe('electron/main/ reaches the page only over IPC', () => {
  it('reports an import of the renderer', async () => {
    expect(await problems('electron/main/example.ts', "import { createClient } from '../../renderer/src/api/client';")).toHaveLength(1);
  });

  it('accepts Electron, the core and shared/', async () => {
    const code = "import { app } from 'electron';\nimport { openCore } from '../core/core';\nimport { contract } from '../../shared/contract';\n";
    expect(await problems('electron/main/example.ts', code)).toEqual([]);
  });
});

describe('links leave the app only through electron/main/external-links.ts', () => {
  it.each([
    ['electron/main/window.ts', "import { shell } from 'electron';\nvoid shell.openExternal('https://example.com');\n"],
    ['electron/main/example.ts', "import { shell } from 'electron';\nconst { openExternal } = shell;\nvoid openExternal('file:///etc/passwd');\n"],
    ['electron/main/example.ts', "import electron from 'electron';\nvoid electron.shell['openExternal']('https://example.com');\n"],
    ['renderer/src/example.ts', "declare const shell: { openExternal(url: string): void };\nshell.openExternal('https://example.com');\n"],
  ])('%s: reports a raw openExternal call', async (file, code) => {
    expect(await problems(file, code, 'no-restricted-syntax')).toHaveLength(1);
  });

  it('allows the call inside the helper itself', async () => {
    const code = "import { shell } from 'electron';\nexport async function openExternal(url: string) { await shell.openExternal(url); }\n";
    expect(await problems('electron/main/external-links.ts', code, 'no-restricted-syntax')).toEqual([]);
  });
});

describe('the core calls URLs only through electron/core/net/outbound.ts', () => {
  it.each([
    ['electron/core/webhooks/example.ts', "await fetch('http://169.254.169.254/latest/meta-data/');\n", 'no-restricted-globals'],
    ['electron/core/publish/delivery/example.ts', "const response = await globalThis.fetch('https://api.indexnow.org/indexnow');\nexport { response };\n", 'no-restricted-properties'],
    ['electron/core/webhooks/example.ts', "import http from 'node:http';\nhttp.request('http://127.0.0.1/').end();\n", '@typescript-eslint/no-restricted-imports'],
    ['electron/server/example.ts', "import { request } from 'https';\nrequest('https://10.0.0.1/').end();\n", '@typescript-eslint/no-restricted-imports'],
    ['electron/cli/example.ts', "import { fetch } from 'undici';\nawait fetch('http://localhost/');\n", '@typescript-eslint/no-restricted-imports'],
  ])('%s: reports a raw request', async (file, code, rule) => {
    expect(await problems(file, code, rule)).toHaveLength(1);
  });

  it('allows type imports, and the raw calls inside the helper itself', async () => {
    expect(await problems('electron/core/events/example.ts', "import type { ServerResponse } from 'node:http';\nexport type R = ServerResponse;\n", '@typescript-eslint/no-restricted-imports')).toEqual([]);
    expect(await problems('electron/core/net/outbound.ts', "import http from 'node:http';\nhttp.request('http://x/').end();\n", '@typescript-eslint/no-restricted-imports')).toEqual([]);
  });
});
