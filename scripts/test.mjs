#!/usr/bin/env node
/**
 * `npm test`: typecheck, lint, build, the vitest suites and the Playwright suites, in that order.
 * Every step runs even when an earlier one failed (one run shows every problem), except that the
 * Playwright suites need the build. The last line is the totals the CI harness reads:
 * `N passed, N failed, N skipped`. Exits non-zero when a step or a test failed, or no test ran.
 *
 * When STOCKFEED_TEST_PG_URL is not set, a throwaway PostgreSQL is started for the run (see
 * scripts/pg-test-server.sh) so that the PostgreSQL half of the integration suites runs too.
 * STOCKFEED_TEST_NO_PG=1 skips that (the suites then run on SQLite only, except in CI).
 *
 * Outside CI, a suite whose system service (PostgreSQL, sshd, Chromium, xmllint) is not installed
 * skips itself; the summary names those suites with the Debian package that enables them. With
 * CI=true such a suite fails instead (tests/helpers/system-services.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { missingServiceSummary } from './missing-services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// Outside test-results/: Playwright empties that folder when it starts.
const reportDir = path.join(root, '.tmp', 'test-reports');
const vitestReport = path.join(reportDir, 'vitest.json');
const playwrightReport = path.join(reportDir, 'playwright.json');
// Appended to by every suite that skips for want of a system service.
const missingServicesFile = path.join(reportDir, 'missing-services.jsonl');
const pgScript = path.join(root, 'scripts', 'pg-test-server.sh');

/** @type {Array<{ name: string; ok: boolean; seconds: number; note?: string }>} */
const steps = [];
let current = null;
let interrupted = false;

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    // The child shares our process group on a terminal, but not under a harness: pass it on.
    current?.kill(signal);
  });
}

function banner(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(3, 76 - text.length))}`);
}

/** Runs a command with inherited output; resolves to its exit status (signals count as failure). */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    current = child;
    child.on('error', (error) => {
      console.error(`cannot run ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function step(name, command, args, env) {
  if (interrupted) {
    steps.push({ name, ok: false, seconds: 0, note: 'not run: interrupted' });
    return false;
  }
  banner(name);
  const started = Date.now();
  const status = await run(command, args, env);
  const seconds = (Date.now() - started) / 1000;
  steps.push({ name, ok: status === 0, seconds, ...(status === 0 ? {} : { note: `exit status ${status}` }) });
  return status === 0;
}

