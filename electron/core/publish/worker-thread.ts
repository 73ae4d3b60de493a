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
import { Worker, type ResourceLimits } from 'node:worker_threads';

const here = fileURLToPath(import.meta.url);

/**
 * `resourceLimits` of the worker's own V8 heap. A worker is an isolate of its own, whose young
 * generation V8 lets grow to the main thread's (2 × 16 MB semi-spaces on 64-bit) when much of what
 * it allocates survives a scavenge. The JSON-LD worker's garbage (a batch's 256 paths, its message)
 * is all short-lived, yet its heap grew to 23.8 MB (new space 16 MB) during a forced rewrite of
 * 100,000 files: RSS held at the publish's peak. With a 6 MB young generation (2 MB semi-spaces)
 * its heap stayed at 9.5 MB (new space 4 MB, old space 5 MB as before); a 3 MB one promoted more
 * and its old space grew to 8.7 MB (measured, bench/publish.ts's `publish --full`).
 */
export const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 6 };

/** Starts `name` (a module of this folder, e.g. `jsonld-worker`) in a new worker thread. */
export function startWorker(name: string): Worker {
  const ext = path.extname(here);
  const file = path.join(path.dirname(here), `${name}${ext}`);
  if (!fs.existsSync(file)) throw new Error(`the worker module ${file} is missing (is the build complete?)`);
  const resourceLimits = { ...WORKER_LIMITS };
  if (ext !== '.ts') return new Worker(file, { resourceLimits });
  return new Worker(path.join(path.dirname(here), 'ts-worker.mjs'), { workerData: { module: pathToFileURL(file).href }, resourceLimits });
}
