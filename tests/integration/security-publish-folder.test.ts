/**
 * Security regression: Stockfeed writes only its own folder. The publish folder may be anywhere
 * (a local web root), but a folder holding files Stockfeed did not write is refused, on the
 * settings save (422 naming publishDir and the reason) and again when the publisher is about to
 * write (a folder that became foreign is left alone and the status says why). Relative paths are
 * refused. Stockfeed's own extras (gzip copies, split sitemaps, JSON-LD, the IndexNow key file,
 * temporary files) never make its folder look foreign.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { FILE_NAMES } from '../../electron/core/publish/artifacts';
import { claimPublishFolder, foreignEntries } from '../../electron/core/publish/publish-folder';
import { engines, startCore, tempDir, type Engine, type TestCore } from '../helpers/core';
import { configureShop, goodProduct } from '../fixtures/publish/helpers';

/** What a manifest of an earlier Stockfeed version looks like: no generator field. */
const OLD_MANIFEST = `{
  "files": [
    {"name":"jsonld/mug.json","bytes":10,"sha256":"${'a'.repeat(64)}"},
    {"name":"google-merchant.xml","bytes":20,"sha256":"${'b'.repeat(64)}"}
  ],
  "seq": 42,
  "writtenAt": "2026-11-30T10:00:00.000Z",
  "full": true,
  "counts": { "products": 1, "listed": 1, "feedItems": 1, "sitemapUrls": 1, "jsonLdFiles": 1, "files": 2 }
}
`;

