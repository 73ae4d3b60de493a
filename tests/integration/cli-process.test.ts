import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/core';

const ROOT = path.resolve('.');

/** The real CLI in its own process, as a script or a shop owner runs it. */
function runCliProcess(...args: string[]) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const result = spawnSync('npx', ['tsx', 'electron/cli/main.ts', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI process', () => {
  const data = tempDir('stockfeed-cli-process-');
  afterAll(() => fs.rmSync(data, { recursive: true, force: true }));

  it('imports a file, exits 0 and prints the summary; a bad file exits 1 listing the rows', () => {
    const good = runCliProcess('import', 'tests/fixtures/csv/good.csv', '--data', data);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^Imported good\.csv: 4 created, 0 updated, 0 unchanged; 3 stock counts recorded, 0 skipped as unchanged\. Time taken: \d+\.\d+ s\.\n$/);
    expect(fs.existsSync(path.join(data, 'stockfeed.sqlite'))).toBe(true);

    const bad = runCliProcess('import', 'tests/fixtures/csv/duplicate-sku.csv', '--data', data);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      'duplicate-sku.csv: 1 problem found; nothing was imported.\n' +
        '  row 4, sku: SKU DUP-1 is already on row 2; a SKU may repeat only to give its stock at another location\n',
    );
  });
});
