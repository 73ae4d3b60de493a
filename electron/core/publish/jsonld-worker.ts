/**
 * The thread that writes a full publish's JSON-LD files (see jsonld-writer.ts for why): it takes
 * batches of small files, each file's body a byte range of the batch's buffer, writes them in
 * order, and hands the buffer back to be filled again. The build bundles it as an entry of its own
 * (electron.vite.config.ts, bench/publish.ts); worker-thread.ts starts it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { tempName } from './atomic-file';

/**
 * Files `names[i]` (in `dir`) hold bytes [starts[i], ends[i]) of `buffer`; variants of a group
 * share theirs. `atomic`: each file replaced through a temporary file (into a folder readers see).
 */
export type Batch = { id: number; dir: string; atomic: boolean; names: string[]; starts: number[]; ends: number[]; buffer: ArrayBuffer };

/** A batch written (`error` null) or not, with the buffer coming back. */
export type BatchDone = { id: number; error: string | null; code: string | null; buffer: ArrayBuffer };

function writeBatch(m: Batch): BatchDone {
  let error: string | null = null;
  let code: string | null = null;
  let temp: string | null = null;
  try {
    const bytes = new Uint8Array(m.buffer);
    for (let i = 0; i < m.names.length; i++) {
      const target = path.join(m.dir, m.names[i] as string);
      const body = bytes.subarray(m.starts[i], m.ends[i]);
      if (m.atomic) {
        temp = tempName(target);
        fs.writeFileSync(temp, body);
        fs.renameSync(temp, target);
        temp = null;
      } else {
        fs.writeFileSync(target, body);
      }
    }
  } catch (e) {
    const failure = e as NodeJS.ErrnoException | null | undefined;
    error = String(failure?.message || e);
    // ENOSPC, EACCES…: the code travels too, so a full disk is reported as one.
    code = typeof failure?.code === 'string' ? failure.code : null;
    // A half-written temporary file would stay (its writer is alive) and take yet more space.
    if (temp) {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // the write's own error is the one reported
      }
    }
  }
  return { id: m.id, error, code, buffer: m.buffer };
}

const port = parentPort;
if (!port) throw new Error('jsonld-worker runs as a worker thread, started by the JSON-LD writer');
port.on('message', (m: Batch) => {
  // The buffer goes back, to be filled again.
  const done = writeBatch(m);
  port.postMessage(done, [done.buffer]);
});
