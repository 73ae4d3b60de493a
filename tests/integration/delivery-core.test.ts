/**
 * The delivery runner inside a real core: settings saved through the contract reach it, the key
 * file lands in the default publish folder, publishes are delivered, and close() stops it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishOutcome } from '../../electron/core/publish/types';
import { engines, productInput, startCore, type Engine, type TestCore } from '../helpers/core';
import { startIndexNowEndpoint, type IndexNowEndpoint } from '../helpers/indexnow-endpoint';
import { startSshd, type TestSshd } from '../helpers/sshd';
import { skipWithout, titled } from '../helpers/system-services';

const KEY = 'core-wiring-key-1';
const noSshd = skipWithout('sshd', 'delivery in the core');

describe.skipIf(noSshd).each(engines())(titled('delivery in the core (%s)', noSshd), (engine: Engine) => {
  let core: TestCore;
  let endpoint: IndexNowEndpoint;
  let sshd: TestSshd;
  beforeAll(async () => {
    core = await startCore(engine, { delivery: { retry: { baseMs: 20, maxMs: 100, maxAttempts: 3 } } });
    endpoint = await startIndexNowEndpoint({ keyFolder: () => path.join(core.dataDir, 'publish') });
    sshd = await startSshd();
  });
  afterAll(async () => {
    await core.cleanup();
    await endpoint.close();
    await sshd.stop();
  });

  it('starts with both targets off', () => {
    expect(core.delivery.status().map((s) => [s.target, s.state])).toEqual([
      ['sftp', 'off'],
      ['indexnow', 'off'],
    ]);
  });

  it('rejects an engine that is neither a host name nor an http(s) URL when settings are saved', async () => {
    const current = await core.call('settings.get', {});
    await expect(core.call('settings.update', { ...current, indexNow: { enabled: true, key: KEY, engine: 'ftp://x y' } })).rejects.toThrow(
      /IndexNow engine must be a host name/,
    );
  });

  it('reacts to saved settings and delivers publishes handed to it', async () => {
    const current = await core.call('settings.get', {});
    await core.call('settings.update', {
      ...current,
      shopUrl: 'https://shop.example.com',
      indexNow: { enabled: true, key: KEY, engine: endpoint.url },
      // The stand-in engine listens on 127.0.0.1: the owner allows this computer.
      webhooks: { allowPrivateNetwork: true },
    });
    await core.delivery.idle();
    const publishDir = path.join(core.dataDir, 'publish');
    // The settings change alone writes the key file into the default publish folder.
    expect(fs.readFileSync(path.join(publishDir, `${KEY}.txt`), 'utf8')).toBe(KEY);
    expect(core.delivery.status().find((s) => s.target === 'indexnow')?.state).toBe('idle');

    const outcome: PublishOutcome = {
      seq: 42,
      publishDir,
      full: false,
      files: [],
      changedFiles: [],
      removedFiles: [],
      changedUrls: ['https://shop.example.com/products/mug'],
    };
    core.delivery.onPublished(outcome);
    await core.delivery.idle();
    expect(endpoint.violations).toEqual([]);
    expect(endpoint.accepted.map((r) => r.body.urlList)).toEqual([['https://shop.example.com/products/mug']]);
    expect(core.delivery.status().find((s) => s.target === 'indexnow')).toMatchObject({ state: 'idle', lastSeq: 42 });
  });

  it('the real publisher hands each publish to delivery: files over SFTP, changed product URLs to IndexNow', async () => {
    const remoteDir = path.join(sshd.rootDir, `shop-${engine}`);
    const current = await core.call('settings.get', {});
    await core.call('settings.update', {
      ...current,
      productUrlTemplate: 'https://shop.example.com/products/{slug}',
      sftp: { ...current.sftp, enabled: true, host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey, remoteDir },
    });
    const before = endpoint.accepted.length;
    await core.call('products.create', productInput('MUG-1', { slug: 'blue-mug', imageUrl: 'https://shop.example.com/img/mug.jpg' }));
    await core.publisher.start();
    await core.publisher.idle();
    await core.delivery.idle();

    const statuses = Object.fromEntries(core.delivery.status().map((s) => [s.target, s]));
    expect(statuses.sftp).toMatchObject({ state: 'idle', lastError: null });
    expect(statuses.indexnow).toMatchObject({ state: 'idle', lastError: null });
    const publishDir = path.join(core.dataDir, 'publish');
    // Every file of the publish folder is on the server, byte for byte (the key file included),
    // the JSON-LD files under jsonld/ (locally a link to the set in place, on the server a folder).
    const top = fs.readdirSync(publishDir, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
    const local = [...top, ...fs.readdirSync(path.join(publishDir, 'jsonld')).map((n) => `jsonld/${n}`)];
    expect(local.length).toBeGreaterThan(2);
    expect(local).toContain('jsonld/blue-mug.json');
    for (const rel of local) {
      expect(fs.readFileSync(path.join(remoteDir, rel), 'utf8'), rel).toBe(fs.readFileSync(path.join(publishDir, rel), 'utf8'));
    }
    expect(fs.existsSync(path.join(remoteDir, `${KEY}.txt`))).toBe(true);
    const submitted = endpoint.accepted.slice(before).flatMap((r) => r.body.urlList);
    expect(submitted).toContain('https://shop.example.com/products/blue-mug');
    expect(endpoint.violations).toEqual([]);
  });
});
