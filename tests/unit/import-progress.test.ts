/**
 * The progress reporter's estimate of a file's rows (what a streamed import projects its new
 * products over, import-stream.ts), with and without someone listening to the progress.
 */
import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../electron/core/catalog/import-progress';

describe('fileRows', () => {
  it('estimates the rows from the share of the file read, whether or not anyone listens', () => {
    for (const listener of [undefined, () => undefined]) {
      const progress = progressReporter(listener, 1_000_000);
      expect(progress.fileRows()).toBeNull();
      progress.read(2_000, 100_000);
      expect(progress.fileRows()).toBe(20_000);
      progress.read(5_000, 1_000_000);
      expect(progress.fileRows()).toBe(5_000);
    }
  });

  it('has no estimate for a file of unknown size', () => {
    const progress = progressReporter(undefined);
    progress.read(2_000, 100_000);
    expect(progress.fileRows()).toBeNull();
  });
});