/** Starts a throwaway PostgreSQL when none is configured; returns a stop function, or null. */
function startPostgres() {
  if (process.env.STOCKFEED_TEST_PG_URL) {
    console.log(`PostgreSQL: using STOCKFEED_TEST_PG_URL (${redact(process.env.STOCKFEED_TEST_PG_URL)})`);
    return null;
  }
  if (process.env.STOCKFEED_TEST_NO_PG === '1') {
    console.log('PostgreSQL: STOCKFEED_TEST_NO_PG=1, so the PostgreSQL integration runs are SKIPPED');
    return null;
  }
  const found = spawnSync('bash', [pgScript, 'bindir'], { encoding: 'utf8' });
  if (found.status !== 0) {
    console.log(
      'PostgreSQL: SKIPPED — STOCKFEED_TEST_PG_URL is not set and no local server can be started ' +
        `(${found.stderr.trim().replace(/^pg-test-server: /, '')}). The integration suites run on SQLite only.`,
    );
    return null;
  }
  const dir = path.join(os.tmpdir(), `stockfeed-pg-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const stop = () => {
    const stopped = spawnSync('bash', [pgScript, 'stop', dir], { stdio: 'inherit' });
    if (stopped.status !== 0) {
      console.log(`PostgreSQL: stopping the throwaway server failed (${stopped.error?.message ?? `exit ${stopped.status ?? stopped.signal}`}); stop it with: bash scripts/pg-test-server.sh stop ${dir}`);
      return false;
    }
    return true;
  };
  const started = spawnSync('bash', [pgScript, 'start', dir], { encoding: 'utf8' });
  if (started.status !== 0) {
    stop();
    console.log(`PostgreSQL: SKIPPED — starting a local server failed:\n${started.stderr.trim()}`);
    return null;
  }
  const url = started.stdout.trim();
  process.env.STOCKFEED_TEST_PG_URL = url;
  console.log(`PostgreSQL: started a throwaway server for this run at ${url} (binaries in ${found.stdout.trim()})`);
  return stop;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Totals from vitest's JSON report. A file that failed outside its tests (it did not load, or a
 * hook threw) counts as one failure, so such a run never ends with "0 failed".
 */
function vitestTotals() {
  const report = readJson(vitestReport);
  if (!report) return null;
  const loadFailures = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + loadFailures,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    note: loadFailures > 0 ? `${loadFailures} test file(s) failed outside their tests (load error or hook)` : '',
  };
}

/** Totals from Playwright's JSON report; errors outside tests (config, global setup) count as failures. */
function playwrightTotals() {
  const report = readJson(playwrightReport);
  if (!report?.stats) return null;
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats;
  const errors = (report.errors ?? []).length;
  const notes = [];
  if (flaky > 0) notes.push(`${flaky} flaky (passed on retry)`);
  if (errors > 0) notes.push(`${errors} error(s) outside tests`);
  return { passed: expected + flaky, failed: unexpected + errors, skipped, note: notes.join('; ') };
}

/** The first lines of an error message, without colours, for the summary. */
function firstLines(message, count = 8) {
  return stripVTControlCharacters(String(message ?? ''))
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !/node_modules|node:internal|<anonymous>/.test(line))
    .slice(0, count);
}

/**
 * Each failed test with the start of its error, printed in the summary: CI keeps only the end of
 * the output, and the full reporter output of a failure can be hundreds of lines further up.
 */
export function failureDigest() {
  /** @type {Array<{ title: string; lines: string[] }>} */
  const failures = [];
  const vitest = readJson(vitestReport);
  for (const file of vitest?.testResults ?? []) {
    const rel = path.relative(root, file.name ?? '');
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    if (file.status === 'failed' && failed.length === 0) {
      failures.push({ title: `vitest ${rel}`, lines: firstLines(file.message) });
    }
    for (const t of failed) {
      failures.push({ title: `vitest ${rel} › ${t.fullName ?? t.title}`, lines: firstLines((t.failureMessages ?? []).join('\n')) });
    }
  }
  const playwright = readJson(playwrightReport);
  const walk = (suite, file) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected') continue;
        const last = (t.results ?? []).at(-1);
        const errors = last?.errors?.length ? last.errors : last?.error ? [last.error] : [];
        failures.push({
          title: `playwright ${spec.file ?? file}:${spec.line ?? ''} › ${spec.title}`,
          lines: firstLines(errors.map((e) => `${e.message ?? ''}\n${e.location ? `at ${path.relative(root, e.location.file)}:${e.location.line}` : ''}`).join('\n'), 12),
        });
      }
    }
    for (const child of suite.suites ?? []) walk(child, child.file ?? file);
  };
  for (const suite of playwright?.suites ?? []) walk(suite, suite.file);
  for (const error of playwright?.errors ?? []) failures.push({ title: 'playwright (outside tests)', lines: firstLines(error.message) });
  return failures;
}

/** Whether a step was started (it may still have failed). */
function ran(name) {
  return steps.some((s) => s.name === name && !s.note?.startsWith('not run'));
}

async function main() {
  fs.rmSync(reportDir, { recursive: true, force: true });
  fs.mkdirSync(reportDir, { recursive: true });
  process.env.STOCKFEED_TEST_MISSING_SERVICES = missingServicesFile;
  const stopPostgres = startPostgres();
  try {
    await step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
    await step('lint', 'npm', ['run', '--silent', 'lint']);
    const built = await step('build (electron-vite)', bin('electron-vite'), ['build', '--logLevel', 'warn']);
    await step('vitest', bin('vitest'), [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport}`,
    ]);
    if (built || interrupted) {
      await step('playwright', bin('playwright'), ['test', '--pass-with-no-tests', '--reporter=list,json'], {
        PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
      });
    } else {
      steps.push({ name: 'playwright', ok: false, seconds: 0, note: 'not run: the build failed and the e2e tests serve out/renderer' });
    }
  } finally {
    if (stopPostgres?.()) console.log('PostgreSQL: throwaway server stopped');
  }

  banner('summary');
  const suites = [
    ['vitest', vitestTotals(), ran('vitest')],
    ['playwright', playwrightTotals(), ran('playwright')],
  ];
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const [name, totals, started] of suites) {
    if (!totals) {
      console.log(`${name.padEnd(11)} no report${started ? ' (the run crashed before writing one)' : ' (not run)'}`);
      continue;
    }
    total.passed += totals.passed;
    total.failed += totals.failed;
    total.skipped += totals.skipped;
    const note = totals.note ? ` — ${totals.note}` : '';
    console.log(`${name.padEnd(11)} ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped${note}`);
  }
  for (const s of steps) {
    console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(22)} ${s.seconds.toFixed(1).padStart(6)} s${s.note ? `  (${s.note})` : ''}`);
  }
  for (const line of missingServiceSummary(missingServicesFile)) console.log(line);
  const failures = failureDigest();
  if (failures.length > 0) {
    console.log(`\nfailed tests (${failures.length}; the start of each error):`);
    for (const failure of failures.slice(0, 10)) {
      console.log(`- ${failure.title}`);
      for (const line of failure.lines) console.log(`    ${line}`);
    }
    if (failures.length > 10) console.log(`  … and ${failures.length - 10} more above`);
  }
  const testsRun = total.passed + total.failed;
  if (testsRun === 0) console.log('FAIL: no test ran');
  const ok = !interrupted && steps.every((s) => s.ok) && total.failed === 0 && testsRun > 0;
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exitCode = ok ? 0 : 1;
}

// Run as `npm test`; importing it (a test of the summary) runs nothing.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
