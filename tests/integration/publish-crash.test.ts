import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { openCore } from '../../electron/core/core';
import { engines, startCore, type TestCore } from '../helpers/core';
import { configureShop, FIXTURES, insertCrashProducts, killWhenWriting, parseFeed, parseTsv, sitemapEntries, xmllint } from '../fixtures/publish/helpers';
import { latestSeq } from '../../electron/core/changes/change-log';
import { skipWithout, titled } from '../helpers/system-services';

const PRODUCTS = 20_000;
const noXmllint = skipWithout('xmllint', 'a publisher killed mid-write');

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every published file parses whole; returns the feed's channel title. */
function checkIntact(dir: string): string {
  const { channel, items } = parseFeed(path.join(dir, 'google-merchant.xml'));
  expect(items).toHaveLength(PRODUCTS);
  expect(parseTsv(path.join(dir, 'google-merchant.tsv'))).toHaveLength(PRODUCTS);
  expect(xmllint('sitemap-with-images.xsd', path.join(dir, 'sitemap.xml')).code).toBe(0);
  expect(sitemapEntries(path.join(dir, 'sitemap.xml')).size).toBe(PRODUCTS);
  JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  return String(channel.title);
}

describe.skipIf(noXmllint).each(engines())(titled('a publisher killed mid-write on %s', noXmllint), (engine) => {
  let core: TestCore;
  let dir: string;
  beforeAll(async () => {
    core = await startCore(engine);
    await configureShop(core);
    // Long descriptions make the feed big enough (~25 MB) to be caught mid-write.
    await insertCrashProducts(core, PRODUCTS);
    await core.call('publish.run', {});
    dir = core.publisher.publishDir();
    await core.publisher.stop();
  }, 180_000);
  afterAll(async () => {
    await core?.cleanup();
  });

  it('leaves the old files whole, and a restart catches up with the database', async () => {
    expect(checkIntact(dir)).toBe('Test Shop');
    // A change the killed child was publishing when it died.
    await core.call('settings.update', { ...(await core.call('settings.get', {})), shopName: 'Version 2' });

    const env = { ...process.env, DATABASE_URL: core.config.kind === 'pg' ? core.config.url : '' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(FIXTURES, 'crash-child.ts'), core.dataDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // Wait until the child is writing the feed's temporary file, then kill it without warning.
    const temp = new RegExp(`^\\.google-merchant\\.xml\\.tmp-${child.pid}-`);
    await killWhenWriting(child, exited, dir, temp);
    expect(fs.readdirSync(dir).some((n) => temp.test(n))).toBe(true); // the half-written temporary file is still there

    // Every file a reader can open is whole (old or new, never half-written).
    const title = checkIntact(dir);
    expect(['Test Shop', 'Version 2']).toContain(title);

    // A restart catches up: the files match the database and the leftovers are gone.
    const restarted = await openCore({ dataDir: core.dataDir, databaseUrl: env.DATABASE_URL || undefined, expirySweepMs: 0 });
    try {
      await restarted.publisher.start();
      expect(checkIntact(dir)).toBe('Version 2');
      // Nothing hidden is left but the JSON-LD set in place (where `jsonld` is a link to it).
      const ld = path.join(dir, 'jsonld');
      const current = fs.lstatSync(ld).isSymbolicLink() ? fs.readlinkSync(ld) : null;
      expect(fs.readdirSync(dir).filter((n) => n.startsWith('.') && n !== current)).toEqual([]);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { seq: number; files: Array<{ name: string; sha256: string }> };
      const status = await restarted.handlers['publish.status']({});
      expect(manifest.seq).toBe(status.seq);
      const newest = await restarted.db('changes').whereNot('type', 'published').max({ seq: 'seq' }).first();
      expect(manifest.seq).toBeGreaterThanOrEqual(Number((newest as { seq: number }).seq));
      expect(await latestSeq(restarted.db)).toBeGreaterThan(manifest.seq);
      for (const f of manifest.files.filter((x) => !x.name.startsWith('jsonld/') || x.name.endsWith('-1.json'))) {
        expect(sha256(path.join(dir, f.name)), f.name).toBe(f.sha256);
      }
    } finally {
      await restarted.close();
    }
  }, 240_000);

  it('a full rewrite killed while it writes the JSON-LD leaves the whole old set or the whole new one, never a mix', async () => {
    // Every JSON-LD file names the shop as the seller: a new name changes all 20,000 of them.
    const sellers = () => {
      const names = fs.readdirSync(path.join(dir, 'jsonld'));
      const seen = new Map<string, number>();
      for (const n of names) {
        const doc = JSON.parse(fs.readFileSync(path.join(dir, 'jsonld', n), 'utf8')) as { offers: { seller?: { name: string } } };
        const seller = doc.offers.seller?.name ?? '';
        seen.set(seller, (seen.get(seller) ?? 0) + 1);
      }
      return { files: names.length, seen };
    };
    const before = sellers();
    expect(before.files).toBe(PRODUCTS);
    expect(before.seen.size).toBe(1);
    const oldSeller = [...before.seen.keys()][0] as string;
    await core.call('settings.update', { ...(await core.call('settings.get', {})), shopName: `${oldSeller} (renamed)` });

    const env = { ...process.env, DATABASE_URL: core.config.kind === 'pg' ? core.config.url : '' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(FIXTURES, 'crash-child.ts'), core.dataDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // Wait until the child has written part of the new JSON-LD (wherever it writes it: its
    // temporary files, or a folder of its own), then kill it without warning.
    const own = new RegExp(`\\.tmp-${child.pid}-`);
    const writing = () => {
      const top = fs.readdirSync(dir).filter((n) => own.test(n) && n.startsWith('.jsonld'));
      if (top.some((n) => fs.readdirSync(path.join(dir, n)).length > PRODUCTS / 4)) return true;
      const inside = fs.readdirSync(path.join(dir, 'jsonld'));
      return inside.some((n) => own.test(n)) && inside.filter((n) => n.endsWith('.json')).length > 0 && sellers().seen.size > 1;
    };
    const deadline = Date.now() + 120_000;
    let caught = false;
    while (Date.now() < deadline && !caught) {
      caught = writing();
      if (!caught) await new Promise((r) => setTimeout(r, 20));
    }
    expect(caught).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // One whole set: every file, all old or all new.
    const after = sellers();
    expect(after.files).toBe(PRODUCTS);
    expect(after.seen.size, [...after.seen].map(([k, v]) => `${v} × ${k}`).join(', ')).toBe(1);

    // A restart catches up, and clears what the killed writer left.
    const restarted = await openCore({ dataDir: core.dataDir, databaseUrl: env.DATABASE_URL || undefined, expirySweepMs: 0 });
    try {
      await restarted.publisher.start();
      await restarted.publisher.stop();
      const caughtUp = sellers();
      expect(caughtUp.files).toBe(PRODUCTS);
      expect([...caughtUp.seen.keys()]).toEqual([`${oldSeller} (renamed)`]);
      expect(fs.readdirSync(dir).filter((n) => own.test(n))).toEqual([]);
      // At most the set in place is left of the versioned folders.
      expect(fs.readdirSync(dir).filter((n) => /^\.jsonld-\d+-/.test(n)).length).toBeLessThanOrEqual(1);
    } finally {
      await restarted.close();
    }
  }, 240_000);
});
