/** The import screen's logic under Node: the CSV preview, and the upload with progress and cancel. */
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../shared/schemas/catalog';
import { ImportCancelled, ipcImport, uploadImport, type ProgressLike, type TransferProgress, type XhrLike } from '../../renderer/src/api/catalog-transfer';
import { ClientError } from '../../renderer/src/api/client';
import { completeLines, previewCsv } from '../../renderer/src/csv-preview';

describe('previewCsv', () => {
  it('reads the header and the first rows, with quoted commas, quotes and line breaks', () => {
    const text = '\uFEFFsku,title,description\r\nA-1,"Mug, blue","Says ""hi""\nand more"\r\n\r\nB-2,Plate,\n';
    expect(previewCsv(text)).toEqual({
      header: ['sku', 'title', 'description'],
      rows: [
        ['A-1', 'Mug, blue', 'Says "hi"\nand more'],
        ['B-2', 'Plate', ''],
      ],
      // Numbered by the line each row starts on, as the import's problems and skipped rows are.
      lines: [2, 5],
      more: false,
    });
  });

  it('stops after the limit and says there is more', () => {
    const text = `sku\n${Array.from({ length: 30 }, (_, i) => `S-${i}`).join('\n')}\n`;
    const preview = previewCsv(text, 5);
    expect(preview.rows).toEqual([['S-0'], ['S-1'], ['S-2'], ['S-3'], ['S-4']]);
    expect(preview.more).toBe(true);
  });

  it('keeps a last line without a line break, and handles an empty file', () => {
    expect(previewCsv('sku,title\nA,B').rows).toEqual([['A', 'B']]);
    expect(previewCsv('')).toEqual({ header: [], rows: [], lines: [], more: false });
  });

  it('cuts the start of a big file at its last complete line', () => {
    expect(completeLines('sku\nA-1\nA-2\nA-', false)).toBe('sku\nA-1\nA-2\n');
    expect(completeLines('sku\nA-1', true)).toBe('sku\nA-1');
  });
});

const report: ImportReport = {
  ok: true,
  dryRun: true,
  rows: 1,
  created: 1,
  updated: 0,
  unchanged: 0,
  counts: 0,
  countsUnchanged: 0,
  issues: [],
  skipped: [],
  countsLeftOut: [],
  format: { encoding: 'utf-8', delimiter: 'comma', decimal: 'point', preset: null },
  elapsedMs: 1,
};

type Listener = (event: ProgressLike) => void;

/** A scripted XMLHttpRequest: the test drives its upload and its answer. */
function fakeXhr() {
  const upload = new Map<string, Listener>();
  const events = new Map<string, () => void>();
  const state = { method: '', url: '', headers: {} as Record<string, string>, body: null as unknown, aborted: false, status: 0, responseText: '' };
  const xhr: XhrLike = {
    open: (method, url) => Object.assign(state, { method, url }),
    setRequestHeader: (name, value) => {
      state.headers[name] = value;
    },
    send: (body) => {
      state.body = body;
    },
    abort: () => {
      state.aborted = true;
      events.get('abort')?.();
    },
    get status() {
      return state.status;
    },
    statusText: '',
    get responseText() {
      return state.responseText;
    },
    upload: { addEventListener: (type, listener) => upload.set(type, listener) },
    addEventListener: (type, listener) => events.set(type, listener),
  };
  return {
    xhr,
    state,
    progress: (loaded: number, total: number) => upload.get('progress')?.({ loaded, total, lengthComputable: true }),
    sent: () => upload.get('load')?.({ loaded: 0, total: 0, lengthComputable: false }),
    answer: (status: number, body: unknown) => {
      state.status = status;
      state.responseText = JSON.stringify(body);
      events.get('load')?.();
    },
  };
}

const file = { name: 'shop.csv', size: 1000, text: async () => 'sku,title,price\nA,B,1.00\n', body: 'the file' };

