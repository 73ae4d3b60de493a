/**
 * Moving catalogue CSV files between the page and the core, with progress and cancel. In a
 * browser the file goes up as the raw body of `POST /api/v1/catalog/import.csv` over
 * XMLHttpRequest (fetch cannot report upload progress); inside Electron the page reads the file and
 * calls the contract's catalog.import with its text. No DOM global is touched here: the request
 * factory and the file come in as arguments, so the logic is unit-tested under Node.
 */
import type { Client } from '../../../shared/contract';
import type { ImportReport } from '../../../shared/schemas/catalog';
import { APP_REQUEST_HEADERS, ClientError, errorFromResponse } from './client';

export type TransferPhase = 'reading' | 'uploading' | 'processing';

export type TransferProgress = { phase: TransferPhase; loaded: number; total: number };

/** The file as the import needs it: its name, size and text (read lazily). */
export type CsvFile = { name: string; size: number; text(): Promise<string> };

/** The part of XMLHttpRequest used here. */
export type XhrLike = {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: unknown): void;
  abort(): void;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
  /** 'progress' and 'load' (everything sent) of the request body. */
  upload: { addEventListener(type: 'progress' | 'load', listener: (event: ProgressLike) => void): void };
  /** 'load' (an answer came), 'error' (none will), 'abort'. */
  addEventListener(type: 'load' | 'error' | 'abort', listener: () => void): void;
};

export type ProgressLike = { loaded: number; total: number; lengthComputable: boolean };

export type ImportRun = {
  result: Promise<ImportReport>;
  /**
   * Stops the import if it has not reached the server's write phase. Returns false when it is too
   * late: the whole file has arrived and the server finishes it (all or nothing).
   */
  cancel(): boolean;
};

export class ImportCancelled extends Error {
  constructor() {
    super('The import was cancelled; nothing was written.');
    this.name = 'ImportCancelled';
  }
}

export type ImportRequest = { file: CsvFile & { body: unknown }; dryRun: boolean; onProgress(progress: TransferProgress): void };

/** Browser: upload the file itself, reporting bytes sent, then "processing" once it is all sent. */
export function uploadImport(
  request: ImportRequest,
  options: { createXhr: () => XhrLike; onUnauthorized?: (error: ClientError) => void },
): ImportRun {
  const xhr = options.createXhr();
  let sent = false;
  let cancelled = false;
  const { file, dryRun, onProgress } = request;
  const result = new Promise<ImportReport>((resolve, reject) => {
    const query = new URLSearchParams({ dryRun: String(dryRun), name: file.name.slice(0, 200) });
    xhr.open('POST', `/api/v1/catalog/import.csv?${query.toString()}`);
    // The session cookie goes by itself; the app's header lets the server accept the change.
    for (const [name, value] of Object.entries(APP_REQUEST_HEADERS)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) =>
      onProgress({ phase: 'uploading', loaded: event.loaded, total: event.lengthComputable ? event.total : file.size }),
    );
    xhr.upload.addEventListener('load', () => {
      sent = true;
      onProgress({ phase: 'processing', loaded: file.size, total: file.size });
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ImportReport);
        } catch {
          reject(new ClientError('bad_response', "The server's answer to the import was not JSON", undefined, xhr.status));
        }
        return;
      }
      const error = errorFromResponse(xhr.status, xhr.statusText, xhr.responseText);
      if (xhr.status === 401) options.onUnauthorized?.(error);
      reject(error);
    });
    xhr.addEventListener('error', () =>
      reject(new ClientError('network', 'Stockfeed could not reach its server. Check that it is still running, then try again.', undefined, 0)),
    );
    xhr.addEventListener('abort', () => reject(new ImportCancelled()));
    onProgress({ phase: 'uploading', loaded: 0, total: file.size });
    xhr.send(file.body);
  });
  return {
    result,
    cancel() {
      // A dry run writes nothing, so it can always be abandoned; a real import only while uploading.
      if (cancelled) return true;
      if (sent && !dryRun) return false;
      cancelled = true;
      xhr.abort();
      return true;
    },
  };
}

/** Electron: read the file, then hand its text to catalog.import over IPC. */
export function ipcImport(request: ImportRequest, client: Pick<Client, 'catalog.import'>): ImportRun {
  const { file, dryRun, onProgress } = request;
  let sent = false;
  let cancelled = false;
  let abandon: (() => void) | null = null;
  const result = new Promise<ImportReport>((resolve, reject) => {
    abandon = () => reject(new ImportCancelled());
    onProgress({ phase: 'reading', loaded: 0, total: file.size });
    file
      .text()
      .then((csv) => {
        if (cancelled) return;
        sent = true;
        onProgress({ phase: 'processing', loaded: file.size, total: file.size });
        return client['catalog.import']({ csv, dryRun, name: file.name.slice(0, 200) }).then((report) => {
          if (!cancelled) resolve(report);
        });
      })
      .catch((error: unknown) => {
        if (!cancelled) reject(error);
      });
  });
  return {
    result,
    cancel() {
      if (cancelled) return true;
      if (sent && !dryRun) return false;
      cancelled = true;
      abandon?.();
      return true;
    },
  };
}
