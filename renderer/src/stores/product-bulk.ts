import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Input } from '../../../shared/contract';
import type { BulkJob } from '../../../shared/schemas/product-bulk';
import { useClient } from '../api/app-api';
import { describeError } from '../api/errors';
import { newIdempotencyKey } from '../api/idempotency-key';
import { bulkWording, type BulkEditInput } from '../bulk-wording';
import { useProductListStore } from './product-list';

/** How often a running job's progress is read. */
const POLL_MS = 300;

/**
 * Bulk changes from the Products screen, as jobs in the core: started for the selection (its SKUs,
 * or the list's filter for "all N matching"), followed until they end, cancelable. The job runs in
 * the core, so leaving the screen (or reloading the page) does not stop it; coming back shows it.
 */
export const useProductBulkStore = defineStore('product-bulk', () => {
  const client = useClient();
  const list = useProductListStore();
  /** The job shown: running, or the last one that ended (until dismissed). */
  const job = ref<BulkJob | null>(null);
  /** The edit that started it (unknown for a job found running after a reload). */
  const edit = ref<BulkEditInput | null>(null);
  const error = ref<string | null>(null);
  const cancelling = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const running = computed(() => job.value?.state === 'running');
  /** What the job is doing, for its progress bar ("Archiving"). */
  const jobWording = computed(() => (job.value ? bulkWording(job.value.action, edit.value).doing : ''));

  function follow(next: BulkJob): void {
    job.value = next;
    clearTimeout(timer);
    if (next.state === 'running') {
      timer = setTimeout(() => void poll(next.id), POLL_MS);
      return;
    }
    cancelling.value = false;
    // The products changed: their rows came through the change stream; the tabs and a list whose
    // filter they left need a fresh read.
    list.refresh();
  }

  async function poll(id: string): Promise<void> {
    try {
      follow(await client['products.bulkJobs.get']({ id }));
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  /** Starts the change for what is selected now; the selection is cleared once it has started. */
  async function start(change: BulkEditInput): Promise<void> {
    error.value = null;
    const target = list.selectionTarget();
    try {
      // One key per click: a start retried after a lost answer starts one job, not two.
      const input: Input<'products.bulkJobs.start'> = { ...target, ...change, idempotencyKey: newIdempotencyKey() };
      const started = await client['products.bulkJobs.start'](input);
      edit.value = change;
      list.clearSelection();
      follow(started);
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  async function cancel(): Promise<void> {
    const current = job.value;
    if (!current || current.state !== 'running') return;
    cancelling.value = true;
    try {
      follow(await client['products.bulkJobs.cancel']({ id: current.id }));
    } catch (failure) {
      cancelling.value = false;
      error.value = describeError(failure);
    }
  }

  /** After a reload: a job still running in the core is shown again, with its progress. */
  async function resume(): Promise<void> {
    if (job.value) return;
    try {
      const { jobs } = await client['products.bulkJobs.list']({});
      const runningJob = jobs.find((j) => j.state === 'running');
      if (runningJob && !job.value) {
        edit.value = null;
        follow(runningJob);
      }
    } catch {
      // Nothing to show; the list works without it.
    }
  }

  function dismiss(): void {
    if (running.value) return;
    job.value = null;
    edit.value = null;
    error.value = null;
  }

  return { job, edit, error, running, jobWording, cancelling, start, cancel, resume, dismiss };
});
