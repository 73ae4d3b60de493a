/**
 * Packaging cannot run here (electron-builder downloads Electron for each target), so its
 * configuration is checked instead: electron-builder.yml against app-builder-lib's own JSON schema
 * (the one `npm run package` validates with), and the parts that decide whether the app works once
 * installed: its id, a target per platform, the icon, the native module outside the asar archive,
 * the fuses, the update feed and its channels, and the runtime modules shipped as dependencies.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

type AjvClass = new (options: Record<string, unknown>) => { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null } };
type Target = string | { target: string };
type Config = {
  appId?: string;
  productName?: string;
  directories?: { buildResources?: string; output?: string };
  asarUnpack?: string[];
  asar?: boolean;
  npmRebuild?: boolean;
  electronFuses?: Record<string, boolean>;
  linux?: { target?: Target | Target[]; category?: string; maintainer?: string };
  mac?: { target?: Target | Target[]; category?: string };
  win?: { target?: Target | Target[] };
  publish?: { provider: string; owner?: string; repo?: string } | Array<{ provider: string }>;
  generateUpdatesFilesForAllChannels?: boolean;
};

const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Config;
const targets = (t: Target | Target[] | undefined) => (Array.isArray(t) ? t : t ? [t] : []).map((x) => (typeof x === 'string' ? x : x.target));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const head = fs.readFileSync(file).subarray(0, 24);
  expect(head.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("is valid against app-builder-lib's own configuration schema", () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as Record<string, unknown>;
    const Ajv = (require('ajv') as { default: AjvClass }).default;
    // electron-builder's own settings: unknown keywords allowed (its schema has a few), no coercion.
    const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
    // The schema is strict about names: a misspelt key is caught, so this test has teeth.
    expect(validate({ ...config, appID: 'com.example.typo' })).toBe(false);
  });

  it('names the app and builds for Linux, Windows and macOS', () => {
    expect(config.appId).toBe('com.stockfeed.app');
    expect(config.productName).toBe('Stockfeed');
    expect(targets(config.linux?.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.linux?.maintainer).toBeTruthy();
    expect(targets(config.win?.target)).toContain('nsis');
    expect(targets(config.mac?.target)).toContain('dmg');
    expect(config.mac?.category).toMatch(/^public\.app-category\./);
  });

  it('has an icon big enough for every platform (macOS 512×512 at least, Windows 256, Linux derives its sizes)', () => {
    const dir = path.join(root, config.directories?.buildResources ?? 'build');
    const icon = path.join(dir, 'icon.png');
    expect(fs.existsSync(icon)).toBe(true);
    const { width, height } = pngSize(icon);
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(512);
  });

  it("keeps sqlite3's native module outside the asar archive, and does not rebuild it", () => {
    const { minimatch } = require('minimatch') as { minimatch(p: string, pattern: string): boolean };
    const native = 'node_modules/sqlite3/build/Release/node_sqlite3.node';
    expect(fs.existsSync(path.join(root, native))).toBe(true);
    expect((config.asarUnpack ?? []).some((pattern) => minimatch(native, pattern))).toBe(true);
    expect(config.asar).not.toBe(false);
    expect(config.npmRebuild).toBe(false);
  });

  it('sets the fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('publishes to the GitHub releases electron-updater reads, with a feed for the beta channel too', () => {
    const publish = Array.isArray(config.publish) ? config.publish[0] : config.publish;
    expect(publish).toMatchObject({ provider: 'github', owner: 'stockfeed', repo: 'stockfeed' });
    // A stable release also writes beta.yml, so owners on the beta channel get it.
    expect(config.generateUpdatesFilesForAllChannels).toBe(true);
  });

  it('ships the modules the app loads at run time as dependencies (only those are packed)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    for (const name of ['electron-updater', 'sqlite3', 'knex', 'pino', 'pino-roll', 'zod']) expect(Object.keys(pkg.dependencies)).toContain(name);
    expect(pkg.scripts.package).toBe('electron-vite build && electron-builder');
  });
});
