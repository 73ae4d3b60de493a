/**
 * The log file: pino in DATA/logs, rotated by size with the oldest files deleted, owner-only, one
 * JSON object per line with level and fields, and no secret in it however it was logged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logFiles, openFileLogger, recentProblems, type FileLogger } from '../../electron/core/logging/file-logger';
import { tempDir } from '../helpers/core';

const POSIX = process.platform !== 'win32';

describe('the log file', () => {
  const dirs: string[] = [];
  const loggers: FileLogger[] = [];
  afterEach(async () => {
    for (const l of loggers.splice(0)) await l.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const open = async (rotation?: { sizeBytes: number; files: number }) => {
    const dataDir = tempDir('stockfeed-logs-');
    dirs.push(dataDir);
    const logger = await openFileLogger({ dataDir, rotation, version: '9.9.9' });
    loggers.push(logger);
    return { dataDir, logger };
  };

  it('writes structured lines with levels into DATA/logs, owner-only', async () => {
    const { dataDir, logger } = await open();
    logger.info('backup written', { backup: '20261204T000000000Z-daily', sizeBytes: 1234 });
    logger.warn('disk nearly full');
    logger.error('publishing failed: EACCES');
    await logger.flush();
    expect(logger.dir).toBe(path.join(dataDir, 'logs'));
    const [file] = logFiles(logger.dir);
    const lines = fs.readFileSync(file ?? '', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'backup written', backup: '20261204T000000000Z-daily', sizeBytes: 1234, version: '9.9.9' });
    expect(lines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines.map((l) => l.level)).toEqual(['info', 'warn', 'error']);
    expect(recentProblems(logger.dir).map((p) => p.msg)).toEqual(['publishing failed: EACCES', 'disk nearly full']);
    if (POSIX) {
      expect(fs.statSync(logger.dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(file ?? '').mode & 0o777).toBe(0o600);
    }
  });

  it('rotates by size and keeps only the newest files', async () => {
    const { logger } = await open({ sizeBytes: 4096, files: 3 });
    for (let i = 0; i < 400; i++) {
      logger.info(`line ${i} ${'x'.repeat(100)}`, { i });
      // Lines arrive over time in a running app; the next file starts on the next turn.
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    await logger.flush();
    // pino-roll deletes old files once the new one is open.
    await new Promise((r) => setTimeout(r, 200));
    const files = logFiles(logger.dir);
    expect(files.length).toBeLessThanOrEqual(3);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect(fs.statSync(f).size).toBeLessThan(4096 + 10 * 200);
    const all = files.map((f) => fs.readFileSync(f, 'utf8')).join('');
    expect(all).toContain('"i":399');
    expect(all).not.toContain('"i":0,');
  });

  it('redacts secrets in fields and in text', async () => {
    const { logger } = await open();
    logger.warn('webhook to https://alice:s3cret-pass@hooks.example.com/in failed; sent Authorization: Bearer abcdefTOKEN123', {
      password: 'hunter2-password',
      sftp: { privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----abc', host: 'files.example.com' },
      request: { headers: { authorization: 'Bearer abcdefTOKEN123', cookie: 'stockfeed_session=SESSIONID42' } },
      url: 'https://bob:another-pass@n8n.local/webhook',
      apiToken: 'sf_live_TOKENVALUE',
      error: new Error('connect to https://carol:pw-carol@x.example.com refused'),
    });
    await logger.flush();
    const text = fs.readFileSync(logFiles(logger.dir)[0] ?? '', 'utf8');
    for (const secret of ['s3cret-pass', 'alice', 'abcdefTOKEN123', 'hunter2-password', 'BEGIN OPENSSH', 'SESSIONID42', 'another-pass', 'TOKENVALUE', 'pw-carol']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('https://***@hooks.example.com/in');
    expect(text).toContain('files.example.com');
    expect(text).toContain('[redacted]');
  });
});
