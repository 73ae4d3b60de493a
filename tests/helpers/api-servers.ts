/**
 * A Stockfeed server (a core and its HTTP API on an ephemeral port of 127.0.0.1) on a given
 * PostgreSQL database, for the tests that run several servers on one database.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { openCore, type Core } from '../../electron/core/core';
import { silentLogger } from '../../electron/core/logger';
import { createApiServer } from '../../electron/server/http/server';
import { tempDir } from './core';

export type ApiTestServer = { core: Core; app: FastifyInstance; port: number; base: string; dir: string };

export async function startApiServer(databaseUrl: string, token: string): Promise<ApiTestServer> {
  const dir = tempDir();
  const core = await openCore({ dataDir: dir, databaseUrl, expirySweepMs: 0 });
  const app = await createApiServer({ core, token, version: 't', logger: silentLogger, rateLimit: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return { core, app, port, base: `http://127.0.0.1:${port}`, dir };
}

/** Closes each server started (undefined: never started) and removes its data folder. */
export async function stopApiServers(servers: ReadonlyArray<ApiTestServer | undefined>): Promise<void> {
  for (const s of servers) {
    await s?.app.close();
    await s?.core.close();
    if (s) fs.rmSync(s.dir, { recursive: true, force: true });
  }
}
