import { ClientError } from './client';

/** "title is required" → "Title is required." — API messages read as sentences in the UI. */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?…)]$/.test(capital) ? capital : `${capital}.`;
}

/** A sentence for any failure, for a banner near the action that failed. */
export function describeError(error: unknown): string {
  if (error instanceof ClientError) return sentence(error.message);
  if (error instanceof Error) return sentence(`Something went wrong: ${error.message}`);
  return 'Something went wrong.';
}

/**
 * Field messages of a failed save, keyed by the first segment of each issue's path
 * (`additionalImageUrls.2` → `additionalImageUrls`); conflicts name their field in `details.field`.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ClientError)) return result;
  for (const issue of error.issues) {
    const field = issue.path.split('.')[0] ?? issue.path;
    result[field] ??= sentence(issue.message);
  }
  const field = (error.details as { field?: unknown } | null | undefined)?.field;
  if (typeof field === 'string' && !result[field]) result[field] = sentence(error.message);
  return result;
}

/** The product a 409 `conflict` names (the one that has the GTIN a save tried to use), or null. */
export function conflictingProduct(error: unknown): { id: string; sku: string; title: string } | null {
  if (!(error instanceof ClientError) || error.code !== 'conflict') return null;
  const details = error.details as { productId?: unknown; sku?: unknown; title?: unknown } | null | undefined;
  if (typeof details?.productId !== 'string' || typeof details.sku !== 'string') return null;
  return { id: details.productId, sku: details.sku, title: typeof details.title === 'string' ? details.title : details.sku };
}

/**
 * The field a 409 `conflict` names, or null for any other failure: `updatedAt` when the record
 * changed since the version a change was made from, `status` when its status no longer allows it.
 */
export function conflictField(error: unknown): string | null {
  if (!(error instanceof ClientError) || error.code !== 'conflict') return null;
  const field = (error.details as { field?: unknown } | null | undefined)?.field;
  return typeof field === 'string' ? field : null;
}
