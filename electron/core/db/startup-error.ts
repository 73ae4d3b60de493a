/**
 * Why a database cannot be used where a restore is the fix: the file is damaged, or is not a
 * SQLite database at all (the command line's restore then works without opening it).
 */
export type UnusableReason = 'damaged' | 'not-a-database';

/** Stockfeed cannot start on this data; the message names the file or server and the fix. */
export class StartupError extends Error {
  readonly unusable: UnusableReason | null;

  constructor(message: string, options?: { cause?: unknown; unusable?: UnusableReason }) {
    super(message, options);
    this.name = 'StartupError';
    this.unusable = options?.unusable ?? null;
  }
}
