import { defineStore } from 'pinia';
import type { Output } from '../../../shared/contract';
import { useAppApi } from '../api/app-api';
import { ipcImport, uploadImport, type ImportRequest, type ImportRun } from '../api/catalog-transfer';
import { API_BASE, APP_REQUEST_HEADERS, errorFromResponse } from '../api/client';
import { useSessionStore } from './session';

/** The catalogue as a file to save: its suggested name (when the server gave one) and what it holds. */
export type CatalogExport = { blob: Blob; name: string | null; counts: { products: number; rows: number } | null };

/**
 * Moving the whole catalogue in and out: the CSV export, the CSV import (checked first, with
 * progress and cancel), and the sample catalogue of a new shop. Files travel as the host allows:
 * the contract's calls inside Electron, the REST API's file endpoints in a browser.
 */
export const useCatalogStore = defineStore('catalog', () => {
  const api = useAppApi();
  const session = useSessionStore();

  async function exportCsv(): Promise<CatalogExport> {
    if (api.mode === 'ipc') {
      const result = await api.client['catalog.export']({});
      return { blob: new Blob([result.csv], { type: 'text/csv' }), name: null, counts: { products: result.products, rows: result.rows } };
    }
    const response = await fetch(`${API_BASE}/catalog/export.csv`, { headers: { ...APP_REQUEST_HEADERS } });
    if (!response.ok) {
      const failure = errorFromResponse(response.status, response.statusText, await response.text());
      if (response.status === 401) session.tokenRejected();
      throw failure;
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? null;
    return { blob: await response.blob(), name, counts: null };
  }

  /** Starts a check (`dryRun`) or an import of a CSV file; see catalog-transfer.ts. */
  function startImport(request: ImportRequest): ImportRun {
    if (api.mode === 'ipc') return ipcImport(request, api.client);
    return uploadImport(request, {
      createXhr: () => new XMLHttpRequest(),
      onUnauthorized: () => session.tokenRejected(),
    });
  }

  function loadSample(): Promise<Output<'catalog.loadSample'>> {
    return api.client['catalog.loadSample']({});
  }

  return { exportCsv, startImport, loadSample };
});