async function refusal(run: Promise<unknown>): Promise<AppError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(engines())('the publish folder rule (%s)', (engine: Engine) => {
  let core: TestCore | undefined;
  const dirs: string[] = [];
  const folder = (...files: string[]) => {
    const dir = tempDir('stockfeed-web-');
    dirs.push(dir);
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), `someone else's ${f}`);
    }
    return dir;
  };
  afterEach(async () => {
    await core?.cleanup();
    core = undefined;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  async function open(extra: Parameters<typeof startCore>[1] = {}): Promise<TestCore> {
    core = await startCore(engine, extra);
    await configureShop(core);
    return core;
  }
  const setDir = async (c: TestCore, publishDir: string | null) => c.call('settings.update', { ...(await c.call('settings.get', {})), publishDir });

  it('refuses a relative path with 422 naming publishDir, and saves nothing', async () => {
    const c = await open();
    for (const value of ['publish-here', './web', '../elsewhere', '~/shop']) {
      const error = await refusal(setDir(c, value));
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual({ issues: [{ path: 'publishDir', message: expect.stringContaining('relative path') }] });
    }
    expect((await c.call('settings.get', {})).publishDir).toBeNull();
  });

  it('refuses a folder holding files Stockfeed did not write, listing them and suggesting a sub-folder', async () => {
    const c = await open();
    const web = folder('index.html', 'a.css', 'b.js', 'c.png', 'd.svg', 'favicon.ico', 'img/logo.png');
    const error = await refusal(setDir(c, web));
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(422);
    const message = (error.details as { issues: Array<{ path: string; message: string }> }).issues[0];
    expect(message?.path).toBe('publishDir');
    expect(message?.message).toBe(
      `the folder holds files Stockfeed did not write: a.css, b.js, c.png, d.svg, favicon.ico … (7 in all); choose an empty folder or a sub-folder such as ${path.join(web, 'stockfeed')}`,
    );
    expect(error.message).toContain('publishDir: the folder holds files Stockfeed did not write');
    // A manifest.json that is someone else's (a web app manifest) does not make it Stockfeed's.
    const pwa = folder();
    fs.writeFileSync(path.join(pwa, 'manifest.json'), JSON.stringify({ name: 'My shop', icons: [], files: [] }));
    expect((await refusal(setDir(c, pwa))).message).toContain('manifest.json');
    // Nor does a sitemap.xml of someone else's, however Stockfeed-like its name.
    expect((await refusal(setDir(c, folder('sitemap.xml')))).message).toContain('sitemap.xml');
    // A file where a folder should be, and the data folder itself (or a folder holding it).
    const file = path.join(folder(), 'feed.xml');
    fs.writeFileSync(file, 'x');
    expect((await refusal(setDir(c, file))).message).toContain('not a folder');
    expect((await refusal(setDir(c, c.dataDir))).message).toContain("Stockfeed's data folder");
    expect((await refusal(setDir(c, path.dirname(c.dataDir)))).message).toContain("Stockfeed's data folder");
    expect((await c.call('settings.get', {})).publishDir).toBeNull();
  });

  it('accepts a folder that does not exist yet, an empty one, one it published into before (also by an earlier version) and the default', async () => {
    const c = await open();
    await c.call('products.create', goodProduct('FOLDER-1'));
    const fresh = path.join(folder(), 'not', 'there', 'yet');
    expect((await setDir(c, fresh)).publishDir).toBe(fresh);
    await c.call('publish.run', {});
    expect(fs.existsSync(path.join(fresh, FILE_NAMES.merchantXml))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(fresh, FILE_NAMES.manifest), 'utf8')) as Record<string, unknown>;
    expect(manifest.generator).toBe('stockfeed');

    const empty = folder();
    expect((await setDir(c, empty)).publishDir).toBe(empty);
    // Back to the folder it published into.
    expect((await setDir(c, fresh)).publishDir).toBe(fresh);

    const older = folder();
    fs.writeFileSync(path.join(older, 'manifest.json'), OLD_MANIFEST);
    fs.writeFileSync(path.join(older, 'google-merchant.xml'), '<rss/>');
    fs.mkdirSync(path.join(older, 'jsonld'));
    fs.writeFileSync(path.join(older, 'jsonld', 'mug.json'), '{}');
    expect((await setDir(c, older)).publishDir).toBe(older);
    await c.call('publish.run', {});
    const slug = (await c.call('products.get', { idOrSku: 'FOLDER-1' })).slug;
    expect(JSON.parse(fs.readFileSync(path.join(older, 'manifest.json'), 'utf8'))).toMatchObject({ generator: 'stockfeed', files: expect.arrayContaining([expect.objectContaining({ name: `jsonld/${slug}.json` })]) });

    expect((await setDir(c, null)).publishDir).toBeNull();
    await c.call('publish.run', {});
    expect(c.publisher.publishDir()).toBe(path.join(c.dataDir, 'publish'));
  });

  it('does not write into a folder that became foreign: the publish is refused and the status says why; it resumes once the files are gone', async () => {
    const c = await open();
    await c.call('products.create', goodProduct('DROP-1'));
    const web = folder();
    await setDir(c, web);
    await c.call('publish.run', {});
    const feed = path.join(web, FILE_NAMES.merchantXml);
    const before = fs.readFileSync(feed, 'utf8');

    fs.writeFileSync(path.join(web, 'notes.txt'), 'mine');
    fs.writeFileSync(path.join(web, 'index.html'), '<h1>mine</h1>');
    await c.call('products.update', { idOrSku: 'DROP-1', title: 'A new title' });
    const error = await refusal(c.call('publish.run', { full: true }));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(`did not publish into ${web}: the folder holds files Stockfeed did not write: index.html, notes.txt`);
    const status = await c.call('publish.status', {});
    expect(status.lastError).toContain('index.html, notes.txt');
    expect(status.artifacts.find((a) => a.artifact === 'merchantXml')?.error).toContain('index.html, notes.txt');
    expect(fs.readFileSync(feed, 'utf8')).toBe(before);
    expect(fs.readFileSync(path.join(web, 'notes.txt'), 'utf8')).toBe('mine');
    // Saving other settings still works: the folder is checked when it changes.
    await c.call('settings.update', { ...(await c.call('settings.get', {})), shopName: 'Renamed' });

    fs.rmSync(path.join(web, 'notes.txt'));
    fs.rmSync(path.join(web, 'index.html'));
    await c.call('publish.run', {});
    expect(fs.readFileSync(feed, 'utf8')).toContain('A new title');
    expect((await c.call('publish.status', {})).lastError).toBeNull();
  });

  it("counts everything Stockfeed writes as its own: gzip copies, sitemap parts, JSON-LD, the IndexNow key file, temporary files", async () => {
    const c = await open({ sitemapLimits: { urls: 2, bytes: 50 * 1024 * 1024 } });
    const web = folder();
    await c.call('settings.update', {
      ...(await c.call('settings.get', {})),
      publishDir: web,
      gzip: true,
      indexNow: { enabled: true, key: 'abcdef0123456789', engine: 'api.indexnow.org' },
    });
    for (const sku of ['OWN-1', 'OWN-2', 'OWN-3', 'OWN-4', 'OWN-5']) await c.call('products.create', goodProduct(sku));
    await c.call('publish.run', {});
    // What the IndexNow target writes, and what a writer killed mid-publish leaves.
    fs.writeFileSync(path.join(web, 'abcdef0123456789.txt'), 'abcdef0123456789');
    fs.writeFileSync(path.join(web, '.google-merchant.xml.tmp-999999-0123abcd'), 'half');
    fs.mkdirSync(path.join(web, '.jsonld.tmp-999999-89abcdef'));
    const names = fs.readdirSync(web).sort();
    expect(names).toEqual(expect.arrayContaining(['sitemap.xml', 'sitemap-1.xml', 'sitemap-3.xml', 'sitemap-1.xml.gz', 'google-merchant.xml.gz', 'manifest.json.gz', 'jsonld']));
    expect(foreignEntries(web)).toEqual([]);
    await c.call('products.create', goodProduct('OWN-6'));
    await c.call('publish.run', { full: true });
    await setDir(c, folder());
    expect((await setDir(c, web)).publishDir).toBe(web);
    // A .txt that is not a key file (its content is not its name) is someone else's.
    fs.writeFileSync(path.join(web, 'fedcba9876543210.txt'), 'my notes');
    expect(foreignEntries(web)).toEqual(['fedcba9876543210.txt']);
  });

  it('marks a new folder as its own before writing anything else, so a first publish cut short leaves it recognisable', () => {
    const dataDir = tempDir('stockfeed-claim-');
    dirs.push(dataDir);
    const web = path.join(folder(), 'shop-feeds');
    claimPublishFolder(dataDir, web);
    expect(JSON.parse(fs.readFileSync(path.join(web, 'manifest.json'), 'utf8'))).toEqual({ generator: 'stockfeed', files: [] });
    // The feed was renamed into place, then the process died before the manifest.
    fs.writeFileSync(path.join(web, 'google-merchant.xml'), '<rss/>');
    expect(foreignEntries(web)).toEqual([]);
    expect(() => claimPublishFolder(dataDir, web)).not.toThrow();
    // The default folder is always Stockfeed's, whatever is in it.
    const own = path.join(dataDir, 'publish');
    fs.mkdirSync(own);
    fs.writeFileSync(path.join(own, 'stray.txt'), 'x');
    expect(() => claimPublishFolder(dataDir, own)).not.toThrow();
  });
});
