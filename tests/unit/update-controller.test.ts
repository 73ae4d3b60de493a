/**
 * The update flow with a stand-in provider (no network, no Electron): available and downloaded,
 * none, an error, declined, a restart that waits for a running write, the 6-hour schedule, the
 * channel and automatic checks from the settings.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECK_EVERY_MS, releaseNotesText, UpdateController, type AvailableUpdate, type UpdateChannel, type UpdateProvider } from '../../electron/main/update-controller';
import { silentLogger } from '../../electron/core/logger';
import type { UpdateState } from '../../shared/schemas/updates';

type StandIn = UpdateProvider & { checks: UpdateChannel[]; installs: number; next: AvailableUpdate | null | Error; downloadFails: Error | null };

function standIn(next: StandIn['next']): StandIn {
  const provider: StandIn = {
    checks: [],
    installs: 0,
    next,
    downloadFails: null,
    async check(channel) {
      provider.checks.push(channel);
      if (provider.next instanceof Error) throw provider.next;
      return provider.next;
    },
    async download() {
      if (provider.downloadFails) throw provider.downloadFails;
    },
    install() {
      provider.installs++;
    },
  };
  return provider;
}

function controller(provider: UpdateProvider, options: { busy?: () => boolean; channel?: UpdateChannel; automaticChecks?: boolean } = {}) {
  const states: UpdateState[] = [];
  const settings = { channel: options.channel ?? 'stable', automaticChecks: options.automaticChecks ?? true };
  const c = new UpdateController({
    provider,
    settings: () => settings,
    busy: options.busy ?? (() => false),
    publish: (s) => states.push(s),
    log: silentLogger,
  });
  return { c, states, settings };
}

const UPDATE: AvailableUpdate = { version: '1.2.0', releaseNotes: '<p>Faster imports.</p>' };

describe('update controller', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('available: downloads quietly, then offers "Restart to update" with the release notes, and restarts only when asked', async () => {
    const provider = standIn(UPDATE);
    const { c, states } = controller(provider);
    await c.check();
    expect(states.map((s) => s.kind)).toEqual(['checking', 'downloading', 'downloaded']);
    expect(c.current()).toEqual({ kind: 'downloaded', version: '1.2.0', releaseNotes: '<p>Faster imports.</p>' });
    expect(provider.installs).toBe(0);
    // Later checks do not disturb a downloaded update.
    await c.check();
    expect(provider.checks).toHaveLength(1);
    expect(c.restartToUpdate()).toEqual({ kind: 'restarting', version: '1.2.0' });
    expect(provider.installs).toBe(1);
  });

  it('none: stays idle', async () => {
    const provider = standIn(null);
    const { c } = controller(provider);
    await c.check();
    expect(c.current()).toEqual({ kind: 'idle' });
    expect(c.restartToUpdate()).toEqual({ kind: 'idle' });
    expect(provider.installs).toBe(0);
  });

  it('error: reported, never thrown, and the next check tries again', async () => {
    const provider = standIn(new Error('net::ERR_INTERNET_DISCONNECTED'));
    const { c } = controller(provider);
    await expect(c.check()).resolves.toBeUndefined();
    expect(c.current()).toEqual({ kind: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' });
    provider.next = null;
    provider.downloadFails = null;
    await c.check();
    expect(c.current()).toEqual({ kind: 'idle' });
    provider.next = UPDATE;
    provider.downloadFails = new Error('sha512 checksum mismatch');
    await c.check();
    expect(c.current()).toEqual({ kind: 'error', message: 'sha512 checksum mismatch' });
    expect(provider.installs).toBe(0);
  });

  it('declined: the banner goes, nothing restarts, and the same version is not offered again (a newer one is)', async () => {
    const provider = standIn(UPDATE);
    const { c } = controller(provider);
    await c.check();
    expect(c.decline()).toEqual({ kind: 'declined', version: '1.2.0' });
    await c.check();
    expect(c.current()).toEqual({ kind: 'declined', version: '1.2.0' });
    expect(provider.installs).toBe(0);
    provider.next = { version: '1.2.1', releaseNotes: null };
    await c.check();
    expect(c.current()).toEqual({ kind: 'downloaded', version: '1.2.1', releaseNotes: null });
  });

  it('never restarts while a write or an import runs: waits, then restarts once the app is idle', async () => {
    let busy = true;
    const provider = standIn(UPDATE);
    const { c } = controller(provider, { busy: () => busy });
    await c.check();
    expect(c.restartToUpdate()).toEqual({ kind: 'waiting', version: '1.2.0' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(provider.installs).toBe(0);
    busy = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(provider.installs).toBe(1);
    expect(c.current()).toEqual({ kind: 'restarting', version: '1.2.0' });
  });

  it('checks at start and every 6 hours on the chosen channel; with automatic checks off, only when asked', async () => {
    const provider = standIn(null);
    const { c, settings } = controller(provider, { channel: 'beta' });
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.checks).toEqual(['beta']);
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS);
    expect(provider.checks).toEqual(['beta', 'beta']);
    settings.automaticChecks = false;
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS * 3);
    expect(provider.checks).toHaveLength(2);
    settings.channel = 'stable';
    await c.check(true);
    expect(provider.checks).toEqual(['beta', 'beta', 'stable']);
    c.stop();
  });
});

describe('release notes for the banner', () => {
  it('are plain text, never HTML', () => {
    expect(releaseNotesText('<h2>1.2.0</h2><ul><li>Faster <b>imports</b></li><li>Backups &amp; restore</li></ul><img src=x onerror=alert(1)>')).toBe('1.2.0\n• Faster imports\n• Backups & restore');
    expect(releaseNotesText([{ version: '1.2.0', note: 'Backups' }, { version: '1.1.0', note: null }])).toBe('1.2.0\nBackups\n\n1.1.0');
    expect(releaseNotesText(null)).toBeNull();
    expect(releaseNotesText('')).toBeNull();
  });
});
