import { z } from 'zod';

/**
 * The largest CSV the contract operation takes as text (over IPC). The browser uploads files as a
 * raw `text/csv` body to `/api/v1/catalog/import.csv` instead, with the same limit.
 */
export const CATALOG_CSV_MAX_BYTES = 100 * 1024 * 1024;

export const catalogImportInput = z.strictObject({
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
  column: z.string().nullable(),
  message: z.string(),
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
