/**
 * Security regression: the SFTP server's host is checked by the outbound address rules when the
 * settings are saved, not only at the next upload: a host on this computer or the local network
 * (by its text, or by what its name resolves to) answers 422 on `sftp.host` with the rule and where
 * to allow it, unless `webhooks.allowPrivateNetwork` is on (in the same save or already); link-local
 * never. Names resolve through the core's resolver seam, so no test needs the internet.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/logger';
import type { HostResolver } from '../../electron/core/net/outbound';
import { createApiServer } from '../../electron/server/http/server';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';

const TOKEN = 'sftp-save-token-0123456789abcdef';

const NAMES: Record<string, Array<{ address: string; family: number }>> = {
  'nas.office.test': [{ address: '192.168.1.5', family: 4 }],
  'files.example.test': [{ address: '93.184.215.14', family: 4 }],
  'metadata.example.test': [{ address: '169.254.169.254', family: 4 }],
};

const lookups: string[] = [];
const resolveHost: HostResolver = async (hostname) => {
  lookups.push(hostname);
  const found = NAMES[hostname];
  if (found) return found;
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

const LOCAL_REFUSAL =
  'refused: nas.office.test resolves to 192.168.1.5, which is private network (192.168/16); ' +
  'requests to this computer and the local network are refused unless the setting webhooks.allowPrivateNetwork is on; ' +
  'turn it on under Settings → Outgoing requests to publish there';

describe.each(engines())('the SFTP server host when settings are saved (%s)', (engine: Engine) => {
  let core: TestCore;
  let app: FastifyInstance;

  type Body = Record<string, unknown> & { sftp: Record<string, unknown>; webhooks: { allowPrivateNetwork: boolean } };
  const api = (method: 'GET' | 'PUT', body?: unknown) =>
    app.inject({ method, url: '/api/v1/settings', headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
  const current = async () => (await api('GET')).json() as Body;
  /** Saves SFTP switched on with `host`, and the private-network setting as given (default: as it is). */
  const saveSftp = async (host: string, allowPrivateNetwork?: boolean) => {
    const now = await current();
    return api('PUT', {
      ...now,
      sftp: { ...now.sftp, enabled: true, host, port: 22, username: 'shop', password: 'sftp-pass-0123' },
      webhooks: { allowPrivateNetwork: allowPrivateNetwork ?? now.webhooks.allowPrivateNetwork },
    });
  };

  beforeAll(async () => {
    core = await startCore(engine, { resolveHost });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });
  beforeEach(async () => {
    // Each test starts from SFTP off and the local network closed.
    const now = await current();
    expect((await api('PUT', { ...now, sftp: { ...now.sftp, enabled: false, host: '' }, webhooks: { allowPrivateNetwork: false } })).statusCode).toBe(200);
    lookups.length = 0;
  });

  it('refuses a name that resolves into the local network with 422 on sftp.host, saying why and where to allow it; nothing is saved', async () => {
    const res = await saveSftp('nas.office.test');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toEqual({
      code: 'validation_failed',
      message: `sftp.host: ${LOCAL_REFUSAL}`,
      details: { issues: [{ path: 'sftp.host', message: LOCAL_REFUSAL }] },
    });
    expect((await current()).sftp).toMatchObject({ enabled: false, host: '', hasPassword: false });
  });

  it('refuses this computer and the local network written as an address, without a lookup', async () => {
    for (const [host, rule] of [
      ['127.0.0.1', 'refused: 127.0.0.1 is loopback (127/8, this computer)'],
      ['localhost', 'refused: localhost is loopback (localhost, this computer)'],
      ['192.168.1.5', 'refused: 192.168.1.5 is private network (192.168/16)'],
      ['[::1]', 'refused: ::1 is loopback (::1, this computer)'],
    ] as const) {
      const res = await saveSftp(host);
      expect(res.statusCode, host).toBe(422);
      expect(res.json().error.details.issues, host).toEqual([{ path: 'sftp.host', message: expect.stringMatching(new RegExp(`^${rule.replace(/[()[\]/.]/g, '\\$&')}; .*Settings → Outgoing requests to publish there$`)) }]);
    }
    expect(lookups).toEqual([]);
  });

  it('accepts the local network when the owner allows it, in the same save or already', async () => {
    expect((await saveSftp('nas.office.test')).statusCode).toBe(422);
    expect((await saveSftp('127.0.0.1')).statusCode).toBe(422);
    const same = await saveSftp('nas.office.test', true);
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ sftp: { enabled: true, host: 'nas.office.test' }, webhooks: { allowPrivateNetwork: true } });

    const now = await current();
    expect((await api('PUT', { ...now, sftp: { ...now.sftp, enabled: false, host: '' } })).statusCode).toBe(200);
    const already = await saveSftp('127.0.0.1');
    expect(already.statusCode).toBe(200);
    expect(already.json().sftp).toMatchObject({ enabled: true, host: '127.0.0.1' });
  });

  it('refuses closing the local network while SFTP points into it, on sftp.host', async () => {
    expect((await saveSftp('nas.office.test', true)).statusCode).toBe(200);
    const now = await current();
    const res = await api('PUT', { ...now, webhooks: { allowPrivateNetwork: false } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual({ issues: [{ path: 'sftp.host', message: LOCAL_REFUSAL }] });
    expect((await current()).webhooks.allowPrivateNetwork).toBe(true);
  });

  it('never accepts link-local (cloud metadata), with the setting on or off', async () => {
    for (const allow of [false, true]) {
      for (const host of ['169.254.169.254', 'metadata.example.test']) {
        const res = await saveSftp(host, allow);
        expect(res.statusCode, `${host} ${allow}`).toBe(422);
        const [issue] = res.json().error.details.issues as Array<{ path: string; message: string }>;
        expect(issue?.path).toBe('sftp.host');
        expect(issue?.message).toMatch(/169\.254\.169\.254.* is link-local \(cloud metadata, 169\.254\/16\); requests there are always refused$/);
      }
    }
  });

  it('accepts a public host, and a name that does not resolve now (offline looks the same as a typo)', async () => {
    const res = await saveSftp('files.example.test');
    expect(res.statusCode).toBe(200);
    expect(res.json().sftp).toMatchObject({ enabled: true, host: 'files.example.test' });
    expect(lookups).toEqual(['files.example.test']);

    const unknown = await saveSftp('sftp.nowhere.test');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json().sftp).toMatchObject({ enabled: true, host: 'sftp.nowhere.test' });
  });

  it('checks only when where SFTP connects changes: other saves neither resolve the host nor fail on it', async () => {
    expect((await saveSftp('files.example.test')).statusCode).toBe(200);
    lookups.length = 0;
    // The name now leads into the local network (DNS changed since): the upload refuses it, the shop name still saves.
    NAMES['files.example.test'] = [{ address: '10.0.0.9', family: 4 }];
    try {
      const now = await current();
      expect((await api('PUT', { ...now, shopName: 'Renamed shop' })).statusCode).toBe(200);
      expect(lookups).toEqual([]);
      // Switched off and on again, it is checked again.
      expect((await api('PUT', { ...now, sftp: { ...now.sftp, enabled: false } })).statusCode).toBe(200);
      const again = await api('PUT', { ...now, sftp: { ...now.sftp, enabled: true } });
      expect(again.statusCode).toBe(422);
      expect(again.json().error.details.issues[0].message).toContain('files.example.test resolves to 10.0.0.9, which is private network (10/8)');
    } finally {
      NAMES['files.example.test'] = [{ address: '93.184.215.14', family: 4 }];
    }
  });
});
