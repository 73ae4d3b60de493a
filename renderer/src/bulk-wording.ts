/**
 * How a bulk change is put into words on the Products screen: what it is doing while it runs, and
 * what it did, from the job the core reports ("2 of 2 products archived (1 already was).").
 */
import type { Input } from '../../shared/contract';
import type { BulkJob } from '../../shared/schemas/product-bulk';
import type { ProductStatus } from '../../shared/schemas/product';
import { formatQuantity } from './format';

/** The change a bulk action makes, as products.bulkJobs.start takes it (without the products). */
export type BulkEditInput = Omit<Input<'products.bulkJobs.start'>, 'skus' | 'filter' | 'idempotencyKey'>;

export const STATUS_LABELS: Record<ProductStatus, string> = { active: 'Active', archived: 'Archived', discontinued: 'Discontinued' };

type Wording = { doing: string; done: string };

export function bulkWording(action: BulkJob['action'], edit: BulkEditInput | null): Wording {
  switch (action) {
    case 'archive':
      return { doing: 'Archiving', done: 'archived' };
    case 'unarchive':
      return { doing: 'Making active again', done: 'made active again' };
    case 'status':
      return edit?.status ? { doing: `Setting the status to ${STATUS_LABELS[edit.status]} for`, done: `set to ${STATUS_LABELS[edit.status]}` } : { doing: 'Setting the status of', done: 'given the new status' };
    case 'buffer':
      return { doing: 'Setting the buffer stock of', done: 'given the new buffer' };
    case 'price':
      return { doing: 'Changing the price of', done: 'given the new price' };
    case 'salePrice':
      return edit && edit.salePrice === null ? { doing: 'Taking off sale', done: 'taken off sale' } : { doing: 'Setting the sale price of', done: 'given the new sale price' };
  }
}

/** One sentence for a job that has ended (finished, cancelled or failed). */
export function jobSummary(job: BulkJob, edit: BulkEditInput | null): string {
  const { done } = bulkWording(job.action, edit);
  const n = formatQuantity;
  const unchanged = job.unchanged > 0 ? ` (${n(job.unchanged)} already ${job.unchanged === 1 ? 'was' : 'were'})` : '';
  const refused = job.refused > 0 ? ` ${n(job.refused)} could not be changed.` : '';
  if (job.state === 'cancelled') {
    return `Cancelled after ${n(job.processed)} of ${n(job.total)} products: ${n(job.updated)} ${done}${unchanged}.${refused} The others were not changed.`;
  }
  if (job.state === 'failed') {
    return `Stopped after ${n(job.processed)} of ${n(job.total)} products (${n(job.updated)} ${done}): ${job.error ?? 'an error'}`;
  }
  return `${n(job.updated)} of ${n(job.total)} products ${done}${unchanged}.${refused}`;
}
