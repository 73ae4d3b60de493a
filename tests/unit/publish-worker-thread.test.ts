/**
 * The JSON-LD writer's worker thread runs with a small young generation (worker-thread.ts): with
 * V8's default (48 MB for a worker's young generation on 64-bit) its heap grew to 23.8 MB during
 * a forced rewrite of 100,000 files, RSS held at the publish's peak. The limits are read back from
 * the running isolate, as V8 applied them, on the worker the writer really starts.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startWorker, WORKER_LIMITS } from '../../electron/core/publish/worker-thread';

describe('publish worker thread', () => {
  it("runs the JSON-LD worker with a young generation far below V8's default", async () => {
    const worker = startWorker('jsonld-worker');
    try {
      await once(worker, 'online');
      const young = worker.resourceLimits?.maxYoungGenerationSizeMb ?? Number.NaN;
      expect(young).toBe(WORKER_LIMITS.maxYoungGenerationSizeMb);
      expect(young).toBeLessThanOrEqual(8);
    } finally {
      await worker.terminate();
    }
  });
});
