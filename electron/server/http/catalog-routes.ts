/**
 * Catalogue CSV over HTTP as files, not JSON: the browser uploads a file as the raw request body
 * (so it can show upload progress and the file may be up to 100 MB) and downloads the export as a
 * streamed attachment. The contract's catalog.import / catalog.export take and give the same CSV as
 * text for IPC and small scripts.
 */
import { PassThrough, Readable } from 'node:stream';
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CATALOG_CSV_MAX_BYTES } from '../../../shared/schemas/catalog';
import { parseInput } from '../../../shared/validation';
import type { Core } from '../../core/core';
import { importCatalogCsv } from '../../core/catalog/csv-import';
import { writeCatalogCsv } from '../../core/catalog/csv-export';
import type { Logger } from '../../core/logger';
import { API_PREFIX } from './routes';

export const CSV_IMPORT_PATH = `${API_PREFIX}/catalog/import.csv`;
export const CSV_EXPORT_PATH = `${API_PREFIX}/catalog/export.csv`;

const importQuery = z.strictObject({
  dryRun: z.enum(['true', 'false'], { message: 'dryRun is true or false' }).default('false'),
  name: z.string().trim().max(200).optional(),
});

/** `stockfeed-catalogue-2026-11-26.csv`: dated, so several exports sort and do not overwrite. */
export function exportFileName(now = new Date()): string {
  return `stockfeed-catalogue-${now.toISOString().slice(0, 10)}.csv`;
}

export async function registerCatalogRoutes(app: FastifyInstance, core: Core, logger: Logger): Promise<void> {
  await app.register(async (scope) => {
    // Any Content-Type: the body is the file as it is (browsers label .csv files differently).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: CATALOG_CSV_MAX_BYTES }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.code(413).send({
          error: { code: 'payload_too_large', message: 'The CSV file is larger than 100 MB; split it into smaller files' },
        });
      }
      throw error;
    });

    scope.post(CSV_IMPORT_PATH, async (request) => {
      const query = parseInput(importQuery, request.query);
      const text = typeof request.body === 'string' ? request.body : '';
      return importCatalogCsv(core, Readable.from([text]), {
        dryRun: query.dryRun === 'true',
        ...(query.name ? { name: query.name } : {}),
      });
    });
  });

  app.get(CSV_EXPORT_PATH, async (_request, reply) => {
    const body = new PassThrough();
    writeCatalogCsv(core.db, body).catch((error: Error) => {
      // The status line is already sent; cutting the stream short tells the client it failed.
      logger.error(`CSV export failed: ${error.stack ?? error.message}`);
      body.destroy(error);
    });
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${exportFileName()}"`)
      .header('Cache-Control', 'no-store')
      .send(body);
  });
}
