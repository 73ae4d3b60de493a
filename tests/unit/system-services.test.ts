/**
 * The rule for suites whose system service is missing (tests/helpers/system-services.ts): found
 * where it is installed, missing in an empty folder; outside CI the suite skips with the package
 * in the reason and is recorded for npm test's summary (scripts/missing-services.mjs); with
 * CI=true it fails instead and nothing is recorded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOnPath, lookupFrom, SERVICES, skipWithout, titled, type Lookup, type ServiceId } from '../helpers/system-services';

let dir: string;
let empty: string;
let installed: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stockfeed-services-'));
  empty = path.join(dir, 'empty');
  installed = path.join(dir, 'bin');
  fs.mkdirSync(empty);
  fs.mkdirSync(installed);
  for (const name of ['sshd', 'chromium', 'xmllint', 'redis-server']) {
    fs.writeFileSync(path.join(installed, name), '#!/bin/sh\n');
    fs.chmodSync(path.join(installed, name), 0o755);
  }
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A machine where nothing is installed: every path points into an empty folder. */
const nothing = (): Lookup => ({ pgUrl: '', sshd: path.join(empty, 'sshd'), chromium: path.join(empty, 'chromium'), PATH: empty, redisServer: path.join(empty, 'redis-server') });
/** A machine where everything is. */
const everything = (): Lookup => ({
  pgUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  sshd: path.join(installed, 'sshd'),
  chromium: path.join(installed, 'chromium'),
  PATH: `${empty}${path.delimiter}${installed}`,
  redisServer: path.join(installed, 'redis-server'),
});

const ids = Object.keys(SERVICES) as ServiceId[];

function readRecords(file: string): unknown[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('detecting a system service', () => {
  it.each(ids)('finds %s where it is installed and misses it in an empty folder', (id) => {
    expect(SERVICES[id].whyMissing(everything())).toBeNull();
    expect(SERVICES[id].whyMissing(nothing())).toEqual(expect.any(String));
  });

  it('does not count a file that is not executable, or a folder, as installed', () => {
    fs.chmodSync(path.join(installed, 'xmllint'), 0o644);
    fs.chmodSync(path.join(installed, 'sshd'), 0o644);
    // Root may execute any file with an execute bit, but not one without.
    expect(findOnPath('xmllint', installed)).toBeNull();
    expect(SERVICES.sshd.whyMissing({ ...everything(), sshd: path.join(installed, 'sshd') })).toBe(`no executable ${path.join(installed, 'sshd')}`);
    expect(SERVICES.chromium.whyMissing({ ...everything(), chromium: installed })).toContain(`no executable ${installed}`);
  });

  it('reads the same places the suites use: Debian paths, PLAYWRIGHT_CHROMIUM and STOCKFEED_TEST_PG_URL', () => {
    expect(lookupFrom({ PATH: '/usr/bin' })).toEqual({ pgUrl: '', sshd: '/usr/sbin/sshd', chromium: '/usr/bin/chromium', PATH: '/usr/bin', redisServer: '/usr/bin/redis-server' });
    expect(lookupFrom({ PLAYWRIGHT_CHROMIUM: '/opt/chrome', STOCKFEED_TEST_PG_URL: 'postgres://x' })).toMatchObject({ chromium: '/opt/chrome', pgUrl: 'postgres://x' });
  });
});

describe('skipping a suite whose service is missing', () => {
  it.each([
    ['sshd', 'openssh-server'],
    ['chromium', 'chromium'],
    ['xmllint', 'libxml2-utils'],
    ['postgresql', 'postgresql'],
  ] as const)('outside CI, a suite without %s skips, names %s and is recorded once for the summary', (id, pkg) => {
    const file = path.join(dir, 'missing-services.jsonl');
    const env = { STOCKFEED_TEST_MISSING_SERVICES: file };
    const reason = skipWithout(id, `suite needing ${id}`, env, nothing());
    expect(reason).toBe(`needs ${SERVICES[id].label}: install ${pkg}`);
    expect(titled('a suite', reason)).toBe(`a suite [skipped: needs ${SERVICES[id].label}: install ${pkg}]`);
    skipWithout(id, `suite needing ${id}`, env, nothing());
    expect(readRecords(file)).toEqual([{ service: id, package: pkg, suite: `suite needing ${id}`, why: SERVICES[id].whyMissing(nothing()) }]);
  });

  it.each(ids)('with CI=true, a suite without %s fails with the package to install, and nothing is recorded', (id) => {
    const file = path.join(dir, 'missing-services.jsonl');
    expect(() => skipWithout(id, 'the suite', { CI: 'true', STOCKFEED_TEST_MISSING_SERVICES: file }, nothing())).toThrow(
      new RegExp(`^CI=true but ${SERVICES[id].label} is not available \\(.+\\): install ${SERVICES[id].package} \\(apt-get install ${SERVICES[id].package}\\); "the suite" may not be skipped in CI$`),
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it.each(ids)('runs a suite whose %s is installed, in CI or not, and records nothing', (id) => {
    const file = path.join(dir, 'missing-services.jsonl');
    expect(skipWithout(id, 'the suite', { STOCKFEED_TEST_MISSING_SERVICES: file }, everything())).toBeNull();
    expect(skipWithout(id, 'the suite', { CI: 'true', STOCKFEED_TEST_MISSING_SERVICES: file }, everything())).toBeNull();
    expect(titled('a suite', null)).toBe('a suite');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('skips without recording when not run by npm test (no STOCKFEED_TEST_MISSING_SERVICES)', () => {
    expect(skipWithout('sshd', 'SFTP delivery', {}, nothing())).toBe('needs OpenSSH sshd: install openssh-server');
    expect(fs.readdirSync(dir).sort()).toEqual(['bin', 'empty']);
  });
});

describe("npm test's closing summary", () => {
  type SummaryModule = { missingServiceSummary(file: string): string[] };
  const load = async (): Promise<SummaryModule> =>
    (await import(new URL('../../scripts/missing-services.mjs', import.meta.url).href)) as SummaryModule;

  it('names each skipped suite under the package that enables it, sorted', async () => {
    const file = path.join(dir, 'missing-services.jsonl');
    const env = { STOCKFEED_TEST_MISSING_SERVICES: file };
    skipWithout('sshd', 'SFTP delivery', env, nothing());
    skipWithout('chromium', 'end-to-end in Chromium (tests/e2e)', env, nothing());
    skipWithout('sshd', 'delivery in the core', env, nothing());
    skipWithout('xmllint', 'present anyway', env, everything());
    const { missingServiceSummary } = await load();
    expect(missingServiceSummary(file)).toEqual([
      'skipped because a system service is missing (with CI=true they fail instead):',
      `  install chromium (no executable ${path.join(empty, 'chromium')}; PLAYWRIGHT_CHROMIUM names another): end-to-end in Chromium (tests/e2e)`,
      `  install openssh-server (no executable ${path.join(empty, 'sshd')}): delivery in the core, SFTP delivery`,
    ]);
  });

  it('says nothing when no suite skipped for a missing service', async () => {
    const { missingServiceSummary } = await load();
    expect(missingServiceSummary(path.join(dir, 'missing-services.jsonl'))).toEqual([]);
  });
});
