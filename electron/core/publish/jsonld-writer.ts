/**
 * Writes the per-product JSON-LD files. A full publish creates up to one file per product: that
 * is file-system bound (~35-100 µs a file on this disk, 100,000 of them), so those files are
 * written by a worker thread on the other core while the publisher goes on building, in batches
 * with a bounded number in flight. An incremental publish writes its few files here, each
 * replaced atomically and fsynced.
 *
 * Into a folder that does not exist yet (the first publish), files go into a fresh folder renamed
 * into place at the end, so a reader never sees a half-filled folder. A full publish skips the
 * per-file fsync (100,000 fsyncs would take minutes) and syncs the folder once at the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fsyncDir, tempName, writeFileAtomic } from './atomic-file';
import { unpooled } from './catalog-cache';

/** Plain JavaScript, run with `eval`: nothing to bundle or resolve at run time. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
parentPort.on('message', (m) => {
  let error = null;
  try {
    for (let i = 0; i < m.names.length; i++) {
      const target = path.join(m.dir, m.names[i]);
      if (m.atomic) {
        const temp = path.join(m.dir, '.' + m.names[i] + '.tmp-' + m.pid + '-' + randomBytes(4).toString('hex'));
        fs.writeFileSync(temp, Buffer.from(m.bodies[i]));
        fs.renameSync(temp, target);
      } else {
        // From a Buffer: writeFileSync with a string measured 2-3x slower here for small files.
        fs.writeFileSync(target, Buffer.from(m.bodies[i]));
      }
    }
  } catch (e) {
    error = String((e && e.message) || e);
  }
  parentPort.postMessage({ id: m.id, error });
});
`;

const BATCH = 256;
const MAX_IN_FLIGHT = 8;

type Batch = { id: number; dir: string; atomic: boolean; pid: number; names: string[]; bodies: string[] };

/** A worker thread that writes batches of small files, in order, and reports each batch done. */
class FileWorker {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor() {
    this.worker.on('message', (m: { id: number; error: string | null }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) this.failure ??= new Error(`writing JSON-LD files: ${m.error}`);
      if (m.error) w?.reject(this.failure as Error);
      else w?.resolve();
    });
    this.worker.on('error', (e) => {
      this.failure ??= e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  send(batch: Omit<Batch, 'id'>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ ...batch, id });
    return done;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

export class JsonLdWriter {
  readonly written = new Set<string>();
  private staging: string | null = null;
  private ready = false;
  private readonly ldDir: string;
  private worker: FileWorker | null = null;
  private batch: { names: string[]; bodies: string[] } = { names: [], bodies: [] };
  private readonly sent: Array<Promise<void>> = [];

  /** `bulk`: a full publish (files written by the worker, without a per-file fsync). */
  constructor(
    private readonly dir: string,
    private readonly enabled: boolean,
    private readonly options: { bulk: boolean },
  ) {
    this.ldDir = path.join(dir, 'jsonld');
  }

  write(slug: string, body: string): void {
    if (!this.enabled) return;
    if (!this.ready) {
      if (this.options.bulk && !fs.existsSync(this.ldDir)) {
        this.staging = tempName(this.ldDir);
        fs.mkdirSync(this.staging);
      } else {
        fs.mkdirSync(this.ldDir, { recursive: true });
      }
      this.ready = true;
    }
    const name = `${slug}.json`;
    this.written.add(`jsonld/${name}`);
    if (this.options.bulk) {
      this.batch.names.push(name);
      this.batch.bodies.push(body);
      if (this.batch.names.length >= BATCH) this.send();
      return;
    }
    // Outside Buffer's shared pool: a transient body sharing a pool slab with retained data would keep the slab alive.
    writeFileAtomic(path.join(this.ldDir, name), [unpooled(body)], { durable: true, syncDir: false });
  }

  private send(): void {
    if (this.batch.names.length === 0) return;
    this.worker ??= new FileWorker();
    const done = this.worker.send({ dir: this.staging ?? this.ldDir, atomic: this.staging === null, pid: process.pid, ...this.batch });
    // Observed here, awaited in settle() and finish().
    done.catch(() => undefined);
    this.sent.push(done);
    this.batch = { names: [], bodies: [] };
  }

  /** Waits while too many batches are in flight (call between pages: it bounds the memory held). */
  async settle(): Promise<void> {
    while (this.worker && this.worker.inFlight >= MAX_IN_FLIGHT) await this.sent.shift();
  }

  /** Waits for every file, then puts the folder in place (first publish) or syncs it. */
  async finish(): Promise<void> {
    this.send();
    try {
      await Promise.all(this.sent.splice(0));
    } finally {
      await this.worker?.close();
      this.worker = null;
    }
    if (!this.ready) return;
    if (this.staging) {
      fsyncDir(this.staging);
      fs.renameSync(this.staging, this.ldDir);
      this.staging = null;
      fsyncDir(this.dir);
    } else {
      fsyncDir(this.ldDir);
    }
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.sent.splice(0));
    await this.worker?.close();
    this.worker = null;
    if (this.staging) fs.rmSync(this.staging, { recursive: true, force: true });
    this.staging = null;
  }
}
