/**
 * The system services some suites need (a PostgreSQL server, OpenSSH's sshd, Chromium, xmllint),
 * and the one rule for when one is missing: outside CI the suite is skipped, with the Debian
 * package that enables it in its title and in `npm test`'s closing summary; with CI=true nothing
 * may be skipped for that reason, so the suite fails with the same message instead.
 *
 * Framework-free (vitest suites and Playwright fixtures both use it): `skipWithout` returns the
 * skip reason, and each suite hands it to its own runner's skip (`describe.skipIf`, `it.skipIf`,
 * `testInfo.skip`).
 *
 * How `npm test` learns what was skipped: scripts/test.mjs sets STOCKFEED_TEST_MISSING_SERVICES
 * to a file, and every skip appends one JSON line there (several processes write it: appends of
 * one short line do not interleave).
 */
import fs from 'node:fs';
import path from 'node:path';

export type ServiceId = 'postgresql' | 'sshd' | 'chromium' | 'xmllint' | 'redis';

/**
 * Where each service is looked for. Tests point these at empty folders; suites use
 * `lookupFrom(process.env)`.
 */
export type Lookup = {
  /** Admin URL of the test PostgreSQL server (scripts/test.mjs or .ci/run starts one). */
  pgUrl: string;
  /** The sshd binary tests/helpers/sshd.ts starts. */
  sshd: string;
  /** The Chromium binary the Playwright project launches. */
  chromium: string;
  /** The PATH searched for programs the tests run by name (xmllint). */
  PATH: string;
  /** The redis-server binary tests/helpers/redis-server.ts starts. */
  redisServer: string;
};

export function lookupFrom(env: NodeJS.ProcessEnv): Lookup {
  return {
    pgUrl: env.STOCKFEED_TEST_PG_URL ?? '',
    sshd: '/usr/sbin/sshd',
    chromium: env.PLAYWRIGHT_CHROMIUM || '/usr/bin/chromium',
    PATH: env.PATH ?? '',
    redisServer: '/usr/bin/redis-server',
  };
}

type Service = {
  /** What the service is, for messages. */
  label: string;
  /** The Debian package that installs it (.ci/run installs all of them). */
  package: string;
  /** Why it is unusable with this lookup, or null when it is there. */
  whyMissing(lookup: Lookup): string | null;
};

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on a PATH-style list, or null. */
export function findOnPath(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

export const SERVICES: Record<ServiceId, Service> = {
  postgresql: {
    label: 'PostgreSQL',
    package: 'postgresql',
    // npm test starts a throwaway server and sets the URL when the server binaries are installed.
    whyMissing: (l) => (l.pgUrl ? null : 'STOCKFEED_TEST_PG_URL is not set'),
  },
  sshd: {
    label: 'OpenSSH sshd',
    package: 'openssh-server',
    whyMissing: (l) => (executable(l.sshd) ? null : `no executable ${l.sshd}`),
  },
  chromium: {
    label: 'Chromium',
    package: 'chromium',
    whyMissing: (l) => (executable(l.chromium) ? null : `no executable ${l.chromium}; PLAYWRIGHT_CHROMIUM names another`),
  },
  xmllint: {
    label: 'xmllint',
    package: 'libxml2-utils',
    whyMissing: (l) => (findOnPath('xmllint', l.PATH) ? null : 'no executable xmllint on the PATH'),
  },
  redis: {
    label: 'Redis',
    package: 'redis-server',
    whyMissing: (l) => (executable(l.redisServer) ? null : `no executable ${l.redisServer}`),
  },
};

/** The line test.mjs reads, one per skipped suite. */
export type MissingServiceRecord = { service: ServiceId; package: string; suite: string; why: string };

const recorded = new Set<string>();

function record(file: string, entry: MissingServiceRecord): void {
  const line = JSON.stringify(entry);
  if (recorded.has(`${file}\n${line}`)) return;
  recorded.add(`${file}\n${line}`);
  fs.appendFileSync(file, `${line}\n`);
}

/**
 * For a suite that needs `id`: null when the service is there. When it is missing, outside CI:
 * the reason to skip with (it names the package), recorded for npm test's summary; with CI=true:
 * throws, so the suite fails rather than skips.
 */
export function skipWithout(id: ServiceId, suite: string, env: NodeJS.ProcessEnv = process.env, lookup: Lookup = lookupFrom(env)): string | null {
  const service = SERVICES[id];
  const why = service.whyMissing(lookup);
  if (why === null) return null;
  if (env.CI === 'true') {
    throw new Error(
      `CI=true but ${service.label} is not available (${why}): install ${service.package} (apt-get install ${service.package}); ` +
        `"${suite}" may not be skipped in CI`,
    );
  }
  const file = env.STOCKFEED_TEST_MISSING_SERVICES;
  if (file) record(file, { service: id, package: service.package, suite, why });
  return `needs ${service.label}: install ${service.package}`;
}

/** A suite or test title that says why it was skipped, when it was. */
export function titled(title: string, skipReason: string | null): string {
  return skipReason ? `${title} [skipped: ${skipReason}]` : title;
}
