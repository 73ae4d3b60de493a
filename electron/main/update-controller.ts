/**
 * The update flow the owner controls, without Electron in it (updates.ts adapts electron-updater
 * to `UpdateProvider`), so it is unit-tested with a stand-in provider. It looks for an update at
 * start and every 6 hours (unless automatic checks are off), downloads it quietly, then shows
 * "Restart to update to X.Y.Z" and does nothing more until the owner says so. It never restarts
 * on its own, and a restart the owner asked for waits while a write or an import runs. The copy
 * of the database to go back to is made by the core at the first start of the new version.
 */
import type { Logger } from '../core/logger';
import type { UpdateState } from '../../shared/schemas/updates';

export const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;
/** How often a restart that waits for the write path looks again. */
const BUSY_POLL_MS = 1000;

export type UpdateChannel = 'stable' | 'beta';

export type AvailableUpdate = { version: string; releaseNotes: string | null };

/** What the controller needs of an updater (electron-updater, or a stand-in in tests). */
export type UpdateProvider = {
  /** Looks for a newer version on the channel; null when this one is the newest. */
  check(channel: UpdateChannel): Promise<AvailableUpdate | null>;
  /** Downloads the update `check` found; resolves once it is ready to install. */
  download(): Promise<void>;
  /** Quits and installs the downloaded update, then starts the new version. */
  install(): void;
};

export type UpdateControllerDeps = {
  provider: UpdateProvider;
  /** The owner's settings, read at every check. */
  settings: () => { channel: UpdateChannel; automaticChecks: boolean };
  /** True while a write or an import runs: no restart then. */
  busy: () => boolean;
  /** Every state change, for the renderer's banner. */
  publish: (state: UpdateState) => void;
  log: Logger;
  checkEveryMs?: number;
};

export class UpdateController {
  private state: UpdateState = { kind: 'idle' };
  private timer: NodeJS.Timeout | null = null;
  private waitTimer: NodeJS.Timeout | null = null;
  private declined: string | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: UpdateControllerDeps) {}

  current(): UpdateState {
    return this.state;
  }

  /** Checks now and every 6 hours, when automatic checks are on (the setting is read each time). */
  start(): void {
    void this.check(false);
    this.timer = setInterval(() => void this.check(false), this.deps.checkEveryMs ?? CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.timer = null;
    this.waitTimer = null;
  }

  /**
   * Looks for an update and downloads it; `manual` checks even when automatic checks are off.
   * Never throws: a failure becomes the `error` state and a log line, and the next check tries again.
   */
  check(manual = true): Promise<void> {
    if (!manual && !this.deps.settings().automaticChecks) return Promise.resolve();
    // Already downloaded, or the restart is under way: nothing to look for until the owner acts.
    if (['downloaded', 'waiting', 'restarting'].includes(this.state.kind)) return Promise.resolve();
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    const { provider, log } = this.deps;
    const channel = this.deps.settings().channel;
    this.set({ kind: 'checking' });
    try {
      const found = await provider.check(channel);
      if (!found) {
        this.set({ kind: 'idle' });
        return;
      }
      // The owner said "later" to this version: keep quiet until a newer one appears.
      if (found.version === this.declined) {
        this.set({ kind: 'declined', version: found.version });
        return;
      }
      this.set({ kind: 'downloading', version: found.version });
      await provider.download();
      log.info('update downloaded', { version: found.version, channel });
      this.set({ kind: 'downloaded', version: found.version, releaseNotes: found.releaseNotes });
    } catch (error) {
      const message = (error as Error).message || String(error);
      log.warn(`update check failed: ${message}`, { channel });
      this.set({ kind: 'error', message });
    }
  }

  /** The owner clicked "Restart to update": installs now, or as soon as no write or import runs. */
  restartToUpdate(): UpdateState {
    const s = this.state;
    if (s.kind !== 'downloaded' && s.kind !== 'waiting') return s;
    if (this.deps.busy()) {
      if (s.kind !== 'waiting') this.set({ kind: 'waiting', version: s.version });
      this.waitTimer = setTimeout(() => this.restartToUpdate(), BUSY_POLL_MS);
      this.waitTimer.unref?.();
      return this.state;
    }
    this.set({ kind: 'restarting', version: s.version });
    this.deps.log.info('restarting to update', { version: s.version });
    this.deps.provider.install();
    return this.state;
  }

  /** The owner clicked "Later": the banner goes, and this version is not offered again this run. */
  decline(): UpdateState {
    const s = this.state;
    if (s.kind !== 'downloaded' && s.kind !== 'waiting') return s;
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.declined = s.version;
    this.set({ kind: 'declined', version: s.version });
    return this.state;
  }

  private set(state: UpdateState): void {
    this.state = state;
    this.deps.publish(state);
  }
}

/**
 * Release notes as plain text for the banner (never HTML: they come from the release feed, and the
 * page shows text only). electron-updater gives a string (often HTML) or one note per version.
 */
export function releaseNotesText(notes: string | ReadonlyArray<{ version: string; note: string | null }> | null | undefined): string | null {
  const raw = typeof notes === 'string' ? notes : notes?.map((n) => `${n.version}\n${n.note ?? ''}`).join('\n\n');
  if (!raw) return null;
  const text = raw
    .replace(/<(br|\/p|\/li|\/h\d)\s*\/?>/gi, '\n')
    .replace(/<li[^>]*>/gi, '• ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.slice(0, 4000) || null;
}