describe('uploadImport (browser)', () => {
  it('sends the file as the raw body with the app header (no token), reports upload then processing, and resolves with the report', async () => {
    const fake = fakeXhr();
    const seen: TransferProgress[] = [];
    const run = uploadImport({ file, dryRun: true, onProgress: (p) => seen.push(p) }, { createXhr: () => fake.xhr });
    expect(fake.state).toMatchObject({ method: 'POST', url: '/api/v1/catalog/import.csv?dryRun=true&name=shop.csv', body: 'the file' });
    expect(fake.state.headers).toMatchObject({ 'X-Stockfeed-Request': '1', 'Content-Type': 'text/csv' });
    expect(fake.state.headers).not.toHaveProperty('Authorization');
    fake.progress(400, 1000);
    fake.sent();
    fake.answer(200, report);
    await expect(run.result).resolves.toEqual(report);
    expect(seen.map((p) => [p.phase, p.loaded])).toEqual([
      ['uploading', 0],
      ['uploading', 400],
      ['processing', 1000],
    ]);
  });

  it('cancels while uploading: the request is aborted and nothing reaches the write phase', async () => {
    const fake = fakeXhr();
    const run = uploadImport({ file, dryRun: false, onProgress: () => undefined }, { createXhr: () => fake.xhr });
    fake.progress(10, 1000);
    expect(run.cancel()).toBe(true);
    expect(fake.state.aborted).toBe(true);
    await expect(run.result).rejects.toBeInstanceOf(ImportCancelled);
  });

  it('says it is too late once a real import has been sent whole (the server finishes it, all or nothing)', async () => {
    const fake = fakeXhr();
    const run = uploadImport({ file, dryRun: false, onProgress: () => undefined }, { createXhr: () => fake.xhr });
    fake.sent();
    expect(run.cancel()).toBe(false);
    expect(fake.state.aborted).toBe(false);
    fake.answer(200, { ...report, dryRun: false });
    await expect(run.result).resolves.toMatchObject({ dryRun: false });
  });

  it('can always abandon a check (it writes nothing)', async () => {
    const fake = fakeXhr();
    const run = uploadImport({ file, dryRun: true, onProgress: () => undefined }, { createXhr: () => fake.xhr });
    fake.sent();
    expect(run.cancel()).toBe(true);
    await expect(run.result).rejects.toBeInstanceOf(ImportCancelled);
  });

  it("turns the API's error into a ClientError and reports a 401", async () => {
    const fake = fakeXhr();
    const rejected: ClientError[] = [];
    const run = uploadImport(
      { file, dryRun: true, onProgress: () => undefined },
      { createXhr: () => fake.xhr, onUnauthorized: (e) => rejected.push(e) },
    );
    fake.answer(401, { error: { code: 'unauthorized', message: 'The API token is not valid' } });
    await expect(run.result).rejects.toMatchObject({ code: 'unauthorized', message: 'The API token is not valid' });
    expect(rejected).toHaveLength(1);
  });
});

describe('ipcImport (desktop)', () => {
  it('reads the file, then sends its text through catalog.import', async () => {
    const calls: unknown[] = [];
    const seen: string[] = [];
    const run = ipcImport(
      { file, dryRun: false, onProgress: (p) => seen.push(p.phase) },
      {
        'catalog.import': async (input) => {
          calls.push(input);
          return { ...report, dryRun: false };
        },
      },
    );
    await expect(run.result).resolves.toMatchObject({ ok: true });
    expect(calls).toEqual([{ csv: 'sku,title,price\nA,B,1.00\n', dryRun: false, name: 'shop.csv' }]);
    expect(seen).toEqual(['reading', 'processing']);
  });

  it('cancels while reading the file, before anything is sent', async () => {
    let release: (text: string) => void = () => undefined;
    const slow = { ...file, text: () => new Promise<string>((resolve) => (release = resolve)) };
    let called = false;
    const run = ipcImport(
      { file: slow, dryRun: false, onProgress: () => undefined },
      {
        'catalog.import': async () => {
          called = true;
          return report;
        },
      },
    );
    expect(run.cancel()).toBe(true);
    release('sku\n');
    await expect(run.result).rejects.toBeInstanceOf(ImportCancelled);
    await new Promise((r) => setTimeout(r, 0));
    expect(called).toBe(false);
  });
});
