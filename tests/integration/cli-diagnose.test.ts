/**
 * `npm run cli -- diagnose` (and Help → Copy diagnostic report, the same core function): version,
 * platform, database size and schema, publishing and the last problems logged, and no secret.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { openCore } from '../../electron/core/core';
import { MIGRATIONS } from '../../electron/core/db/migrations/index';
import { openFileLogger } from '../../electron/core/logging/file-logger';
import { VERSION } from '../../electron/core/version';
import { contract } from '../../shared/contract';
import { parseInput } from '../../shared/validation';
import { productInput, tempDir } from '../helpers/core';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('diagnose', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('prints version, platform, database, schema, publishing and the last problems, without secrets', async () => {
    const dataDir = tempDir('stockfeed-diag-');
    dirs.push(dataDir);
    const log = await openFileLogger({ dataDir });
    const core = await openCore({ dataDir, expirySweepMs: 0, backups: { checkEveryMs: 0 }, logger: log });
    const token = core.tokens.current();
    await core.handlers['products.create'](parseInput(contract['products.create'].input, productInput('DIAG-1')));
    const settings = await core.handlers['settings.get']({});
    await core.handlers['settings.update'](
      parseInput(contract['settings.update'].input, {
        ...settings,
        sftp: { ...settings.sftp, host: 'files.example.com', username: 'shop', password: 'sftp-pass-Secret99' },
        channels: { shopify: { secret: 'shpss_0123456789abcdefSECRET' }, woocommerce: {} },
      }),
    );
    log.error('webhook delivery failed: https://user:hook-pass-77@hooks.example.com/x answered 500');
    log.warn('disk space is low');
    await core.close();
    await log.close();

    const res = await cli('diagnose', '--data', dataDir);
    expect(res.code).toBe(0);
    const report = res.out;
    expect(report).toContain(`Stockfeed ${VERSION}`);
    expect(report).toContain(`${process.platform} ${process.arch}`);
    expect(report).toMatch(/SQLite .*stockfeed\.sqlite: \d+\.\d MB/);
    expect(report).toContain(`Schema version: ${MIGRATIONS[MIGRATIONS.length - 1]?.[0]}`);
    expect(report).toMatch(/products: 1\b/);
    expect(report).toMatch(/files reflect sequence none yet of \d+; last published never/);
    expect(report).toContain('webhook delivery failed: https://***@hooks.example.com/x answered 500');
    expect(report).toContain('disk space is low');
    for (const secret of [token, 'sftp-pass-Secret99', 'shpss_0123456789abcdefSECRET', 'hook-pass-77']) expect(report).not.toContain(secret);
  });
});
