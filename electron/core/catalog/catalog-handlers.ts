/** The catalogue operations of the contract: CSV import and export as text, and the sample. */
import { Readable, Writable } from 'node:stream';
import type { Handlers } from '../../../shared/contract';
import { importCatalogCsv, type CatalogDeps } from './csv-import';
import { exportDeps, writeCatalogCsv } from './csv-export';
import { loadSampleCatalog, type SampleOperation } from './sample';

export type CatalogOperation = 'catalog.import' | 'catalog.export' | 'catalog.loadSample';

export type CatalogHandlerDeps = CatalogDeps & {
  /** The operations the sample catalogue is loaded through, as a person would enter it. */
  operations: Pick<Handlers, SampleOperation>;
};

/** Collects a stream's text; the export of a whole catalogue over IPC is one string. */
function textSink(): { sink: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      done();
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

export function createCatalogHandlers(deps: CatalogHandlerDeps): Pick<Handlers, CatalogOperation> {
  return {
    'catalog.import': ({ csv, name, ...options }) => importCatalogCsv(deps, Readable.from([csv]), { ...options, size: Buffer.byteLength(csv), ...(name ? { name } : {}) }),
    'catalog.export': async (filter) => {
      const { sink, text } = textSink();
      const report = await writeCatalogCsv(deps.db, sink, { deps: exportDeps(deps), filter });
      return { csv: text(), ...report };
    },
    'catalog.loadSample': () => loadSampleCatalog(deps.operations, deps.settings.current().currency),
  };
}
