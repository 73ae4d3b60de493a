/** The catalogue operations of the contract: CSV import and export as text, and the sample. */
import { Readable, Writable } from 'node:stream';
import type { Handlers } from '../../../shared/contract';
import type { Core } from '../core';
import { importCatalogCsv } from './csv-import';
import { writeCatalogCsv } from './csv-export';
import { loadSampleCatalog } from './sample';

type CatalogHandlers = Pick<Handlers, 'catalog.import' | 'catalog.export' | 'catalog.loadSample'>;

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

export function createCatalogHandlers(core: Pick<Core, 'db' | 'queue' | 'locations' | 'settings' | 'handlers'>): CatalogHandlers {
  return {
    'catalog.import': (input) =>
      importCatalogCsv(core, Readable.from([input.csv]), { dryRun: input.dryRun, ...(input.name ? { name: input.name } : {}) }),
    'catalog.export': async () => {
      const { sink, text } = textSink();
      const report = await writeCatalogCsv(core.db, sink);
      return { csv: text(), ...report };
    },
    // core.handlers is read at call time: it is filled in after this map is built.
    'catalog.loadSample': () => loadSampleCatalog(core.handlers, core.settings.current().currency),
  };
}
