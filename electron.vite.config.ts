import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Every package.json dependency stays a runtime require from node_modules: sqlite3 is a
      // native addon, and knex loads its database drivers (sqlite3, pg) dynamically by name.
      externalizeDeps: true,
      // The headless server is built beside the desktop app's main process: `npm run serve` runs
      // out/main/server.js with plain node (no TypeScript loader at run time). The JSON-LD writer's
      // worker thread is an entry of its own, and the chunks the entries share sit beside them
      // (not in chunks/): the core starts its worker from the file beside its own code (see
      // electron/core/publish/worker-thread.ts).
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          server: resolve(root, 'electron/server/main.ts'),
          'jsonld-worker': resolve(root, 'electron/core/publish/jsonld-worker.ts'),
        },
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can require only 'electron': everything else is bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        // Sandboxed preloads cannot be ES modules, and with "type": "module" a .js file would be
        // read as one, hence CommonJS in a .cjs file (the main process loads out/preload/index.cjs).
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    // Relative asset URLs: the same build is loaded from file:// by Electron and over HTTP by the
    // headless server.
    base: './',
    plugins: [vue()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
