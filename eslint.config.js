/**
 * Lint rules, including the folder boundaries of STYLE.md ("folders by runtime, enforced by
 * tooling"). tests/unit/import-boundaries.test.ts proves each boundary reports a violation.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = new Set(builtinModules);
const SOURCE_EXTENSION = /\.(?:ts|mts|cts|js|mjs|cjs|vue)$/;

/**
 * What an import specifier points at: a repository path (relative specifiers resolved against the
 * importing file, so `../../main/x` and `../main/x` are judged by where they land, which
 * `no-restricted-imports` patterns cannot do) or a package name.
 */
function importTarget(specifier, filename, root) {
  const bare = specifier.replace(/[?#].*$/, '');
  if (bare.startsWith('.') || bare.startsWith('/')) {
    const absolute = path.resolve(path.dirname(filename), bare);
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    return { kind: 'path', path: relative.replace(SOURCE_EXTENSION, '') };
  }
  const parts = bare.split('/');
  const name = bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (bare.startsWith('node:') || NODE_BUILTINS.has(name)) {
    // `http`, `node:http` and `node:http/…` are all node:http.
    return { kind: 'package', name: 'node:builtin', builtin: `node:${name.replace(/^node:/, '')}` };
  }
  return { kind: 'package', name };
}

/** `entry` names a folder (`shared`) or a module (`shared/operation-names`). */
function pathMatches(target, entry) {
  return target === entry || target.startsWith(`${entry}/`);
}

/** `entry` names a package (`fastify`), a scope (`@fastify`), every built-in (`node:builtin`) or one (`node:http`). */
function packageMatches(target, entry) {
  if (target.builtin !== undefined && entry === target.builtin) return true;
  return target.name === entry || target.name.startsWith(`${entry}/`);
}

/**
 * stockfeed/import-boundaries: per folder, either an allow-list (`allow`: only these packages and
 * repository paths) or a deny-list (`deny`). Package `node:builtin` stands for every Node built-in
 * module, with or without the `node:` prefix; `node:http` for that one only.
 */
const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Which folder may import which (folders are sorted by the runtime they need).' },
    schema: [
      {
        type: 'object',
        properties: {
          folder: { type: 'string' },
          why: { type: 'string' },
          allow: {
            type: 'object',
            properties: { packages: { type: 'array', items: { type: 'string' } }, paths: { type: 'array', items: { type: 'string' } } },
            additionalProperties: false,
          },
          deny: {
            type: 'object',
            properties: { packages: { type: 'array', items: { type: 'string' } }, paths: { type: 'array', items: { type: 'string' } } },
            additionalProperties: false,
          },
        },
        required: ['folder', 'why'],
        additionalProperties: false,
      },
    ],
    messages: { forbidden: "'{{specifier}}' may not be imported in {{folder}}: {{why}}" },
  },
  create(context) {
    const { folder, why, allow, deny } = context.options[0];
    const root = context.cwd;

    function isForbidden(target) {
      if (allow) {
        const allowed =
          target.kind === 'package'
            ? (allow.packages ?? []).some((entry) => packageMatches(target, entry))
            : (allow.paths ?? []).some((entry) => pathMatches(target.path, entry));
        if (!allowed) return true;
      }
      if (deny) {
        return target.kind === 'package'
          ? (deny.packages ?? []).some((entry) => packageMatches(target, entry))
          : (deny.paths ?? []).some((entry) => pathMatches(target.path, entry));
      }
      return false;
    }

    function check(node, source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      if (isForbidden(importTarget(source.value, context.filename, root))) {
        context.report({ node: source, messageId: 'forbidden', data: { specifier: source.value, folder, why } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportEqualsDeclaration: (node) => check(node, node.moduleReference.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
      },
    };
  },
};

/**
 * stockfeed/layer-boundaries: the same check, for layers inside one runtime folder (the renderer's
 * screens → stores → client), so it can sit on top of that folder's import-boundaries zone.
 */
const stockfeedPlugin = { rules: { 'import-boundaries': importBoundaries, 'layer-boundaries': importBoundaries } };

function boundary(files, options) {
  return {
    files,
    plugins: { stockfeed: stockfeedPlugin },
    rules: { 'stockfeed/import-boundaries': ['error', options] },
  };
}

const sourceFiles = (folder) => [`${folder}/**/*.ts`, `${folder}/**/*.vue`];

/** Hosts: they drive the core, so the core never imports them. */
const HOSTS = ['electron/main', 'electron/preload', 'electron/server', 'electron/cli', 'renderer'];

/**
 * The core's layers, lowest first (folders of electron/core). A core file imports the core only
 * from its own folder and the layers below it, never a sibling feature of its own layer, so the
 * core's import graph has no upward arrow and no circle between folders. The base is every core
 * file no layer names (util, db, changes, net, the write queue, …): a new folder starts there and
 * may import nothing above it until it is placed. `core.ts`, the composition root, is on top.
 */
export const CORE_LAYERS = [
  ['locations'],
  ['stock'],
  ['products'],
  ['catalog', 'channels', 'publish', 'stats', 'webhooks'],
  ['settings', 'auth'],
];
const COMPOSITION_ROOT = 'electron/core/core';
const CORE_FOLDERS = CORE_LAYERS.flat();

/** The core knows nothing of how it is reached: no host, no HTTP server, no Electron. */
const CORE_DENIED_PACKAGES = ['electron', 'electron-updater', 'fastify', '@fastify', 'node:http', 'node:https', 'node:http2'];

/** One zone per core folder (and the base), each denied the hosts and every folder it may not reach. */
function coreZones() {
  const layerFolder = (folder) => `electron/core/${folder}`;
  const zones = [];
  const zone = (files, ignores, folder, denyFolders, packages) =>
    zones.push({
      files,
      ignores,
      plugins: { stockfeed: stockfeedPlugin },
      rules: {
        'stockfeed/import-boundaries': [
          'error',
          {
            folder,
            why:
              'the core imports downward only (its own folder and the layers below, see CORE_LAYERS in eslint.config.js), never the composition root core.ts, ' +
              'and knows nothing of its hosts (electron/main, preload, server, cli, the renderer), of HTTP servers (fastify, node:http) or of Electron.',
            deny: { packages, paths: [...HOSTS, COMPOSITION_ROOT, ...denyFolders.map(layerFolder)] },
          },
        ],
      },
    });
  // The base: everything that is not a layer's folder or the composition root. Only core/net, the
  // one way out (outbound.ts), may use node:http and node:https, as a client.
  const notBase = [...CORE_FOLDERS.flatMap((f) => sourceFiles(layerFolder(f))), `${COMPOSITION_ROOT}.ts`];
  zone(sourceFiles('electron/core'), [...notBase, ...sourceFiles('electron/core/net')], 'the core\'s base', CORE_FOLDERS, CORE_DENIED_PACKAGES);
  zone(sourceFiles('electron/core/net'), [], 'electron/core/net/', CORE_FOLDERS, CORE_DENIED_PACKAGES.filter((p) => !p.startsWith('node:')));
  CORE_LAYERS.forEach((layer, i) => {
    const above = CORE_LAYERS.slice(i + 1).flat();
    for (const folder of layer) {
      const siblings = layer.filter((f) => f !== folder);
      zone(sourceFiles(layerFolder(folder)), [], `electron/core/${folder}/`, [...siblings, ...above], CORE_DENIED_PACKAGES);
    }
  });
  zone([`${COMPOSITION_ROOT}.ts`], [], 'electron/core/core.ts', [], CORE_DENIED_PACKAGES);
  return zones;
}

const OUTBOUND_ONLY = 'Call URLs only through Outbound in electron/core/net/outbound.ts (it refuses this computer and private networks unless webhooks.allowPrivateNetwork is on).';

export default defineConfig(
  globalIgnores(['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'coverage/', '.tmp/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  // TypeScript already checks what these core rules check; the TS parser also reads <script lang="ts">.
  { ...tseslint.configs.eslintRecommended, files: ['**/*.vue'] },
  pluginVue.configs['flat/recommended'],
  // Template layout (line breaks, attributes per line) is a formatter's job, not a lint finding.
  pluginVue.configs['no-layout-rules'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    rules: {
      // TypeScript resolves names (with the right lib for each side); the plain .mjs scripts use
      // Node globals that no-undef, without a globals list, would flag.
      'no-undef': 'off',
      // Playwright reads a fixture's dependencies from its first parameter, so `async ({}, use)` is the idiom.
      'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
      // House style: `type` over `interface` unless declaration merging is needed.
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // A variable bound late on purpose (read by a closure created before the assignment) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true }],
    },
  },

  // Folder boundaries. The zones do not overlap, so no block overrides another's options.
  boundary(sourceFiles('shared'), {
    folder: 'shared/',
    why: 'shared/ runs in Node and in the browser alike; it may import only zod and other shared/ files.',
    allow: { packages: ['zod'], paths: ['shared'] },
  }),
  boundary(sourceFiles('renderer'), {
    folder: 'renderer/',
    why: 'the renderer is a web page; it reaches the core only through its client (IPC or HTTP), never electron/, Electron or Node built-ins.',
    deny: { packages: ['electron', 'node:builtin'], paths: ['electron'] },
  }),
  boundary([...sourceFiles('electron/server'), ...sourceFiles('electron/cli')], {
    folder: 'the server and the CLI',
    why: 'they run under plain Node; Electron and its hosts (electron/main, electron/preload) and the renderer are off limits.',
    deny: { packages: ['electron', 'electron-updater'], paths: ['electron/main', 'electron/preload', 'renderer'] },
  }),
  ...coreZones(),
  boundary(sourceFiles('electron/preload'), {
    folder: 'electron/preload/',
    why: "the sandboxed preload may import only 'electron' and shared/operation-names.",
    allow: { packages: ['electron'], paths: ['shared/operation-names'] },
  }),
  boundary(sourceFiles('electron/main'), {
    folder: 'electron/main/',
    why: 'the main process talks to the renderer and the preload only over IPC, and does not start the other hosts.',
    deny: { paths: ['renderer', 'electron/preload', 'electron/server', 'electron/cli'] },
  }),
  {
    files: sourceFiles('renderer'),
    ignores: ['renderer/src/stores/**', 'renderer/src/api/**', 'renderer/src/main.ts'],
    plugins: { stockfeed: stockfeedPlugin },
    rules: {
      'stockfeed/layer-boundaries': [
        'error',
        {
          folder: 'renderer/ outside stores/ and api/',
          why: 'screens and components reach the core through a store (renderer/src/stores), which loads, keeps and reports what they show; only stores hold the client.',
          deny: { paths: ['renderer/src/api/app-api'] },
        },
      ],
    },
  },

  // Outgoing requests: exactly one way out of the core (electron/core/net/outbound.ts), which refuses
  // this computer and private networks unless the owner allows them. Type imports stay allowed.
  {
    files: ['electron/core/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    ignores: ['electron/core/net/**'],
    rules: {
      'no-restricted-globals': ['error', ...['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest'].map((name) => ({ name, message: OUTBOUND_ONLY }))],
      'no-restricted-properties': ['error', ...['globalThis', 'global'].map((object) => ({ object, property: 'fetch', message: OUTBOUND_ONLY }))],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: ['node:http', 'http', 'node:https', 'https', 'node:http2', 'http2', 'undici'].map((name) => ({ name, message: OUTBOUND_ONLY, allowTypeImports: true })) },
      ],
    },
  },

  // Opening links: exactly one entry point (electron/main/external-links.ts), which allows http(s) only.
  {
    files: ['electron/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.vue', 'shared/**/*.ts', 'scripts/**/*.{js,mjs}'],
    ignores: ['electron/main/external-links.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='openExternal'], MemberExpression[property.value='openExternal']",
          message: 'Open links only through openExternal() in electron/main/external-links.ts (it allows http and https only).',
        },
        {
          selector: "ObjectPattern > Property[key.name='openExternal']",
          message: 'Open links only through openExternal() in electron/main/external-links.ts (it allows http and https only).',
        },
      ],
    },
  },
);
