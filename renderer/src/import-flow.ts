/**
 * The CSV import screen's steps: pick a file (its first rows are shown at once, read in the
 * encoding, delimiter and columns detected, which the user may change), check it (a dry run on
 * the server: every problem by row and column, nothing written), import it, see what it did.
 */
import { computed, ref, shallowRef } from 'vue';
import { decodeCsvBytes, notCsvReason, SNIFF_BYTES } from '../../shared/csv/csv-format';
import type { ImportField } from '../../shared/csv/import-fields';
import type { ImportReport } from '../../shared/schemas/catalog';
import { ImportCancelled, type ImportRun, type TransferProgress } from './api/catalog-transfer';
import { describeError } from './api/errors';
import type { CsvPreview } from './csv-preview';
import { assignColumn, readFileChoices, requestFormat, type FileChoices, type FileHead, type ImportChoices } from './import-choices';
import { useCatalogStore } from './stores/catalog';

export type ImportStep = 'empty' | 'picked' | 'checking' | 'checked' | 'importing' | 'done';

export function useCsvImport() {
  const catalog = useCatalogStore();
  const file = shallowRef<File | null>(null);
  const head = shallowRef<FileHead | null>(null);
  /** What was detected, what is chosen, and the first rows read with it. */
  const read = shallowRef<FileChoices | null>(null);
  const preview = computed<CsvPreview | null>(() => read.value?.preview ?? null);
  const step = ref<ImportStep>('empty');
  const progress = ref<TransferProgress | null>(null);
  const report = ref<ImportReport | null>(null);
  const error = ref<string | null>(null);
  /** Set when cancel came too late to stop a real import. */
  const tooLate = ref(false);
  let run: ImportRun | null = null;

  const busy = computed(() => step.value === 'checking' || step.value === 'importing');

  async function pick(chosen: File | null): Promise<void> {
    if (busy.value) return;
    file.value = chosen;
    report.value = null;
    error.value = null;
    progress.value = null;
    head.value = null;
    read.value = null;
    step.value = chosen ? 'picked' : 'empty';
    if (!chosen) return;
    try {
      const whole = chosen.size <= SNIFF_BYTES;
      const bytes = new Uint8Array(await chosen.slice(0, SNIFF_BYTES).arrayBuffer());
      if (file.value !== chosen) return;
      const notCsv = notCsvReason(bytes);
      if (notCsv !== null) {
        // The server would say the same; there is nothing to preview or check.
        error.value = `${chosen.name}: ${notCsv}.`;
        step.value = 'empty';
        return;
      }
      head.value = { bytes, whole };
      read.value = readFileChoices(head.value);
    } catch (failure) {
      error.value = `The file could not be read: ${describeError(failure)}`;
    }
  }

  /**
   * Reads the file again with a changed choice (encoding, delimiter, decimal mark, kind of file,
   * columns). A check already made was of the old choices, so it is set aside.
   */
  function choose(patch: Partial<ImportChoices>): void {
    if (busy.value || !head.value || !read.value) return;
    read.value = readFileChoices(head.value, { ...read.value.choices, ...patch }, read.value);
    if (step.value !== 'picked') {
      step.value = 'picked';
      report.value = null;
      error.value = null;
    }
  }

  function setColumn(index: number, field: ImportField | null): void {
    if (read.value) choose({ columns: assignColumn(read.value.choices.columns, index, field) });
  }

  function start(dryRun: boolean): ImportRun {
    const chosen = file.value as File;
    const { choices, preview: shown } = read.value as FileChoices;
    return catalog.startImport({
      file: {
        name: chosen.name,
        size: chosen.size,
        text: async () => decodeCsvBytes(new Uint8Array(await chosen.arrayBuffer()), choices.encoding),
        body: chosen,
      },
      format: requestFormat(choices, shown.header),
      dryRun,
      onProgress: (next: TransferProgress) => {
        progress.value = next;
      },
    });
  }

  async function go(dryRun: boolean): Promise<void> {
    if (!file.value || !read.value || busy.value) return;
    step.value = dryRun ? 'checking' : 'importing';
    error.value = null;
    tooLate.value = false;
    const current = start(dryRun);
    run = current;
    try {
      const result = await current.result;
      report.value = result;
      // A real import that found problems (the data changed since the check) wrote nothing either.
      step.value = dryRun || !result.ok ? 'checked' : 'done';
    } catch (failure) {
      // Back one step: a failed check to the picked file, a failed import to its good check.
      if (dryRun) report.value = null;
      step.value = dryRun ? 'picked' : 'checked';
      error.value = failure instanceof ImportCancelled ? failure.message : describeError(failure);
    } finally {
      if (run === current) run = null;
      progress.value = null;
    }
  }

  /** Stops the running check or import if it is still possible; says so when it is not. */
  function cancel(): void {
    if (!run) return;
    tooLate.value = !run.cancel();
  }

  function reset(): void {
    if (busy.value) return;
    void pick(null);
  }

  return {
    file,
    read,
    preview,
    step,
    progress,
    report,
    error,
    tooLate,
    busy,
    pick,
    choose,
    setColumn,
    check: () => go(true),
    commit: () => go(false),
    cancel,
    reset,
  };
}

export type CsvImport = ReturnType<typeof useCsvImport>;
