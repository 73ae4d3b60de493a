/**
 * The SFTP server field takes a host name or an IP address and nothing else: a typed scheme, port,
 * path or space is refused when the settings are saved (422 on `sftp.host`, shown under Server),
 * instead of being saved and failing only at the next upload on the Publishing screen.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/logger';
import type { HostResolver } from '../../electron/core/net/outbound';
import { createApiServer } from '../../electron/server/http/server';
import { engines, startCore, type Engine, type TestCore } from '../helpers/core';

const TOKEN = 'sftp-host-format-token-0123456789';
const MESSAGE = 'the SFTP server is a host name such as sftp.example.com or an IP address, without sftp:// or a :port (the port has its own field)';

const resolveHost: HostResolver = async (hostname) => {
  if (hostname === 'files.example.test') return [{ address: '93.184.215.14', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe.each(engines())('the SFTP server host’s form when settings are saved (%s)', (engine: Engine) => {
  let core: TestCore;
  let app: FastifyInstance;
  type Body = Record<string, unknown> & { sftp: Record<string, unknown> };
  const api = (method: 'GET' | 'PUT', body?: unknown) =>
    app.inject({ method, url: '/api/v1/settings', headers: { authorization: `Bearer ${TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
  const current = async () => (await api('GET')).json() as Body;
  const saveSftp = async (host: string, enabled = true) => {
    const now = await current();
    return api('PUT', { ...now, sftp: { ...now.sftp, enabled, host, port: 22, username: 'shop', password: 'sftp-pass-0123' }, webhooks: { allowPrivateNetwork: true } });
  };

  beforeAll(async () => {
    core = await startCore(engine, { resolveHost });
    app = await createApiServer({ core, token: TOKEN, version: '9.9.9', logger: silentLogger, rateLimit: false });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it.each(['bad host name', 'sftp://files.example.test', 'files.example.test:2222', 'files.example.test/uploads', 'user@files.example.test', '-files.example.test'])(
    'refuses %j on sftp.host and saves nothing',
    async (host) => {
      const before = await current();
      const res = await saveSftp(host);
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', message: `sftp.host: ${MESSAGE}`, details: { issues: [{ path: 'sftp.host', message: MESSAGE }] } });
      expect((await current()).sftp).toEqual(before.sftp);
    },
  );

  it('refuses it with SFTP off too: the host is kept for when it is switched on', async () => {
    expect((await saveSftp('files example test', false)).statusCode).toBe(422);
  });

  it('loads a host an earlier version saved in another form, and saves the other settings beside it', async () => {
    expect((await saveSftp('files.example.test')).statusCode).toBe(200);
    const legacy = 'files.example.test:2222';
    await core.queue.exclusive(async ({ trx }) => {
      const row = (await trx('settings').where({ key: 'shop' }).first()) as { value: string };
      const value = JSON.parse(row.value) as Body;
      await trx('settings').where({ key: 'shop' }).update({ value: JSON.stringify({ ...value, shopName: 'Legacy Shop', sftp: { ...value.sftp, host: legacy } }) });
    });
    await core.settings.load();
    // Not every setting back to its default because one field is in an older form.
    expect(core.settings.current()).toMatchObject({ shopName: 'Legacy Shop', sftp: { enabled: true, host: legacy } });
    const now = await current();
    expect(now.sftp.host).toBe(legacy);
    const other = await api('PUT', { ...now, shopName: 'Renamed Shop' });
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json()).toMatchObject({ shopName: 'Renamed Shop', sftp: { host: legacy } });
    // Changing it still takes the form.
    expect((await saveSftp('files.example.test:2223')).statusCode).toBe(422);
    expect((await saveSftp('files.example.test')).statusCode).toBe(200);
  });

  it.each(['files.example.test', 'files_2.example.test', '10.1.2.3', 'fd00::5', '[fd00::5]', ''])('accepts %j', async (host) => {
    const res = await saveSftp(host);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().sftp).toMatchObject({ host });
  });
});
