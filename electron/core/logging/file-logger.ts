/**
 * The log file a shop owner can send to someone helping them: pino writing one JSON object per
 * line into DATA/logs/stockfeed.N.log, rotated by size (5 files of 5 MB at most, the oldest
 * deleted), owner-only like the rest of the data folder, with secrets redacted before they are
 * written. Writes are synchronous, so a line logged just before a crash is on disk;
 * pino-roll starts the next file on the following turn of the event loop, so a burst logged in one
 * turn may take a file a little past its size.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import pinoRoll from 'pino-roll';
import { ensurePrivateDir, LOG_DIR, PRIVATE_FILE_MODE } from '../data-files';
import type { LogFields, Logger } from '../logger';
import { REDACTED, REDACT_PATHS, redactFields, redactText } from './redaction';

export { LOG_DIR };
const BASE_NAME = 'stockfeed';
const EXTENSION = '.log';

export const LOG_ROTATION = { sizeBytes: 5 * 1024 * 1024, files: 5 } as const;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FileLoggerOptions = {
  dataDir: string;
  level?: LogLevel;
  /** Also written here (the server's and the desktop app's stderr), already redacted. */
  echo?: Logger;
  /** Size of one file before the next is started, and how many files are kept (tests lower them). */
  rotation?: { sizeBytes: number; files: number };
  version?: string;
};

export type FileLogger = Logger & {
  /** The folder of the log files (Help → Open logs folder). */
  readonly dir: string;
  flush(): Promise<void>;
  close(): Promise<void>;
};

/** Opens the rotating log in DATA/logs (created 0700). */
export async function openFileLogger(options: FileLoggerOptions): Promise<FileLogger> {
  const dir = path.join(options.dataDir, LOG_DIR);
  ensurePrivateDir(dir);
  const rotation = options.rotation ?? LOG_ROTATION;
  const stream = await pinoRoll({
    file: path.join(dir, BASE_NAME),
    extension: EXTENSION,
    size: `${Math.max(1, Math.round(rotation.sizeBytes / 1024))}k`,
    mode: PRIVATE_FILE_MODE,
    sync: true,
    // count is "in addition to the current file"; files from earlier runs count too.
    limit: { count: rotation.files - 1, removeOtherLogFiles: true },
  });
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid, ...(options.version ? { version: options.version } : {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  const line = (level: 'info' | 'warn' | 'error') => (msg: string, fields?: LogFields) => {
    const text = redactText(msg);
    const clean = fields ? (redactFields(fields) as LogFields) : undefined;
    if (clean) logger[level](clean, text);
    else logger[level](text);
    options.echo?.[level](text, clean);
  };
  const flush = () => new Promise<void>((resolve) => stream.flush(() => resolve()));
  return {
    dir,
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    flush,
    async close() {
      await flush();
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.end();
      });
    },
  };
}

export type LoggedProblem = { time: string; level: 'warn' | 'error'; msg: string };

/** The log files, newest first (stockfeed.7.log before stockfeed.6.log). */
export function logFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const numbered = names
    .map((name) => ({ name, n: Number(new RegExp(`^${BASE_NAME}\\.(\\d+)\\${EXTENSION}$`).exec(name)?.[1] ?? NaN) }))
    .filter((f) => Number.isInteger(f.n));
  return numbered.sort((a, b) => b.n - a.n).map((f) => path.join(dir, f.name));
}

/** The newest warnings and errors in the log files, newest first. */
export function recentProblems(dir: string, limit = 10): LoggedProblem[] {
  const found: LoggedProblem[] = [];
  for (const file of logFiles(dir)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').reverse();
    for (const text of lines) {
      if (!text.startsWith('{')) continue;
      try {
        const entry = JSON.parse(text) as { level?: unknown; time?: unknown; msg?: unknown };
        if (entry.level !== 'warn' && entry.level !== 'error') continue;
        found.push({ time: String(entry.time ?? ''), level: entry.level, msg: String(entry.msg ?? '') });
        if (found.length >= limit) return found;
      } catch {
        // A line cut by a crash: skip it.
      }
    }
  }
  return found;
}

/**
 * The hosts' logger: the log file with every line echoed to `echo` (stderr). A data folder where
 * the log cannot be written must not stop the start, nor add to the one sentence the database
 * check prints about that folder: the lines then go to `echo` alone, and `problem` says why, for
 * the host to log once the core has opened.
 */
export async function openHostLogger(dataDir: string, echo: Logger, version?: string): Promise<Logger & { close(): Promise<void>; problem: string | null }> {
  try {
    return { ...(await openFileLogger({ dataDir, echo, ...(version ? { version } : {}) })), problem: null };
  } catch (error) {
    const problem = `could not open the log file in ${path.join(dataDir, LOG_DIR)} (${(error as Error).message}); logging to the terminal only`;
    return { ...echo, close: async () => undefined, problem };
  }
}
