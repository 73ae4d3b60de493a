/**
 * The browser tab's icon: renderer/public/favicon.ico is copied into the built UI by Vite, linked
 * from index.html, and served at /favicon.ico without a token (it was a 404 on every page).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../electron/server/http/server';
import { silentLogger } from '../../electron/core/logger';
import { startCore, tempDir, type TestCore } from '../helpers/core';

const RENDERER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../renderer');
const ICON = path.join(RENDERER, 'public/favicon.ico');

describe('favicon', () => {
  let core: TestCore;
  let app: FastifyInstance;

  beforeAll(async () => {
    core = await startCore('sqlite');
    // The built UI's layout: index.html with the public folder's files beside it.
    const staticDir = tempDir('stockfeed-ui-');
    fs.copyFileSync(path.join(RENDERER, 'index.html'), path.join(staticDir, 'index.html'));
    if (fs.existsSync(ICON)) fs.copyFileSync(ICON, path.join(staticDir, 'favicon.ico'));
    app = await createApiServer({ core, token: 'favicon-token-0123456789abcdef', version: 'test', logger: silentLogger, staticDir });
  });
  afterAll(async () => {
    await app?.close();
    await core?.cleanup();
  });

  it('is an ICO with 16, 32 and 48 px images, linked from the page', () => {
    const ico = fs.readFileSync(ICON);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i]);
    expect(sizes).toEqual([16, 32, 48]);
    expect(fs.readFileSync(path.join(RENDERER, 'index.html'), 'utf8')).toMatch(/<link rel="icon" href="\/favicon\.ico" \/>/);
  });

  it('is served at /favicon.ico without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    expect(res.rawPayload.equals(fs.readFileSync(ICON))).toBe(true);
  });
});
