// A worker's entry when the core runs from source (see worker-thread.ts): registers tsx in this
// thread, then loads the TypeScript module the worker was started for. Never part of a build.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
