/**
 * The update banner's state in the page: what main pushes, the state asked for at mount (a page
 * loaded after the download still shows it), and the owner's two answers sent back as they are.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import type { UpdateState } from '../../shared/schemas/updates';

describe('useUpdateBanner', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).stockfeed;
    vi.resetModules();
  });

  it('shows what main pushes, asks for the state at start, and sends restart and later', async () => {
    let push: ((s: UpdateState) => void) | null = null;
    const actions: string[] = [];
    (globalThis as Record<string, unknown>).stockfeed = {
      onUpdate: (cb: (s: UpdateState) => void) => {
        push = cb;
        return () => {
          push = null;
        };
      },
      updateAction: async (action: string) => {
        actions.push(action);
        const value: UpdateState =
          action === 'status' ? { kind: 'downloaded', version: '1.2.0', releaseNotes: 'Backups' } : action === 'restart' ? { kind: 'waiting', version: '1.2.0' } : { kind: 'declined', version: '1.2.0' };
        return { ok: true, value };
      },
    };
    const { useUpdateBanner } = await import('../../renderer/src/desktop-shell');
    const scope = effectScope();
    const banner = scope.run(() => useUpdateBanner());
    await Promise.resolve();
    await Promise.resolve();
    expect(actions).toEqual(['status']);
    expect(banner?.state.value).toEqual({ kind: 'downloaded', version: '1.2.0', releaseNotes: 'Backups' });
    (push as unknown as (s: UpdateState) => void)({ kind: 'downloaded', version: '1.3.0', releaseNotes: null });
    expect(banner?.state.value).toMatchObject({ version: '1.3.0' });
    await banner?.restart();
    expect(banner?.state.value).toEqual({ kind: 'waiting', version: '1.2.0' });
    await banner?.later();
    expect(actions).toEqual(['status', 'restart', 'later']);
    scope.stop();
    expect(push).toBeNull();
  });

  it('stays idle in a browser (no bridge)', async () => {
    const { useUpdateBanner } = await import('../../renderer/src/desktop-shell');
    const scope = effectScope();
    const banner = scope.run(() => useUpdateBanner());
    expect(banner?.state.value).toEqual({ kind: 'idle' });
    await banner?.restart();
    expect(banner?.state.value).toEqual({ kind: 'idle' });
    scope.stop();
  });
});
