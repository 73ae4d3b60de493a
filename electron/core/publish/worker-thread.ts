/**
 * Starts a worker thread on one of the core's TypeScript modules, wherever the core runs. Built
 * (electron-vite's out/main, the bench's esbuild bundle), the module is a bundle entry of its own,
 * beside the code that starts it and with the same extension. Run from source (the CLI through
 * tsx, vitest), it is the .ts file, loaded through tsx by ts-worker.mjs: on Node 20 a worker's
 * `--import tsx` does not reach the worker's own entry module (nodejs/node#47747).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const here = fileURLToPath(import.meta.url);

/** Starts `name` (a module of this folder, e.g. `jsonld-worker`) in a new worker thread. */
export function startWorker(name: string): Worker {
  const ext = path.extname(here);
  const file = path.join(path.dirname(here), `${name}${ext}`);
  if (!fs.existsSync(file)) throw new Error(`the worker module ${file} is missing (is the build complete?)`);
  if (ext !== '.ts') return new Worker(file);
  return new Worker(path.join(path.dirname(here), 'ts-worker.mjs'), { workerData: { module: pathToFileURL(file).href } });
}
