/**
 * The CSV import screen's steps: pick a file (its first rows are shown at once), check it (a dry
 * run on the server: every problem by row and column, nothing written), import it, see what it did.
 */
import { computed, ref, shallowRef } from 'vue';
import type { ImportReport } from '../../shared/schemas/catalog';
import { ImportCancelled, type ImportRun, type TransferProgress } from './api/catalog-transfer';
import { describeError } from './api/errors';
import { completeLines, previewCsv, type CsvPreview } from './csv-preview';
import { useCatalogStore } from './stores/catalog';

export type ImportStep = 'empty' | 'picked' | 'checking' | 'checked' | 'importing' | 'done';

const PREVIEW_BYTES = 64 * 1024;

export function useCsvImport() {
  const catalog = useCatalogStore();
  const file = shallowRef<File | null>(null);
  const preview = ref<CsvPreview | null>(null);
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
    preview.value = null;
    step.value = chosen ? 'picked' : 'empty';
    if (!chosen) return;
    try {
      const whole = chosen.size <= PREVIEW_BYTES;
      const text = await chosen.slice(0, PREVIEW_BYTES).text();
      if (file.value === chosen) preview.value = previewCsv(completeLines(text, whole));
    } catch (failure) {
      error.value = `The file could not be read: ${describeError(failure)}`;
    }
  }

  function start(dryRun: boolean): ImportRun {
    const chosen = file.value as File;
    return catalog.startImport({
      file: { name: chosen.name, size: chosen.size, text: () => chosen.text(), body: chosen },
      dryRun,
      onProgress: (next: TransferProgress) => {
        progress.value = next;
      },
    });
  }

  async function go(dryRun: boolean): Promise<void> {
    if (!file.value || busy.value) return;
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

  return { file, preview, step, progress, report, error, tooLate, busy, pick, check: () => go(true), commit: () => go(false), cancel, reset };
}

export type CsvImport = ReturnType<typeof useCsvImport>;
