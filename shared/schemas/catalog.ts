import { z } from 'zod';
import { CSV_DELIMITERS, CSV_ENCODINGS, DECIMAL_MARKS } from '../csv/csv-format';
import { IMPORT_FIELDS, type ImportMapping } from '../csv/import-fields';
import { IMPORT_PRESETS } from '../csv/import-presets';

/**
 * The largest CSV the contract operation takes as text (over IPC). The browser uploads files as a
 * raw `text/csv` body to `/api/v1/catalog/import.csv` instead, with the same limit.
 */
export const CATALOG_CSV_MAX_BYTES = 100 * 1024 * 1024;

const columnName = z
  .string({ error: "each field of the mapping names a column of the file's header" })
  .trim()
  .min(1, { message: "each field of the mapping names a column of the file's header" })
  .max(200);

/**
 * For each Stockfeed field, the column of the file that fills it, named as in the file's header
 * (`{"sku": "Variant SKU", "price": "Variant Price"}`); columns no field names are ignored.
 */
export const importMappingSchema = z
  // The key's enum is for the OpenAPI document; the check below words the refusal for people.
  .record(z.string().meta({ enum: [...IMPORT_FIELDS] }), columnName, { error: 'mapping is an object from Stockfeed field to the name of a column of the file' })
  .superRefine((mapping, ctx) => {
    for (const key of Object.keys(mapping)) {
      if (!(IMPORT_FIELDS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is not a field; the mapping's keys are Stockfeed fields: ${IMPORT_FIELDS.join(', ')}` });
      }
    }
  })
  .transform((mapping) => mapping as ImportMapping);

/**
 * How to read the file; what is not given is detected from its start. The encoding applies to a
 * file sent as bytes (the raw upload, the CLI); a file given as text is already decoded.
 */
export const importFormatFields = {
  delimiter: z.enum(CSV_DELIMITERS, { message: 'delimiter is comma, semicolon or tab' }).optional(),
  decimal: z.enum(DECIMAL_MARKS, { message: 'decimal is point (12.50) or comma (12,50)' }).optional(),
  /** Read the product export of this shop system: its columns, and its variant and image rows. */
  preset: z.enum(IMPORT_PRESETS, { message: 'preset is shopify or woocommerce' }).optional(),
  mapping: importMappingSchema.optional(),
};

export const importEncodingSchema = z.enum(CSV_ENCODINGS, { message: 'encoding is utf-8, utf-16le, utf-16be or windows-1252' });

export const catalogImportInput = z.strictObject({
  ...importFormatFields,
  csv: z
    .string({ error: 'csv must be the text of the CSV file' })
    .max(CATALOG_CSV_MAX_BYTES, { message: 'the CSV file is larger than 100 MB; split it into smaller files' }),
  /** Check every row, including against the database, and write nothing. */
  dryRun: z.boolean().default(false),
  /** The file's name, recorded as the reference of the stock counts it sets. */
  name: z.string().trim().max(200).optional(),
});

export const importIssueSchema = z.object({
  /** The row as numbered in the file: the header is row 1. */
  row: z.number(),
  /** The column as the file's header names it. */
  column: z.string().nullable(),
  /** The Stockfeed field, when a mapping gave the column another name. */
  field: z.string().optional(),
  message: z.string(),
});

/** A row left out on purpose (a preset's image row, a parent product), with the reason. */
export const importSkippedSchema = z.object({ row: z.number(), reason: z.string() });

/**
 * A row whose product is imported but whose stock figure is not (a shop's count below zero after
 * overselling), with the reason: the owner is to count that product.
 */
export const importCountLeftOutSchema = z.object({ row: z.number(), reason: z.string() });

/** How the file was read: as given, or as detected. */
export const importFormatSchema = z.object({
  /** Null when the file came as text (the JSON operation), already decoded. */
  encoding: z.enum(CSV_ENCODINGS).nullable(),
  delimiter: z.enum(CSV_DELIMITERS),
  decimal: z.enum(DECIMAL_MARKS),
  preset: z.enum(IMPORT_PRESETS).nullable(),
});

export const importReportSchema = z.object({
  ok: z.boolean(),
  dryRun: z.boolean(),
  rows: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  counts: z.number(),
  countsUnchanged: z.number(),
  issues: z.array(importIssueSchema),
  /** Rows not imported on purpose, each with the reason; they are not problems. */
  skipped: z.array(importSkippedSchema),
  /** Rows imported without their stock figure (a preset's negative count), each with the reason. */
  countsLeftOut: z.array(importCountLeftOutSchema),
  format: importFormatSchema,
  elapsedMs: z.number(),
});

export const catalogExportSchema = z.object({
  csv: z.string(),
  products: z.number(),
  rows: z.number(),
});

/** No idempotency key: loading twice is refused (the sample's SKUs exist), so a retry is safe. */
export const sampleLoadInput = z.strictObject({});

export const sampleLoadSchema = z.object({
  products: z.number(),
  locations: z.array(z.string()),
  movements: z.number(),
});

export type ImportIssue = z.output<typeof importIssueSchema>;
export type ImportReport = z.output<typeof importReportSchema>;
export type ImportSkipped = z.output<typeof importSkippedSchema>;
export type ImportCountLeftOut = z.output<typeof importCountLeftOutSchema>;
export type ImportFormatReport = z.output<typeof importFormatSchema>;
