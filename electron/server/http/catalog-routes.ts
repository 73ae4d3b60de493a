/**
 * Catalogue CSV over HTTP as files, not JSON: the browser uploads a file as the raw request body
 * (so it can show upload progress and the file may be up to 100 MB) and downloads the export as a
 * streamed attachment. The contract's catalog.import / catalog.export take and give the same CSV as
 * text for IPC and small scripts.
 */
import { PassThrough, Readable } from 'node:stream';
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IMPORT_TEMPLATE_NAME, importTemplateCsv } from '../../../shared/csv/import-template';
import { CATALOG_CSV_MAX_BYTES, importEncodingSchema, importFormatFields, importMappingSchema } from '../../../shared/schemas/catalog';
import { parseInput } from '../../../shared/validation';
import type { Core } from '../../core/core';
import { importCatalogCsv } from '../../core/catalog/csv-import';
import { exportDeps, writeCatalogCsv } from '../../core/catalog/csv-export';
import { productFilterSchema } from '../../../shared/schemas/product';
import { locationIdOf } from '../../core/products/product-list';
import type { Logger } from '../../core/logger';
import { withActor } from '../../core/actor';
import { OPERATION_ROLES } from '../../../shared/operation-roles';
import { actorOf } from './route-auth';
import { API_PREFIX } from './routes';

export const CSV_IMPORT_PATH = `${API_PREFIX}/catalog/import.csv`;
export const CSV_EXPORT_PATH = `${API_PREFIX}/catalog/export.csv`;
export const CSV_TEMPLATE_PATH = `${API_PREFIX}/catalog/import-template.csv`;

const MAPPING_NOT_JSON = 'mapping must be JSON: an object from Stockfeed field to the name of a column of the file';

/** The mapping travels in the query string as JSON; parsed here, then checked by the contract's schema. */
const mappingParam = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: MAPPING_NOT_JSON });
      return z.NEVER;
    }
  })
  .pipe(importMappingSchema);

const importQuery = z.strictObject({
  dryRun: z.enum(['true', 'false'], { message: 'dryRun is true or false' }).default('false'),
  name: z.string().trim().max(200).optional(),
  encoding: importEncodingSchema.optional(),
  delimiter: importFormatFields.delimiter,
  decimal: importFormatFields.decimal,
  preset: importFormatFields.preset,
  mapping: mappingParam.optional(),
});

/** `stockfeed-catalogue-2026-11-26.csv`: dated, so several exports sort and do not overwrite. */
export function exportFileName(now = new Date()): string {
  return `stockfeed-catalogue-${now.toISOString().slice(0, 10)}.csv`;
}

export async function registerCatalogRoutes(app: FastifyInstance, core: Core, logger: Logger): Promise<void> {
  await app.register(async (scope) => {
    // Any Content-Type: the body is the file as it is (browsers label .csv files differently).
    scope.removeAllContentTypeParsers();
    // As bytes: the file's encoding is the import's to detect (a Windows-1252 file read as UTF-8
    // would lose its accents and € before anyone could tell).
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: CATALOG_CSV_MAX_BYTES }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.code(413).send({
          error: { code: 'payload_too_large', message: 'The CSV file is larger than 100 MB; split it into smaller files' },
        });
      }
      throw error;
    });

    // The same roles as the contract's catalog.import and catalog.export, which these are the file forms of.
    scope.post(CSV_IMPORT_PATH, { config: { role: OPERATION_ROLES['catalog.import'] } }, async (request) => {
      const { dryRun, name, ...format } = parseInput(importQuery, request.query);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return withActor(actorOf(request.authenticated), () =>
        importCatalogCsv(core, Readable.from([body]), { ...format, dryRun: dryRun === 'true', size: body.length, ...(name ? { name } : {}) }),
      );
    });
  });

  // The template is the import file's shape (its columns and an example row in the shop's currency and
  // default location, which every screen shows anyway): nothing a viewer may not read.
  app.get(CSV_TEMPLATE_PATH, { config: { role: 'viewer' } }, async (_request, reply) => {
    const { currency, defaultLocation } = core.settings.current();
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${IMPORT_TEMPLATE_NAME}"`)
      .send(importTemplateCsv({ currency, defaultLocation }));
  });

  app.get(CSV_EXPORT_PATH, { config: { role: OPERATION_ROLES['catalog.export'] } }, async (request, reply) => {
    // The Products list's filter (query, status, stock, location, itemGroupId): exactly what it shows.
    // Checked before the first byte, so a bad filter is a 422, not a cut-off file.
    const filter = parseInput(productFilterSchema, request.query);
    const deps = exportDeps(core);
    await locationIdOf(deps, filter.location);
    const body = new PassThrough();
    writeCatalogCsv(core.db, body, { deps, filter }).catch((error: Error) => {
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
